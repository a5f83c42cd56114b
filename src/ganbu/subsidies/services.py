"""Every write of the subsidies app (SUB-04 先审批后发放): one transaction, one audit row, an access check.

township proposes → organisation department reviews → finance bureau approves (either may send it back
with a reason; the township corrects and proposes again) → published as a notice (ID numbers masked,
public period) → one bank payment run per township and year. A correction after approval is a new
version with a reason. Refusals raise :class:`SubsidyError` in Chinese and change nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from ganbu.core.access import NotFound, has_perm
from ganbu.core.audit import audit_record
from ganbu.core.notify import notify, users_with_role
from ganbu.core.recusal import RecusalError, ensure_not_subject
from ganbu.org.models import Org, PostTitle
from ganbu.subsidies.compute import NO_POLICY, ComputedTownship, compute
from ganbu.subsidies.models import Line, PaymentRun, Register, RegisterStatus, Step
from ganbu.subsidies.rules import rules_text

S = RegisterStatus
NOTHING = "{township}{year}年没有享受补贴的村干部（请核对职数内职务和户数）"
ALREADY = "{township}{year}年的补贴花名册已提出（第{version}版，{status}），请在原花名册上更正"
NOT_RETURNED = "花名册当前状态为「{status}」，只有退回修改的花名册可以更正后重新提出"
NOT_APPROVED_YET = "花名册当前状态为「{status}」，只有审批后的花名册才能作为新版本更正"
REASON_EMPTY = "请填写理由"
WRONG_STEP = "花名册当前状态为「{status}」，不能{action}"
NO_SCORE = "{names}没有年终目标考核得分，不能审批；请待得分录入后由镇更正重新提出"
NOT_APPROVED = "花名册尚未审批通过（当前「{status}」），不能生成银行发放文件"
NOT_PUBLISHED = "花名册尚未公示，按细则须先公示后发放"
PUBLIC_PERIOD = "公示期至{until}，期满前不能生成银行发放文件；{next}起可生成"
OPEN_OBJECTIONS = "公示中还有{n}条异议未答复，请先答复异议"
PAID_TWICE = "{township}{year}年的补贴已生成过银行发放文件（{at}），同一年度不能重复发放"
PAID_NO_CORRECT = "该花名册已发放，不能再更正"
RECUSED_LINE = "花名册中有您本人的补贴，依规回避；该花名册由上一级负责人审批"
NO_CARD = "以下人员未登记工资卡，请镇补录后再生成发放文件：{names}"
INCOME_BAD = "上年农村人均收入须为0到1000000之间的金额"


class SubsidyError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _require(ok: bool) -> None:
    if not ok:
        raise NotFound()


def _computed(township: Org, year: int, income: Decimal | None, checked: bool) -> ComputedTownship:
    result = compute(scope=township, year=year, inputs={township.pk: (income, checked)})
    ct = result.get(township.pk)
    if ct is None:
        raise SubsidyError(NOTHING.format(township=township.name, year=year))
    if ct.error:
        raise SubsidyError(ct.error)
    if not ct.lines:
        raise SubsidyError(NOTHING.format(township=township.name, year=year))
    return ct


def _write_lines(register: Register, ct: ComputedTownship) -> None:
    register.lines.all().delete()
    Line.objects.bulk_create([
        Line(register=register, person_id=ln.person_id, village_id=ln.village_id, titles=list(ln.titles),
             days=ln.days, entitled=ln.entitled, base=ln.base, reward_part=ln.reward_part, score=ln.score,
             reward=ln.reward, gross=ln.gross, deductions=[d.as_dict() for d in ln.deductions],
             deduction_total=sum((d.amount for d in ln.deductions), Decimal("0.00")), net=ln.net,
             shortfalls=[{"rule_id": s.rule_id, "text": s.text, "amount": str(s.amount)} for s in ln.shortfalls],
             rule=ln.rule[:200], note=ln.note[:200])
        for ln in ct.lines
    ])
    register.policy_version_id = ct.policy.version_id
    register.policy_ref = ct.policy.ref[:300]
    register.pool_scope = ct.pool_scope
    register.pool = ct.pool
    register.formula = ct.formula
    register.rules_text = rules_text(ct.policy.params, ct.pool_scope)
    register.total_net = sum((ln.net for ln in ct.lines), Decimal("0.00"))


def _check_income(income: Decimal | None) -> None:
    if income is not None and not Decimal("0") <= income <= Decimal("1000000"):
        raise SubsidyError(INCOME_BAD)


def _notify(role: str, path: str, title: str, register: Register) -> None:
    users = users_with_role(role, path)
    url = f"/subsidies/register/{register.pk}/"
    key = f"subsidy:{register.pk}:{register.status}:{role}"
    transaction.on_commit(lambda: notify(users=users, title=title, url=url, kind="subsidies", key=key))


def _step(register: Register, kind: Any, actor: Any, reason: str = "") -> None:
    Step.objects.create(register=register, kind=kind, actor=actor, reason=reason[:300])


def _locked(register: Register) -> Register:
    return Register.objects.select_for_update().select_related("township").get(pk=register.pk)


def _subjects(register: Register) -> list[int]:
    return list(register.lines.values_list("person_id", flat=True))


def _recuse(actor: Any, register: Register) -> None:
    try:
        ensure_not_subject(actor, _subjects(register))
    except RecusalError:
        raise SubsidyError(RECUSED_LINE) from None


@transaction.atomic
def register_propose(*, actor: Any, township: Org, year: int, rural_income: Decimal | None = None,
                     duty_logs_checked: bool = False) -> Register:
    """The township computes and proposes its register for ``year`` (SUB-04 step 1)."""
    _require(has_perm(actor, "subsidies.propose", township.path))
    _check_income(rural_income)
    existing = (Register.objects.select_for_update().filter(township=township, year=year)
                .exclude(status=S.SUPERSEDED).order_by("-version").first())
    if existing is not None:
        raise SubsidyError(ALREADY.format(township=township.name, year=year, version=existing.version,
                                          status=existing.get_status_display()))
    ct = _computed(township, year, rural_income, duty_logs_checked)
    try:
        ensure_not_subject(actor, [ln.person_id for ln in ct.lines])
    except RecusalError:
        raise SubsidyError(RECUSED_LINE) from None
    register = Register(township=township, org_path=township.path, year=year, rural_income=rural_income,
                        duty_logs_checked=duty_logs_checked, created_by=actor, status=S.PROPOSED,
                        policy_version_id=ct.policy.version_id, pool=ct.pool, formula=ct.formula)
    register.save()
    _write_lines(register, ct)
    register.save()
    _step(register, Step.Kind.PROPOSE, actor)
    audit_record(actor=actor, action="subsidy.propose", object_type="subsidy_register", object_id=register.pk,
                 org_path=township.path, after={"year": year, "lines": len(ct.lines), "net": register.total_net,
                                                "policy_version": register.policy_version_id})
    _notify("county_org", township.path[:6], f"{township.name}{year}年村干部补贴花名册待审核", register)
    return register


@transaction.atomic
def register_correct(*, actor: Any, register: Register, reason: str, rural_income: Decimal | None = None,
                     duty_logs_checked: bool = False) -> Register:
    """Recompute a register: in place when it was sent back; as a new version when already approved."""
    _require(has_perm(actor, "subsidies.propose", register.org_path))
    reg = _locked(register)
    reason = (reason or "").strip()
    if not reason:
        raise SubsidyError(REASON_EMPTY)
    _check_income(rural_income)
    if reg.status == S.PAID:
        raise SubsidyError(PAID_NO_CORRECT)
    if reg.status in (S.PROPOSED, S.ORG_APPROVED, S.SUPERSEDED):
        raise SubsidyError(NOT_RETURNED.format(status=reg.get_status_display()))
    ct = _computed(reg.township, reg.year, rural_income, duty_logs_checked)
    try:
        ensure_not_subject(actor, [ln.person_id for ln in ct.lines])
    except RecusalError:
        raise SubsidyError(RECUSED_LINE) from None
    before = {"status": reg.status, "version": reg.version, "net": reg.total_net}
    if reg.status == S.RETURNED:
        target = reg
        target.rural_income, target.duty_logs_checked = rural_income, duty_logs_checked
    else:  # approved or published: a new version
        reg.status = S.SUPERSEDED
        reg.save(update_fields=["status"])
        top = Register.objects.filter(township=reg.township, year=reg.year).aggregate(m=Max("version"))["m"]
        target = Register(township=reg.township, org_path=reg.org_path, year=reg.year, version=top + 1,
                          previous=reg, correction_reason=reason, rural_income=rural_income,
                          duty_logs_checked=duty_logs_checked, created_by=actor, status=S.PROPOSED,
                          policy_version_id=ct.policy.version_id, pool=ct.pool, formula=ct.formula)
        target.save()
    _write_lines(target, ct)
    target.status = S.PROPOSED
    target.returned_reason = ""
    target.org_approved_by = target.finance_approved_by = None
    if target is reg:
        target.correction_reason = reason[:300]
    target.save()
    _step(target, Step.Kind.CORRECT, actor, reason)
    audit_record(actor=actor, action="subsidy.correct", object_type="subsidy_register", object_id=target.pk,
                 org_path=target.org_path, before=before, reason=reason,
                 after={"version": target.version, "net": target.total_net})
    _notify("county_org", target.org_path[:6], f"{target.township.name}{target.year}年补贴花名册已更正，待审核",
            target)
    return target


def _missing_scores(register: Register) -> list[str]:
    return list(register.lines.filter(score__isnull=True).values_list("person__name", flat=True)[:20])


@transaction.atomic
def register_approve(*, actor: Any, register: Register, note: str = "") -> Register:
    """Organisation department review, then finance bureau approval (SUB-04). Nobody approves himself."""
    reg = _locked(register)
    if reg.status == S.PROPOSED:
        _require(has_perm(actor, "subsidies.org_review", reg.org_path))
        kind, nxt = Step.Kind.ORG_APPROVE, S.ORG_APPROVED
    elif reg.status == S.ORG_APPROVED:
        _require(has_perm(actor, "subsidies.finance_review", reg.org_path))
        kind, nxt = Step.Kind.FINANCE_APPROVE, S.APPROVED
    else:
        _require(has_perm(actor, "subsidies.org_review", reg.org_path)
                 or has_perm(actor, "subsidies.finance_review", reg.org_path))
        raise SubsidyError(WRONG_STEP.format(status=reg.get_status_display(), action="审批"))
    _recuse(actor, reg)
    missing = _missing_scores(reg)
    if missing:
        raise SubsidyError(NO_SCORE.format(names="、".join(missing)))
    before = {"status": reg.status}
    reg.status = nxt
    if kind == Step.Kind.ORG_APPROVE:
        reg.org_approved_by = actor
    else:
        reg.finance_approved_by = actor
    reg.save(update_fields=["status", "org_approved_by", "finance_approved_by"])
    _step(reg, kind, actor, note)
    audit_record(actor=actor, action=f"subsidy.{kind}", object_type="subsidy_register", object_id=reg.pk,
                 org_path=reg.org_path, before=before, after={"status": reg.status}, reason=note[:300])
    if nxt == S.ORG_APPROVED:
        _notify("county_finance", reg.org_path[:6], f"{reg.township.name}{reg.year}年补贴花名册待财政局审批", reg)
    else:
        _notify("township_office", reg.org_path, f"{reg.township.name}{reg.year}年补贴花名册已审批，请公示", reg)
    return reg


@transaction.atomic
def register_return(*, actor: Any, register: Register, reason: str) -> Register:
    """Send a register back to the township with a reason (either reviewer)."""
    reg = _locked(register)
    if reg.status == S.PROPOSED:
        _require(has_perm(actor, "subsidies.org_review", reg.org_path))
    elif reg.status == S.ORG_APPROVED:
        _require(has_perm(actor, "subsidies.finance_review", reg.org_path))
    else:
        _require(has_perm(actor, "subsidies.org_review", reg.org_path)
                 or has_perm(actor, "subsidies.finance_review", reg.org_path))
        raise SubsidyError(WRONG_STEP.format(status=reg.get_status_display(), action="退回"))
    reason = (reason or "").strip()
    if not reason:
        raise SubsidyError(REASON_EMPTY)
    _recuse(actor, reg)
    before = {"status": reg.status}
    reg.status = S.RETURNED
    reg.returned_reason = reason[:300]
    reg.org_approved_by = None
    reg.save(update_fields=["status", "returned_reason", "org_approved_by"])
    _step(reg, Step.Kind.RETURN, actor, reason)
    audit_record(actor=actor, action="subsidy.return", object_type="subsidy_register", object_id=reg.pk,
                 org_path=reg.org_path, before=before, after={"status": reg.status}, reason=reason[:300])
    _notify("township_office", reg.org_path, f"{reg.township.name}{reg.year}年补贴花名册被退回：{reason[:40]}", reg)
    return reg


def public_content(register: Register) -> dict[str, Any]:
    """What the notice shows, in the notices app's table shape; ID numbers are masked by the notices app."""
    titles = dict(PostTitle.choices)
    rows = []
    for ln in register.lines.select_related("person", "village").order_by("village__name", "id"):
        rows.append([ln.village.name, ln.person.name, ln.person.id_number,
                     "、".join(titles.get(t, t) for t in ln.titles),
                     str(ln.score) if ln.score is not None else "", str(ln.base), str(ln.reward),
                     str(ln.deduction_total), str(ln.net)])
    return {"columns": ["村", "姓名", "公民身份号码", "职务", "年终目标考核得分", "基本补贴（元）", "奖励补贴（元）",
                        "扣款（元）", "实发（元）"],
            "rows": rows, "text": f"合计实发{register.total_net}元。奖励补贴计算：{register.formula}",
            "year": register.year, "township": register.township.name, "version": register.version}


