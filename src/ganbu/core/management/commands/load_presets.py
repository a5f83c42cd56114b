"""Load the S0–S4 presets for a county and its townships (POL-02)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ganbu.core.presets import presets_load
from ganbu.org.models import Org, OrgKind


class Command(BaseCommand):
    help = "载入 S0–S4 细则预设（县级文件为县版本，镇级文件为各镇版本）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--county", help="县的区划代码（默认：唯一的县）")
        parser.add_argument("--year", type=int, default=timezone.localdate().year)
        parser.add_argument("--adopt", action="store_true", help="无待填参数的版本直接施行")
        parser.add_argument("--fill-suggested", action="store_true", help="用建议值（非原文）填写原文未规定的参数")

    def handle(self, *args: Any, **opts: Any) -> None:
        counties = Org.objects.filter(kind=OrgKind.COUNTY)
        if opts["county"]:
            counties = counties.filter(code=opts["county"])
        if counties.count() != 1:
            raise CommandError("请用 --county 指定一个县")
        county = counties.get()
        townships = list(Org.objects.filter(parent=county, kind__in=["township", "subdistrict"], valid_to__isnull=True))
        versions = presets_load(actor=None, county=county, townships=townships, year=opts["year"],
                                adopt=opts["adopt"], fill_suggested=opts["fill_suggested"])
        adopted = sum(1 for v in versions if v.status == "adopted")
        self.stdout.write(f"已载入 {len(versions)} 个细则版本，其中 {adopted} 个已施行")
