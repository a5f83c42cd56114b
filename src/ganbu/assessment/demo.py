"""Demo 千分制: this year's template in every township, scored item by item by the township office,
三评 entered; two townships have finalised and published their results, 绿水镇 is still scoring.
Monthly inspections feed last month's circular (督查通报).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ganbu.core.demo import DemoContext

FINDINGS = [("村务公开栏按时更新，资料齐全", True, ""), ("值班记录缺两天，未见交接签字", False, "三日内补齐并建立交接簿"),
            ("人居环境整治落实到位，群众满意", True, ""), ("防火宣传横幅未悬挂", False, "本周内完成悬挂"),
            ("民情日记记录详实", True, ""), ("台账资料归档不规范", False, "按镇考核办模板重新归档")]


def load_demo_assessment(ctx: DemoContext) -> None:
    from ganbu.assessment.models import AnnualResult
    from ganbu.assessment.queries import villages_of
    from ganbu.assessment.services import (
        AssessmentError,
        circular_publish,
        default_items,
        inspection_record,
        policy_for,
        results_finalize,
        results_publish,
        score_enter,
        template_create,
        three_evaluation_enter,
    )

    rnd = ctx.rnd("assessment")
    year_end = ctx.today.replace(month=12, day=31)
    last_month = (ctx.today.replace(day=1) - timedelta(days=1)).replace(day=1)
    for t_index, t in enumerate(ctx.townships, start=1):
        office = ctx.users[f"t{t_index}_office"]
        policy = policy_for(t, year_end).params
        items = default_items(policy, t)
        if not items or any(not i.max_points for i in items):
            continue
        template = template_create(actor=office, township=t, year=ctx.year, items=items)
        villages = list(villages_of(t, year_end))
        quality = {v.pk: rnd.uniform(0.72, 0.97) for v in villages}
        for index, v in enumerate(villages):
            finished = t_index != 2 or index < len(villages) // 2
            for item in template.items.order_by("order"):
                if not finished and item.order > 1:
                    break
                score = (Decimal(item.max_points) * Decimal(str(round(quality[v.pk] + rnd.uniform(-0.05, 0.03), 3))))
                score = min(Decimal(item.max_points), score.quantize(Decimal("1")))
                score_enter(actor=office, item=item, village=v, score=score, note="")
            if finished:
                total = Decimal(template.total_points)
                three_evaluation_enter(actor=office, template=template, village=v,
                                       self_score=(total * Decimal(str(round(quality[v.pk] + 0.03, 3)))).quantize(
                                           Decimal("1")).min(total),
                                       public_score=(total * Decimal(str(round(quality[v.pk], 3)))).quantize(
                                           Decimal("1")))
            for day_offset in (3, 12):
                finding, good, fix = FINDINGS[(index + day_offset + t_index) % len(FINDINGS)]
                if rnd.random() < 0.5:
                    inspection_record(actor=office, township=t, village=v, inspected_on=last_month + timedelta(
                        days=day_offset), finding=finding, good=good, rectification=fix)
        if t_index != 2:
            try:
                results_finalize(actor=office, template=template)
                results_publish(actor=office, template=template)
            except AssessmentError as exc:
                ctx.notes.append(f"千分制未定稿：{exc}")
        try:
            circular_publish(actor=office, township=t, month=last_month)
        except AssessmentError:
            pass
    ctx.notes.append(f"千分制结果 {AnnualResult.objects.count()}")
