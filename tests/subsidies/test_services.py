"""Register workflow (SUB-04) with the computed parts (SUB-01..03, SUB-05, SUB-06) on the test county."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ganbu.core.access import NotFound
from ganbu.core.models import AuditEntry
from ganbu.subsidies import services
from ganbu.subsidies.models import Line, PaymentRun, Register, RegisterStatus
from ganbu.subsidies.services import SubsidyError

from .conftest import YEAR


def propose(world, **kw):
    return services.register_propose(actor=world.users.office, township=world.t1, year=YEAR, **kw)


def cards(world, reg):
    for n, person in enumerate(p.person for p in reg.lines.select_related("person")):
        services.bank_card_save(actor=world.users.office, register=reg, person_id=person.pk, bank="县农商银行",
                                number=f"62210000000000{n:04d}")


PUBLISHED_ON = date(YEAR + 1, 1, 10)  # long enough ago that the 7-day public period is over


def paid_ready(world, finance, on=PUBLISHED_ON):
    reg = propose(world)
    cards(world, reg)
    for actor in (world.users.county_org, finance):
        reg = services.register_approve(actor=actor, register=reg)
    return services.register_publish(actor=world.users.office, register=reg, on=on)


def test_sub_01_02_03_register_lines_from_posts_scores_and_pool(world, scored):
    """SUB-01/02/03: 东村 (180 households) secretary 1,500 (700 reward), clerk 70%; the scored pool paid by score."""
    reg = propose(world, rural_income=Decimal("500"), duty_logs_checked=True)
    lines = {ln.person.name: ln for ln in reg.lines.select_related("person")}
    sec, clerk = lines["孙支书"], lines["周文书"]
    assert (sec.entitled, sec.base, sec.reward_part) == (Decimal("1500.00"), Decimal("800.00"), Decimal("700.00"))
    assert (clerk.entitled, clerk.base, clerk.reward_part) == (Decimal("1050.00"), Decimal("560.00"),
                                                                Decimal("490.00"))
    assert (sec.reward, clerk.reward) == (Decimal("714.00"), Decimal("476.00"))  # 1,190 × 90/150 and 60/150
    assert sec.reward + clerk.reward == sec.reward_part + clerk.reward_part
    assert sec.net == Decimal("1514.00") and reg.total_net == Decimal("2550.00")
    assert "每分值" in reg.formula and "全县统筹" in reg.formula
    assert "西村" not in reg.formula and "缺少年终目标考核得分" in reg.formula  # 陈外村 (绿水镇) waits
    assert reg.policy_version_id and "补贴" in reg.policy_ref
    assert AuditEntry.objects.filter(action="subsidy.propose", object_id=str(reg.pk)).exists()


def test_sub_06_deposit_and_absence_deductions_itemised(world, scored):
    """SUB-06: absences (ATT-05, 20 yuan each) come off the line, itemised with the policy version."""
    from ganbu.attendance.models import MonthTally

    MonthTally.objects.create(person=world.people.cadre_a, month=date(YEAR, 3, 1), org_path=world.people.cadre_a.org_path,
                              county=world.county.path[:6], days=21, present=18, absent=3)
    reg = propose(world)
    clerk = reg.lines.get(person=world.people.cadre_a)
    assert clerk.deduction_total == Decimal("60.00") and clerk.net == clerk.gross - Decimal("60.00")
    item = clerk.deductions[0]
    assert item["rule_id"] == "ATT-05" and item["amount"] == "60.00" and item["policy_version_id"]


def test_sub_04_full_chain_return_correct_approve_publish_pay(world, scored, finance):
    """SUB-04: propose → org review → finance sends back → township corrects → both approve → notice → bank."""
    reg = propose(world)
    reg = services.register_approve(actor=world.users.county_org, register=reg)
    assert reg.status == RegisterStatus.ORG_APPROVED
    with pytest.raises(SubsidyError, match="请填写理由"):
        services.register_return(actor=finance, register=reg, reason=" ")
    reg = services.register_return(actor=finance, register=reg, reason="上年农村人均收入未填写")
    assert reg.status == RegisterStatus.RETURNED
    reg = services.register_correct(actor=world.users.office, register=reg, reason="补填收入",
                                    rural_income=Decimal("800"), duty_logs_checked=True)
    assert reg.status == RegisterStatus.PROPOSED and reg.version == 1 and reg.rural_income == Decimal("800")
    reg = services.register_approve(actor=world.users.county_org, register=reg)
    with pytest.raises(SubsidyError, match="尚未审批通过"):
        services.payment_run_create(actor=finance, register=reg)
    reg = services.register_approve(actor=finance, register=reg)
    assert reg.status == RegisterStatus.APPROVED
    reg = services.register_publish(actor=world.users.office, register=reg, on=PUBLISHED_ON)
    with pytest.raises(SubsidyError, match="未登记工资卡.*孙支书"):
        services.payment_run_create(actor=finance, register=reg)
    cards(world, reg)
    content = reg.notice_version.content
    assert content["rows"][0][2].count("*") == 10
    assert world.people.village_secretary_a.id_number not in str(content)
    run = services.payment_run_create(actor=finance, register=reg)
    assert run.total == reg.total_net
    kinds = list(reg.steps.values_list("kind", flat=True))
    assert kinds == ["propose", "org_approve", "return", "correct", "org_approve", "finance_approve", "publish", "pay"]


def test_sub_04_second_payment_run_refused_nothing_changed(world, scored, finance):
    """SUB-04: nothing is paid twice — a second run for the same year is refused in Chinese."""
    reg = paid_ready(world, finance)
    services.payment_run_create(actor=finance, register=reg)
    before = AuditEntry.objects.count()
    with pytest.raises(SubsidyError, match="同一年度不能重复发放"):
        services.payment_run_create(actor=finance, register=reg)
    assert PaymentRun.objects.count() == 1 and AuditEntry.objects.count() == before
    with pytest.raises(SubsidyError, match="已发放，不能再更正"):
        services.register_correct(actor=world.users.office, register=reg, reason="x")


def test_sub_04_bank_file_before_approval_refused(world, scored, finance):
    """SUB-04: 先审批后发放 — no bank run on a proposed register; none before the notice either."""
    reg = propose(world)
    with pytest.raises(SubsidyError, match="尚未审批通过"):
        services.payment_run_create(actor=finance, register=reg)
    for actor in (world.users.county_org, finance):
        reg = services.register_approve(actor=actor, register=reg)
    with pytest.raises(SubsidyError, match="须先公示后发放"):
        services.payment_run_create(actor=finance, register=reg)
    assert not PaymentRun.objects.exists()
    assert Register.objects.get(pk=reg.pk).status == RegisterStatus.APPROVED


def test_sub_03_approving_with_unscored_cadre_refused(world, policies, finance):
    """SUB-03/04: a cadre without a year-end score blocks approval, named, with nothing changed."""
    reg = propose(world)
    assert reg.lines.filter(score__isnull=True).count() == 2
    with pytest.raises(SubsidyError, match="孙支书.*没有年终目标考核得分，不能审批"):
        services.register_approve(actor=world.users.county_org, register=reg)
    reg.refresh_from_db()
    assert reg.status == RegisterStatus.PROPOSED and not reg.steps.filter(kind="org_approve").exists()


def test_sub_04_correction_after_approval_is_new_version(world, scored, finance):
    """SUB-04: once approved, a correction makes version 2 with its reason; version 1 is kept, superseded."""
    reg = propose(world)
    for actor in (world.users.county_org, finance):
        reg = services.register_approve(actor=actor, register=reg)
    with pytest.raises(SubsidyError, match="请填写理由"):
        services.register_correct(actor=world.users.office, register=reg, reason="")
    v2 = services.register_correct(actor=world.users.office, register=reg, reason="补录村会计任职日期")
    assert (v2.version, v2.previous_id, v2.correction_reason) == (2, reg.pk, "补录村会计任职日期")
    assert Register.objects.get(pk=reg.pk).status == RegisterStatus.SUPERSEDED
    assert Line.objects.filter(register=reg).count() == 2  # the old version's lines are kept
    with pytest.raises(SubsidyError, match="已提出"):
        propose(world)


def test_sub_04_recusal_nobody_approves_his_own_line(world, scored, finance):
    """SUB-04 + recusal: a reviewer whose own subsidy is on the register cannot approve it."""
    from ganbu.org.roles import Role
    from ganbu.org.services import role_grant

    reg = propose(world)
    me = world.users.village_secretary_a
    role_grant(actor=None, user=me, role=Role.COUNTY_ORG, org=world.county)
    me._ganbu_grants = None
    with pytest.raises(SubsidyError, match="依规回避"):
        services.register_approve(actor=me, register=reg)
    assert Register.objects.get(pk=reg.pk).status == RegisterStatus.PROPOSED


def test_sub_04_outsider_and_wrong_role_get_not_found(world, scored, finance):
    """Access: the outsider cannot propose; the township office cannot approve (same 404)."""
    with pytest.raises(NotFound):
        services.register_propose(actor=world.users.outsider, township=world.t1, year=YEAR)
    reg = propose(world)
    with pytest.raises(NotFound):
        services.register_approve(actor=world.users.office, register=reg)
    with pytest.raises(NotFound):
        services.register_approve(actor=finance, register=reg)  # the org department reviews first


def test_sub_04_unanswered_objection_blocks_payment(world, scored, finance):
    """SUB-04/PUB-04: objections are handled by the notices app before the bank file is written."""
    from ganbu.notices.services import objection_answer, objection_file

    reg = paid_ready(world, finance)
    obj = objection_file(version=reg.notice_version, text="周文书全年在岗天数有误", on=PUBLISHED_ON)
    with pytest.raises(SubsidyError, match="1条异议未答复"):
        services.payment_run_create(actor=finance, register=reg)
    objection_answer(actor=world.users.office, objection=obj, answer="经核实任职天数无误")
    assert services.payment_run_create(actor=finance, register=reg).total == reg.total_net


def test_sub_01_weights_read_from_the_tree(world, scored):
    """SUB-01: a weak village (集体经济薄弱村) and an inland township get the policy's weights."""
    from ganbu.core.models import PolicyVersion
    from ganbu.org.services import org_update

    county_policy = PolicyVersion.objects.get(module="subsidies", org=world.county, status="adopted")
    county_policy.params = {**county_policy.params, "weak_village_factor": "1.2", "inland_township_factor": "1.1"}
    county_policy.save(update_fields=["params"])
    org_update(actor=None, org=world.village_a, categories=["weak_collective"])
    world.t1.categories = ["inland"]
    world.t1.save(update_fields=["categories"])
    reg = propose(world)
    sec = reg.lines.get(person=world.people.village_secretary_a)
    assert sec.entitled == Decimal("1980.00")  # 1,500 × 1.2 × 1.1


