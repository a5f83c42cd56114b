"""Re-encrypt identity numbers and phones under the current data key, in batches (issue 17).

Rotation: put the new key first in the key file (``k2:<hex>``) and keep the old one below it
(``k1:<hex>``), restart, run this command, then remove the old line. Lookups by identity number
use the current key's blind index, so run it in a quiet hour: rows not yet re-encrypted are not
found by number until their batch is done.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from ganbu.core import keys
from ganbu.core.audit import audit_record
from ganbu.org.models import Person


class Command(BaseCommand):
    help = "数据密钥轮换：按批用当前密钥重新加密身份证号与手机号，并显示进度"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args: Any, **opts: Any) -> None:
        keys.reset()
        kid, _ = keys.current(keys.DATA)
        total = Person.objects.count()
        done, last_id, size = 0, 0, max(1, opts["batch"])
        while True:
            with transaction.atomic():
                batch = list(Person.objects.select_for_update().filter(pk__gt=last_id).order_by("pk")
                             .only("id", "id_number", "phone")[:size])
                if not batch:
                    break
                # Read with whichever key sealed them, written with the current one.
                Person.objects.bulk_update(batch, ["id_number", "phone"])
            done += len(batch)
            last_id = batch[-1].pk
            self.stdout.write(f"已重新加密 {done} / {total}")
        with transaction.atomic():
            audit_record(actor=None, action="crypto.rotate_data_key", object_type="person",
                         after={"key": kid, "rows": done}, reason="数据密钥轮换")
        self.stdout.write(f"完成：{done} 人已改用密钥 {kid}；旧密钥现在可以从密钥文件中删除")
