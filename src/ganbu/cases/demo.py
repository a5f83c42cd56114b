"""Demo cases (问责事项): besides what the rules opened on their own (ATT-06 absences, PTS-06
thresholds), two cadres found away without leave (LV-07); the office has taken some cases in hand
and closed others with a decision, and some are past their due date.
"""

from __future__ import annotations

from datetime import timedelta

from ganbu.core.demo import DemoContext


def load_demo_cases(ctx: DemoContext) -> None:
    from ganbu.attendance.models import SignIn
    from ganbu.cases.models import Case
    from ganbu.cases.services import case_act, case_close
    from ganbu.leave.services import leave_report_unexcused
    from ganbu.org.models import Person

    rnd = ctx.rnd("cases")
    days = ctx.workdays(ctx.history_start, ctx.today - timedelta(days=7))
    county_org = ctx.users["county_org"]
    # spot checks found two township cadres away without leave on a day they had not signed in
    for t in ctx.townships[:2]:
        for person in Person.objects.filter(org=t, posts__title="township_cadre").order_by("id_number")[:6]:
            missing = [d for d in days if not SignIn.objects.filter(person=person, date=d).exists()]
            if missing:
                leave_report_unexcused(actor=county_org, person=person, days_away=missing[-1:])
                break
    # ordered by what the case is about, never by ids (keys hold ids; sequences differ between loads)
    cases = list(Case.objects.order_by("org_path", "rule_id", "title", "subject__id_number"))
    kept_open: set[str] = set()
    for index, case in enumerate(cases):
        roll = (index * 37 + rnd.randint(0, 9)) % 10
        township = case.org_path[:9]
        if township not in kept_open:  # every township keeps one case waiting for the office
            kept_open.add(township)
            continue
        if roll < 3:
            case_act(actor=county_org, case=case, note="已约谈当事人，要求书面说明情况")
            case_close(actor=county_org, case=case, decision=rnd.choice([
                "经核实情况属实，给予谈话提醒，当事人已作书面检查", "当事人补交病假证明，经审核不予追究"]))
        elif roll < 6:
            case_act(actor=county_org, case=case, note="已转镇纪委核实")
    ctx.notes.append(f"问责 {Case.objects.count()}（办结 {Case.objects.filter(status='closed').count()}）")
