"""Demo public board (公示通报): last month's attendance of every township published, besides the
points summary, 千分制 results and inspection circulars the other demo modules published.
"""

from __future__ import annotations

from datetime import timedelta

from ganbu.core.demo import DemoContext


def load_demo_notices(ctx: DemoContext) -> None:
    from ganbu.attendance.services import monthly_publish
    from ganbu.notices.models import NoticeVersion

    last_month = (ctx.today.replace(day=1) - timedelta(days=1)).replace(day=1)
    for t_index, t in enumerate(ctx.townships, start=1):
        monthly_publish(actor=ctx.users[f"t{t_index}_office"], org=t, month=last_month)
    ctx.notes.append(f"公示 {NoticeVersion.objects.count()}")
