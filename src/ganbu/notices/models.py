"""Public notices (公示) and circulars (通报): frozen versions, objections (PUB-01..04)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NoticeKind(models.TextChoices):
    ATTENDANCE_MONTHLY = "attendance_monthly", "月度考勤公示"
    POINTS_RANKING = "points_ranking", "积分排名公示"
    ASSESSMENT_RESULT = "assessment_result", "千分制考核结果"
    CIRCULAR = "circular", "通报"
    TARGETS = "targets", "任期目标承诺"
    SUBSIDY = "subsidy", "补贴发放公示"
    WHEREABOUTS = "whereabouts", "驻村干部去向"


class Notice(models.Model):
    kind = models.CharField("类别", max_length=24, choices=NoticeKind.choices)
    key = models.CharField("唯一键", max_length=120, unique=True)
    title = models.CharField("标题", max_length=200)
    org = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="notices")
    org_path = models.CharField(max_length=16, db_index=True)
    period = models.CharField("期间", max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "公示"

    def __str__(self) -> str:
        return self.title


class NoticeVersion(models.Model):
    """What was published, when, by whom. Never edited: a change is a new version (PUB-02)."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    content = models.JSONField("内容（已脱敏）")
    content_hash = models.CharField(max_length=64)
    audit_head = models.CharField("审计链头哈希", max_length=64)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()
    public_until = models.DateField("公示期至", null=True, blank=True)
    supervision_phone = models.CharField("监督电话", max_length=30, blank=True)
    policy_ref = models.CharField(max_length=300, blank=True)
    withdrawn = models.BooleanField(default=False)
    reason = models.CharField("更正或撤回理由", max_length=300, blank=True)

    class Meta:
        ordering = ["notice_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["notice", "version"], name="notice_version_unique")]

    def __str__(self) -> str:
        return f"{self.notice} v{self.version}"


class Objection(models.Model):
    """An objection (异议) to a notice, and its answer (PUB-04).

    It waits for the office before anyone sees it: the office replies in public, or keeps it off the
    board with a reason (abuse, not about the notice). The filer's address is kept only as a keyed
    hash, for the per-address rate limit.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        ANSWERED = "answered", "已答复并公开"
        HIDDEN = "hidden", "不予公开"

    version = models.ForeignKey(NoticeVersion, on_delete=models.PROTECT, related_name="objections")
    name = models.CharField("姓名", max_length=50, blank=True)
    contact = models.CharField("联系方式", max_length=50, blank=True)
    text = models.TextField("异议内容")
    filed_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    address_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return self.text[:30]
