"""积分制 tables: catalogue items, cycles, entries, summaries, threshold hits (PTS-01..07)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Scope(models.TextChoices):
    """Which catalogue and ranking: village two-committee cadres (S2) or township cadres (S0, PTS-07)."""

    VILLAGE = "village", "村（社区）两委干部"
    TOWNSHIP = "township", "镇机关干部"


class Kind(models.TextChoices):
    ADD = "add", "加分"
    DEDUCT = "deduct", "扣分"


class PointItem(models.Model):
    """A catalogue item written by the township; ``village`` set = tailored for one village (PTS-02)."""

    township = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="point_items")
    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name="适用村（空=全镇）")
    org_path = models.CharField(max_length=16, db_index=True)
    scope = models.CharField("适用对象", max_length=10, choices=Scope.choices, default=Scope.VILLAGE)
    category = models.CharField("类别", max_length=40)
    name = models.CharField("项目", max_length=100)
    kind = models.CharField("加/扣分", max_length=6, choices=Kind.choices)
    default_points = models.DecimalField("默认分值", max_digits=6, decimal_places=1)
    cap_per_cycle = models.DecimalField("每周期上限", max_digits=7, decimal_places=1, null=True, blank=True)
    evidence_required = models.BooleanField("须附证明材料", default=False)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["township_id", "scope", "category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "scope", "name"], condition=models.Q(village__isnull=True),
                                    name="point_item_unique_township"),
            models.UniqueConstraint(fields=["township", "scope", "village", "name"],
                                    name="point_item_unique_village"),
        ]
        verbose_name = "积分项目"

    def __str__(self) -> str:
        return f"{self.category}·{self.name}（{self.get_kind_display()}）"


class Cycle(models.Model):
    """One points cycle (a year by default) of one township and scope (PTS-03)."""

    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        CLOSED = "closed", "已结束"

    township = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="point_cycles")
    org_path = models.CharField(max_length=16, db_index=True)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.VILLAGE)
    year = models.PositiveIntegerField("年度")
    start = models.DateField("起")
    half = models.DateField("半周期汇总日")
    end = models.DateField("止")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField(max_length=300)

    class Meta:
        ordering = ["-year", "org_path", "scope"]
        constraints = [models.UniqueConstraint(fields=["township", "scope", "year"], name="point_cycle_unique")]
        verbose_name = "积分周期"

    def __str__(self) -> str:
        return f"{self.year}年 {self.get_scope_display()}积分周期"


class PointEntry(models.Model):
    """One addition or deduction: recorded by one person, counted only after another approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已审核"
        REJECTED = "rejected", "已退回"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="point_entries")
    item = models.ForeignKey(PointItem, on_delete=models.PROTECT, related_name="entries")
    org_path = models.CharField(max_length=16, db_index=True)
    points = models.DecimalField("分值（扣分为负）", max_digits=7, decimal_places=1)
    date = models.DateField("发生日期")
    note = models.CharField("事由", max_length=300)
    evidence = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="证明材料")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(max_length=300, blank=True)
    submit_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField(max_length=300)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["cycle", "status", "person"])]
        verbose_name = "积分记录"

    def __str__(self) -> str:
        return f"{self.person_id} {self.item_id} {self.points}"


class CycleSummary(models.Model):
    """A frozen half-cycle or final summary: ranking snapshot, low scorers, rewards (PTS-03..05)."""

    class Kind(models.TextChoices):
        HALF = "half", "半周期汇总"
        FINAL = "final", "年终排名"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="summaries")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    version = models.PositiveIntegerField(default=1)
    rows = models.JSONField(default=list)
    villages = models.JSONField(default=list)
    low_scorers = models.JSONField(default=list)
    rewards = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    notice = models.ForeignKey("notices.NoticeVersion", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField(max_length=300)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["cycle", "kind", "version"], name="cycle_summary_unique")]
        verbose_name = "积分汇总"

    def __str__(self) -> str:
        return f"{self.cycle} {self.get_kind_display()} v{self.version}"


class ThresholdHit(models.Model):
    """A cadre crossed the PTS-06 line in a cycle; kept across cycles to find the second time."""

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="point_hits")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="hits")
    org_path = models.CharField(max_length=16, db_index=True)
    level = models.PositiveSmallIntegerField("本任期第几次")
    deductions = models.DecimalField(max_digits=7, decimal_places=1)
    rank = models.PositiveIntegerField()
    ranked = models.PositiveIntegerField()
    reasons = models.JSONField(default=list)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["person", "cycle"], name="threshold_hit_unique")]
        verbose_name = "积分警示记录"

    def __str__(self) -> str:
        return f"{self.person_id} 第{self.level}次"


class PointTally(models.Model):
    """Approved points per cadre per cycle, refreshed whenever an entry is approved.

    Rankings read one row per cadre instead of summing every entry: a province ranking stays a
    window over the cadres, not a scan of millions of entries (issue 5).
    """

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="point_tallies")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="tallies")
    org_path = models.CharField(max_length=16)
    total = models.DecimalField("合计", max_digits=9, decimal_places=1, default=0)
    deductions = models.DecimalField("扣分合计（负数）", max_digits=9, decimal_places=1, default=0)
    entries = models.PositiveIntegerField("已审核条目", default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "cycle"], name="point_tally_once")]
        indexes = [models.Index(fields=["org_path"], name="point_tally_path", opclasses=["varchar_pattern_ops"])]
        verbose_name = "积分台账汇总"

    def __str__(self) -> str:
        return f"{self.person_id} {self.cycle_id} {self.total}"
