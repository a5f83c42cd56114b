"""Subsidy registers (造册) per township and year, their lines, review steps and payment runs (SUB-01..06).

A register is never edited after approval: a correction is a new version (``previous``) with a reason,
and the old one is marked superseded. A payment run is unique per township and year, so nothing is
paid twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ganbu.core.fields import SealedCharField

USER = settings.AUTH_USER_MODEL


class RegisterStatus(models.TextChoices):
    PROPOSED = "proposed", "镇已提出，待组织部审核"
    ORG_APPROVED = "org_approved", "组织部已审核，待财政局审批"
    RETURNED = "returned", "已退回镇修改"
    APPROVED = "approved", "已审批，待公示"
    PUBLISHED = "published", "公示中"
    PAID = "paid", "已生成发放文件"
    SUPERSEDED = "superseded", "已被更正版本取代"


class Register(models.Model):
    township = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="subsidy_registers")
    org_path = models.CharField(max_length=16, db_index=True)
    year = models.PositiveIntegerField("年度")
    version = models.PositiveIntegerField("版本", default=1)
    previous = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    correction_reason = models.CharField("更正理由", max_length=300, blank=True)
    status = models.CharField("状态", max_length=16, choices=RegisterStatus.choices,
                              default=RegisterStatus.PROPOSED)
    rural_income = models.DecimalField("上年农村人均收入（元）", max_digits=10, decimal_places=2, null=True,
                                       blank=True)
    duty_logs_checked = models.BooleanField("已检查履责全程纪实日志", default=False)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField(max_length=300, blank=True)
    pool_scope = models.CharField("奖励补贴统筹范围", max_length=10)
    pool = models.DecimalField("奖励补贴池（元）", max_digits=12, decimal_places=2)
    formula = models.TextField("奖励补贴计算公式")
    rules_text = models.TextField("计发规则", blank=True)
    total_net = models.DecimalField("实发合计（元）", max_digits=12, decimal_places=2, default=0)
    returned_reason = models.CharField("退回理由", max_length=300, blank=True)
    org_approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    finance_approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="+")
    notice_version = models.ForeignKey("notices.NoticeVersion", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["township", "year", "version"],
                                               name="subsidy_register_version_once")]
        ordering = ["-year", "org_path", "-version"]
        verbose_name = "补贴发放花名册"

    def __str__(self) -> str:
        return f"{self.township} {self.year}年 第{self.version}版"


class Line(models.Model):
    """One cadre on a register: the computed parts, the score and share, deductions and findings."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    titles = models.JSONField("职务", default=list)
    days = models.PositiveSmallIntegerField("在职天数")
    entitled = models.DecimalField("核定补贴（元）", max_digits=10, decimal_places=2)
    base = models.DecimalField("基本补贴（元）", max_digits=10, decimal_places=2)
    reward_part = models.DecimalField("提取奖励部分（元）", max_digits=10, decimal_places=2)
    score = models.DecimalField("年终目标考核得分", max_digits=6, decimal_places=2, null=True, blank=True)
    reward = models.DecimalField("奖励补贴（元）", max_digits=10, decimal_places=2)
    gross = models.DecimalField("应发（元）", max_digits=10, decimal_places=2)
    deductions = models.JSONField("扣款明细", default=list)
    deduction_total = models.DecimalField("扣款合计（元）", max_digits=10, decimal_places=2, default=0)
    net = models.DecimalField("实发（元）", max_digits=10, decimal_places=2)
    shortfalls = models.JSONField("低于下限的情况", default=list)
    rule = models.CharField("折算说明", max_length=200, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["register", "person"], name="subsidy_line_once")]
        ordering = ["register_id", "village_id", "id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.net}"


class Step(models.Model):
    """Each step of 先审批后发放, with who and why (SUB-04)."""

    class Kind(models.TextChoices):
        PROPOSE = "propose", "镇提出"
        ORG_APPROVE = "org_approve", "组织部审核通过"
        FINANCE_APPROVE = "finance_approve", "财政局审批通过"
        RETURN = "return", "退回修改"
        CORRECT = "correct", "镇更正后重新提出"
        PUBLISH = "publish", "公示"
        PAY = "pay", "生成银行发放文件"

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField("意见/理由", max_length=300, blank=True)

    class Meta:
        ordering = ["register_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.register_id} {self.kind}"


class BankCard(models.Model):
    """A cadre's salary card (工资卡) for the bank batch file."""

    person = models.OneToOneField("org.Person", on_delete=models.PROTECT, related_name="subsidy_card")
    bank = models.CharField("开户行", max_length=60)
    number = SealedCharField("卡号")  # SM4 at rest; pages show the last 4 digits, only the bank file has it all

    def __str__(self) -> str:
        return f"{self.person_id} {self.bank}"


class PaymentRun(models.Model):
    """The one bank batch for a township's year: a second one is refused (unique)."""

    township = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="payment_runs")
    total = models.DecimalField(max_digits=12, decimal_places=2)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["township", "year"], name="subsidy_paid_once_a_year")]

    def __str__(self) -> str:
        return f"{self.township_id} {self.year}"
