from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ganbu.core.calendar import calendar_seed_from_library


class Command(BaseCommand):
    help = "载入国务院通知的法定节假日与调休（系统预置数据）"

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write(f"已载入 {calendar_seed_from_library()} 天")
