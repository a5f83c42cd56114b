"""Demo points (积分制): each township's catalogue and this year's cycles, three months of entries
recorded by the office and approved (or sent back) by the township head, a few still waiting, and
the half-year summary published on the public board.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError

from ganbu.core.demo import DemoContext

# (scope, category, name, kind, default points, cap per cycle)
CATALOGUE = [
    ("village", "上级工作任务", "完成上级交办的重点任务", "add", "5", "30"),
    ("village", "上级工作任务", "防汛防火值守到岗", "add", "2", "20"),
    ("village", "镇级工作任务", "人居环境整治月度检查达标", "add", "3", None),
    ("village", "镇级工作任务", "矛盾纠纷就地化解", "add", "2", "20"),
    ("village", "镇级工作任务", "未按时报送工作台账", "deduct", "2", "20"),
    ("village", "违反法律法规", "违反廉洁纪律受到通报", "deduct", "10", "100"),
    ("township", "本职工作", "圆满完成分管条线重点工作", "add", "5", "30"),
    ("township", "安全工作（一岗双责）", "分管领域安全隐患整改到位", "add", "3", "15"),
    ("township", "驻村工作", "驻村包干走访到户", "add", "2", "24"),
    ("township", "开会学习考勤", "无故缺席例会", "deduct", "2", "20"),
]
NOTES = {"add": ["按时完成，镇考核办验收合格", "上级通报表扬", "群众反映良好，有照片台账"],
         "deduct": ["经督查发现，已责令整改", "逾期三天未报送", "督查通报点名"]}


def load_demo_points(ctx: DemoContext) -> None:
    from ganbu.points.models import CycleSummary, PointEntry
    from ganbu.points.queries import ranked_people
    from ganbu.points.services import (
        cycle_open,
        cycle_summarise,
        point_entry_approve,
        point_entry_record,
        point_entry_reject,
        point_item_create,
        ranking_publish,
    )

    rnd = ctx.rnd("points")
    days = ctx.workdays(max(ctx.history_start, date(ctx.year, 1, 1)), ctx.today)
    for t_index, t in enumerate(ctx.townships, start=1):
        office, head = ctx.users[f"t{t_index}_office"], ctx.users[f"t{t_index}_head"]
        secretary = ctx.users[f"t{t_index}_secretary"]
        cycles = {scope: cycle_open(actor=office, township=t, year=ctx.year, scope=scope)
                  for scope in ("village", "township")}
        items: dict[str, list[Any]] = {"village": [], "township": []}
        for scope, category, name, kind, points, cap in CATALOGUE:
            try:
                items[scope].append(point_item_create(actor=office, township=t, scope=scope, category=category,
                                                      name=name, kind=kind, default_points=points,
                                                      cap_per_cycle=cap))
            except ValidationError:  # the township's policy names other categories
                continue
        for scope in ("village", "township"):
            if not items[scope] or not days:
                continue
            people = list(ranked_people(t.path, scope).order_by("org_path", "id_number"))
            for person in people:
                for _ in range(rnd.choice([1, 2, 3, 3, 4, 5])):
                    item = rnd.choice(items[scope])
                    if item.kind == "deduct" and rnd.random() < 0.6:
                        item = items[scope][0]
                    day = rnd.choice(days)
                    try:
                        entry = point_entry_record(actor=office, person=person, item_id=item.pk, points=None,
                                                   on=day, note=rnd.choice(NOTES[item.kind]))
                    except ValidationError:  # over the item's cap for the cycle
                        continue
                    roll = rnd.random()
                    if day > ctx.today - timedelta(days=5) or roll < 0.08:
                        continue  # still waiting for the second person
                    # 回避: the head's own entries are decided by the secretary
                    approver = secretary if person.pk == head.person_id else head
                    if roll < 0.13:
                        point_entry_reject(actor=approver, entry=entry, reason="证明材料不足，请补充验收记录")
                    else:
                        point_entry_approve(actor=approver, entry=entry)
        if t_index == 1:  # the printed village logins have approved points of their own
            for username in ("a_secretary", "a_cadre", "a_committee"):
                person = getattr(ctx.users.get(username), "person", None)
                if person is None or not items["village"]:
                    continue
                for item in items["village"][:2]:
                    try:
                        entry = point_entry_record(actor=office, person=person, item_id=item.pk, points=None,
                                                   on=days[len(days) // 2], note=NOTES["add"][0])
                    except ValidationError:
                        continue
                    point_entry_approve(actor=head, entry=entry)
        if cycles["village"].half <= ctx.today:
            summary = cycle_summarise(actor=office, cycle=cycles["village"], kind=CycleSummary.Kind.HALF)
            ranking_publish(actor=office, summary=summary)
    counts = {s: PointEntry.objects.filter(status=s).count() for s in PointEntry.Status.values}
    ctx.notes.append(f"积分 {counts}")