@transaction.atomic
def register_publish(*, actor: Any, register: Register, on: date | None = None) -> Register:
    """Publish the approved register as a notice (ID numbers masked, public period from the policy from ``on``)."""
    from ganbu.notices.models import NoticeKind
    from ganbu.notices.services import notice_publish_with_policy

    reg = _locked(register)
    _require(has_perm(actor, "subsidies.publish", reg.org_path))
    if reg.status != S.APPROVED:
        raise SubsidyError(WRONG_STEP.format(status=reg.get_status_display(), action="公示"))
    try:
        version = notice_publish_with_policy(
            actor=actor, org=reg.township, kind=str(NoticeKind.SUBSIDY), key=f"subsidy:{reg.township_id}:{reg.year}",
            title=f"{reg.township.name}{reg.year}年度村干部补贴发放公示", content=public_content(reg),
            period=str(reg.year), policy_ref=reg.policy_ref, on=on)
    except ValueError as exc:
        raise SubsidyError(str(exc)) from None
    reg.status = S.PUBLISHED
    reg.notice_version = version
    reg.save(update_fields=["status", "notice_version"])
    _step(reg, Step.Kind.PUBLISH, actor)
    audit_record(actor=actor, action="subsidy.publish", object_type="subsidy_register", object_id=reg.pk,
                 org_path=reg.org_path, after={"notice_version": version.pk})
    _notify("county_finance", reg.org_path[:6], f"{reg.township.name}{reg.year}年补贴已公示，待生成发放文件", reg)
    return reg


