"""Tables of the leave app (LV-01..09).

A request is for whole or half days: ``start`` (optionally from the afternoon) to ``end``
(optionally ending at noon). Its approval chain is computed by ``rules.approval_chain`` and
stored as one ``ApprovalStep`` row per step, so each step has its own lock and its own decision.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class LeaveKind(models.TextChoices):
    TRIP = "trip", "出差出访"
    TRAINING = "training", "学习考察/培训"
    MEETING = "meeting", "参会"
    PERSONAL = "personal", "事假"
    SICK = "sick", "病假"
    ANNUAL = "annual", "年休假"


OFFICIAL_KINDS = frozenset({LeaveKind.TRIP, LeaveKind.TRAINING, LeaveKind.MEETING})


class LeaveStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "审批中"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"
    CANCELLED = "cancelled", "已销假"
    WITHDRAWN = "withdrawn", "已撤回"
    REVOKED = "revoked", "已取消（未休）"


class LeaveRequest(models.Model):
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="leave_requests",
                               verbose_name="请假人")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="填报人")
    org = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+", verbose_name="所在单位")
    org_path = models.CharField(max_length=16, db_index=True)
    role = models.CharField("请假人身份", max_length=24, blank=True)
    kind = models.CharField("请假类别", max_length=10, choices=LeaveKind.choices)
    start = models.DateField("开始日期")
    start_pm = models.BooleanField("从下午开始", default=False)
    end = models.DateField("结束日期")
    end_am = models.BooleanField("到上午结束", default=False)
    days = models.DecimalField("天数（日历日）", max_digits=5, decimal_places=1)
    # LV-06: an early return (销假 before the approved end) shortens ``end``/``days``; what was approved stays here.
    approved_end = models.DateField("批准的结束日期", null=True, blank=True)
    approved_days = models.DecimalField("批准天数", max_digits=5, decimal_places=1, null=True, blank=True)
    leaves_county = models.BooleanField("离开县域", default=False)
    reason = models.TextField("事由", max_length=500)
    handover = models.ForeignKey("org.Person", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="工作交接人")
    status = models.CharField("状态", max_length=10, choices=LeaveStatus.choices, default=LeaveStatus.DRAFT)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    policy_ref = models.CharField("适用细则", max_length=300, blank=True)
    chain = models.JSONField("审批链快照", default=list, blank=True)
    conflicts = models.JSONField("轮休冲突（LV-05）", default=list, blank=True)
    override_reason = models.TextField("准许越过轮休规则的理由", blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    submit_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["status", "start", "end"]), models.Index(fields=["person", "start"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="leave_end_after_start"),
        ]
        verbose_name = "请假申请"

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.start}～{self.end}"

    @property
    def is_official(self) -> bool:
        return self.kind in OFFICIAL_KINDS

    @property
    def days_display(self) -> str:
        text = f"{self.days:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text


class StepKind(models.TextChoices):
    APPROVE = "approve", "审批"
    FILE = "file", "备案"
    NOTIFY = "notify", "知会"


class StepStatus(models.TextChoices):
    WAITING = "waiting", "待前序"
    PENDING = "pending", "待审批"
    APPROVED = "approved", "同意"
    REJECTED = "rejected", "不同意"
    PASSED = "passed", "回避转下一级"
    DONE = "done", "已备案/已知会"
    VOID = "void", "未到达"


class ApprovalStep(models.Model):
    """One step of a request's chain. ``(request, order)`` is unique; a decision is a
    compare-and-set on ``status=pending`` under ``select_for_update``, so two approvers acting
    at once give one decision."""

    request = models.ForeignKey(LeaveRequest, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=StepKind.choices, default=StepKind.APPROVE)
    role = models.CharField("角色", max_length=32)
    org = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    label = models.CharField("环节", max_length=100)
    why = models.CharField("依据", max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=StepStatus.choices, default=StepStatus.WAITING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    acting_for = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="代理谁")
    comment = models.TextField("意见", blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request_id", "order"]
        indexes = [models.Index(fields=["status", "role", "org_path"])]
        constraints = [models.UniqueConstraint(fields=["request", "order"], name="leave_step_order_unique")]
        verbose_name = "审批环节"

    def __str__(self) -> str:
        return f"{self.request_id}#{self.order} {self.label}"


class Cancellation(models.Model):
    """销假 (LV-06): registered by the cadre, confirmed by the authority that approved."""

    request = models.OneToOneField(LeaveRequest, on_delete=models.PROTECT, related_name="cancellation")
    returned_on = models.DateField("实际返岗日期")
    at = models.DateTimeField("销假时间")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField("销假期限")
    late = models.BooleanField("逾期销假", default=False)
    overstay_days = models.DecimalField("超假天数", max_digits=5, decimal_places=1, default=Decimal("0"))
    authority_role = models.CharField("销假对象", max_length=32)
    authority_org_path = models.CharField(max_length=16)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="销假确认人")
    approved_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by_office = models.BooleanField("由单位登记返岗", default=False)

    class Meta:
        verbose_name = "销假登记"

    def __str__(self) -> str:
        return f"销假 {self.request_id} {self.returned_on}"