def test_sub_04_bank_file_waits_for_the_public_period(world, scored, finance):
    """SUB-04 先审批后发放: no payment run on the last day of the public period (the date it opens is named,
    nothing changes); the day after it is written."""
    published = date(YEAR + 1, 3, 2)
    reg = paid_ready(world, finance, on=published)
    until = reg.notice_version.public_until
    assert until == published + timedelta(days=6)  # 7 days including the day of publishing
    before = AuditEntry.objects.count()
    for day in (published, until):
        with pytest.raises(SubsidyError, match=f"公示期至{YEAR + 1}年3月8日.*{YEAR + 1}年3月9日起可生成"):
            services.payment_run_create(actor=finance, register=reg, on=day)
    assert not PaymentRun.objects.exists() and AuditEntry.objects.count() == before
    assert Register.objects.get(pk=reg.pk).status == RegisterStatus.PUBLISHED
    run = services.payment_run_create(actor=finance, register=reg, on=until + timedelta(days=1))
    assert run.total == reg.total_net and Register.objects.get(pk=reg.pk).status == RegisterStatus.PAID


def test_sub_04_card_number_sealed_at_rest_full_only_in_bank_file(world, scored, finance, login):
    """Salary card numbers are SM4-encrypted in the database (raw column), masked to the last 4 digits on the
    register page, and whole only in the bank file the finance bureau downloads."""
    from django.db import connection

    from ganbu.reports.excel import read_rows
    from ganbu.subsidies import exports
    from ganbu.subsidies.models import BankCard

    reg = paid_ready(world, finance)
    number = "6230910000000012345"
    services.bank_card_save(actor=world.users.office, register=reg, person_id=world.people.village_secretary_a.pk,
                            bank="县农商银行", number=number)
    card = BankCard.objects.get(person=world.people.village_secretary_a)
    with connection.cursor() as cur:
        cur.execute(f"SELECT number FROM {BankCard._meta.db_table} WHERE id = %s", [card.pk])
        raw = cur.fetchone()[0]
    assert number not in raw and "2345" not in raw.split("$", 1)[1] and card.number == number
    assert number not in str(list(AuditEntry.objects.values_list("after", flat=True)))
    page = login("office").get(f"/subsidies/register/{reg.pk}/").content.decode()
    assert number not in page and "***************2345" in page
    run = services.payment_run_create(actor=finance, register=reg)
    row = next(r for r in read_rows(exports.bank_file(run), "x.xlsx")["代发清单"][2:] if r[1] == "孙支书")
    assert row[3] == number
    assert login("office").get(f"/subsidies/register/{reg.pk}/bank.xlsx").status_code == 404  # not the payer
