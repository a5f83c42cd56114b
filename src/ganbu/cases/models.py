"""Cases (问责事项) opened by any rule, and appeals (DSC-01, DSC-02)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Measure(models.TextChoices):
    WARNING_TALK = "warning_talk", "谈话提醒"
    ADMONISHMENT = "admonishment", "诫勉谈话"
    WITHHOLD = "withhold", "扣发"
    CIRCULAR = "circular", "通报"
    REMOVAL = "removal", "免职建议"
    RECALL = "recall", "罢免建议"
    DISMISSAL = "dismissal", "辞退建议"
    REPORT_ORG_DEPT = "report_org_dept", "报组织部处理"
    REWARD = "reward", "奖励"
    OTHER = "other", "其他"


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        ACTING = "acting", "处理中"
        CLOSED = "closed", "已办结"

    rule_id = models.CharField("规则", max_length=10, db_index=True)
    key = models.CharField("去重键", max_length=160, unique=True)
    title = models.CharField("事项", max_length=200)
    facts = models.JSONField("事实", default=dict)
    measure = models.CharField("建议措施", max_length=20, choices=Measure.choices)
    subject = models.ForeignKey("org.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
                                verbose_name="当事人")
    org_path = models.CharField(max_length=16, db_index=True)
    acting_role = models.CharField("承办角色", max_length=32, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="承办人")
    due = models.DateField("办理期限", null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    policy_ref = models.CharField("依据细则", max_length=300, blank=True)
    provisional = models.BooleanField("依据暂定日历", default=False)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    decision = models.TextField("处理结果", blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["status", "due"])]
        verbose_name = "问责事项"

    def __str__(self) -> str:
        return f"[{self.rule_id}] {self.title}"


class CaseAction(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="actions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=20)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class Appeal(models.Model):
    """An appeal (申诉) against a case or a score; the answer is kept (DSC-02)."""

    class Status(models.TextChoices):
        FILED = "filed", "已提交"
        UPHELD = "upheld", "申诉成立"
        REJECTED = "rejected", "维持原结果"

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="appeals")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="appeals")
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    org_path = models.CharField(max_length=16, db_index=True)
    reason = models.TextField("申诉理由")
    filed_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateField("申诉期限")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FILED)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    policy_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"申诉 {self.person} {self.object_type}#{self.object_id}"