def _ymd(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def payment_waits_until(register: Register) -> date | None:
    """The last day of the notice's public period (payment is possible the day after), or None."""
    nv = register.notice_version
    return nv.public_until if nv is not None else None


def payment_opens_on(register: Register, on: date | None = None) -> date | None:
    """The first day the bank file may be written, when that is still in the future (for the page)."""
    until = payment_waits_until(register)
    if until is None or (on or timezone.localdate()) > until:
        return None
    return until + timedelta(days=1)


@transaction.atomic
def payment_run_create(*, actor: Any, register: Register, on: date | None = None) -> PaymentRun:
    """The one bank batch for the township's year: only after approval, the notice's public period (SUB-04
    先审批后发放: published, objections answered, then paid) and never twice. ``on`` is today by default."""
    from ganbu.core.policy import PolicyMissing, policy_resolve

    reg = _locked(register)
    _require(has_perm(actor, "subsidies.pay", reg.org_path))
    done = PaymentRun.objects.filter(township_id=reg.township_id, year=reg.year).first()
    if done is not None:
        raise SubsidyError(PAID_TWICE.format(township=reg.township.name, year=reg.year,
                                             at=done.created_at.strftime("%Y-%m-%d")))
    if reg.status not in (S.APPROVED, S.PUBLISHED):
        raise SubsidyError(NOT_APPROVED.format(status=reg.get_status_display()))
    try:
        params = policy_resolve("subsidies", reg.org_path, date(reg.year, 12, 31)).params
        notice_first = params.notice_before_payment
    except PolicyMissing:
        raise SubsidyError(NO_POLICY.format(org=reg.township.name, year=reg.year)) from None
    if notice_first and reg.status != S.PUBLISHED:
        raise SubsidyError(NOT_PUBLISHED)
    if reg.notice_version_id:
        until = payment_waits_until(reg)
        if until is not None and (on or timezone.localdate()) <= until:
            raise SubsidyError(PUBLIC_PERIOD.format(until=_ymd(until), next=_ymd(until + timedelta(days=1))))
        n = reg.notice_version.objections.filter(answered_at__isnull=True).count()
        if n:
            raise SubsidyError(OPEN_OBJECTIONS.format(n=n))
    _recuse(actor, reg)
    from ganbu.subsidies.models import BankCard

    paid = reg.lines.filter(net__gt=0)
    no_card = list(paid.exclude(person_id__in=BankCard.objects.values("person_id"))
                   .values_list("person__name", flat=True)[:20])
    if no_card:
        raise SubsidyError(NO_CARD.format(names="、".join(no_card)))
    try:
        with transaction.atomic():
            run = PaymentRun.objects.create(township_id=reg.township_id, year=reg.year, register=reg,
                                            total=reg.total_net, created_by=actor)
    except IntegrityError:
        raise SubsidyError(PAID_TWICE.format(township=reg.township.name, year=reg.year, at="刚刚")) from None
    reg.status = S.PAID
    reg.save(update_fields=["status"])
    _step(reg, Step.Kind.PAY, actor)
    audit_record(actor=actor, action="subsidy.pay", object_type="subsidy_register", object_id=reg.pk,
                 org_path=reg.org_path, after={"run": run.pk, "total": run.total})
    return run


CARD_BAD = "工资卡卡号须为12到30位数字"
BANK_EMPTY = "请填写开户行"
NOT_ON_REGISTER = "该干部不在本镇补贴花名册上"


@transaction.atomic
def bank_card_save(*, actor: Any, register: Register, person_id: int, bank: str, number: str) -> Any:
    """The township records a cadre's salary card for the bank batch (only for people on its register)."""
    from ganbu.subsidies.models import BankCard

    _require(has_perm(actor, "subsidies.propose", register.org_path))
    line = register.lines.select_related("person").filter(person_id=person_id).first()
    if line is None:
        raise SubsidyError(NOT_ON_REGISTER)
    number, bank = (number or "").replace(" ", ""), (bank or "").strip()
    if not bank:
        raise SubsidyError(BANK_EMPTY)
    if not (number.isdigit() and 12 <= len(number) <= 30):
        raise SubsidyError(CARD_BAD)
    card = BankCard.objects.filter(person_id=person_id).first()
    before = {"bank": card.bank, "number": card.number[-4:]} if card else None
    card, _ = BankCard.objects.update_or_create(person_id=person_id, defaults={"bank": bank[:60], "number": number})
    audit_record(actor=actor, action="subsidy.bank_card", object_type="person", object_id=person_id,
                 org_path=line.person.org_path, before=before, after={"bank": card.bank, "number": number[-4:]})
    return card
