"""Tables of the 千分制 assessment (KPI-01..08).

Every row carries ``org_path`` (the township's or village's scope key) so scope filters are one
index range scan; results keep the policy version they were computed with.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class VillageKind(models.TextChoices):
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"


class AssessmentTemplate(models.Model):
    """One township's 千分制 scheme for one year: items summing to the policy total."""

    class Status(models.TextChoices):
        OPEN = "open", "评分中"
        FINAL = "final", "已汇总"

    township = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="assessment_templates",
                                 verbose_name="镇（街道）")
    org_path = models.CharField(max_length=16, db_index=True)
    year = models.PositiveIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    total_points = models.PositiveIntegerField("总分")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField("依据细则", max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    notice_version = models.ForeignKey("notices.NoticeVersion", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")

    class Meta:
        ordering = ["-year", "org_path"]
        constraints = [models.UniqueConstraint(fields=["township", "year"], name="assessment_template_once")]
        verbose_name = "千分制考核方案"

    def __str__(self) -> str:
        return self.title


class AssessmentItem(models.Model):
    template = models.ForeignKey(AssessmentTemplate, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField("序号")
    name = models.CharField("考核项目", max_length=120)
    basis = models.CharField("考核依据", max_length=200, blank=True)
    max_points = models.DecimalField("满分", max_digits=7, decimal_places=2)
    rater = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+", verbose_name="评分单位")

    class Meta:
        ordering = ["template_id", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "name"], name="assessment_item_name_once")]
        verbose_name = "考核项目"

    def __str__(self) -> str:
        return f"{self.name}（{self.max_points}分）"


class ItemScore(models.Model):
    item = models.ForeignKey(AssessmentItem, on_delete=models.PROTECT, related_name="scores")
    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    score = models.DecimalField("得分", max_digits=7, decimal_places=2)
    note = models.CharField("扣分说明", max_length=300, blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "village"], name="assessment_score_once")]
        verbose_name = "项目得分"

    def __str__(self) -> str:
        return f"{self.village_id}:{self.item_id}={self.score}"


class ThreeEvaluation(models.Model):
    """三评 parts other than the superior evaluation (which is the item scores' sum)."""

    template = models.ForeignKey(AssessmentTemplate, on_delete=models.PROTECT, related_name="three_evaluations")
    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    self_score = models.DecimalField("基层组织自评", max_digits=7, decimal_places=2, null=True, blank=True)
    public_score = models.DecimalField("党员群众测评", max_digits=7, decimal_places=2, null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["template", "village"], name="assessment_three_once")]
        verbose_name = "三评"

    def __str__(self) -> str:
        return f"{self.village_id} 自评{self.self_score} 测评{self.public_score}"


class StageScore(models.Model):
    """KPI-07: the township's stage assessment of a village's two-committee team."""

    template = models.ForeignKey(AssessmentTemplate, on_delete=models.PROTECT, related_name="stage_scores")
    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    stage = models.PositiveSmallIntegerField("阶段")
    score = models.DecimalField("阶段得分", max_digits=7, decimal_places=2)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["template", "village", "stage"], name="assessment_stage_once")]
        verbose_name = "阶段考核"

    def __str__(self) -> str:
        return f"{self.village_id} 第{self.stage}阶段 {self.score}"


class AnnualResult(models.Model):
    """A village's (community's) year result: computed from a template or imported (KPI-08)."""

    class Source(models.TextChoices):
        COMPUTED = "computed", "系统计算"
        IMPORTED = "imported", "历史导入"

    township = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="assessment_results")
    org_path = models.CharField(max_length=16, db_index=True)
    year = models.PositiveIntegerField("年度")
    kind = models.CharField("类别", max_length=10, choices=VillageKind.choices)
    village_name = models.CharField("村（社区）名称（当年）", max_length=100)
    superior_score = models.DecimalField("上级考评", max_digits=7, decimal_places=2, null=True, blank=True)
    self_score = models.DecimalField("自评", max_digits=7, decimal_places=2, null=True, blank=True)
    public_score = models.DecimalField("党员群众测评", max_digits=7, decimal_places=2, null=True, blank=True)
    total = models.DecimalField("总得分", max_digits=7, decimal_places=2)
    stage_mean = models.DecimalField("阶段平均分", max_digits=7, decimal_places=2, null=True, blank=True)
    pay = models.DecimalField("考核工资（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    budget = models.DecimalField("其他村级预算（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    reward = models.DecimalField("目标考核奖（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.COMPUTED)
    template = models.ForeignKey(AssessmentTemplate, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="results")
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField("依据细则", max_length=300)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "org_path"]
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="assessment_result_once")]
        indexes = [models.Index(fields=["township", "year", "kind"])]
        verbose_name = "年度考核结果"

    def __str__(self) -> str:
        return f"{self.year} {self.village_name} {self.total}"


class DutyReport(models.Model):
    """KPI-03: a team member's half-yearly 述职 and its written 测评 result."""

    class Half(models.IntegerChoices):
        FIRST = 1, "上半年"
        SECOND = 2, "下半年"

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="duty_reports")
    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    year = models.PositiveIntegerField("年度")
    half = models.PositiveSmallIntegerField("半年", choices=Half.choices)
    reported_on = models.DateField("述职日期")
    audiences = models.JSONField("述职对象", default=list)
    summary = models.TextField("履职和承诺履行情况")
    votes_excellent = models.PositiveIntegerField("优秀票", default=0)
    votes_competent = models.PositiveIntegerField("称职票", default=0)
    votes_basic = models.PositiveIntegerField("基本称职票", default=0)
    votes_incompetent = models.PositiveIntegerField("不称职票", default=0)
    rating = models.CharField("测评结果", max_length=12, blank=True)
    good_share = models.DecimalField("优秀+称职占比(%)", max_digits=5, decimal_places=2, default=0)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField("依据细则", max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-half", "org_path"]
        constraints = [models.UniqueConstraint(fields=["person", "year", "half"], name="assessment_report_once")]
        verbose_name = "述职测评"

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}-{self.half}"


class InspectionEntry(models.Model):
    """KPI-06: one finding of the township's inspection of cadres' daily duty."""

    township = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    month = models.DateField("月份（1日）")
    inspected_on = models.DateField("督查日期")
    finding = models.CharField("督查情况", max_length=500)
    good = models.BooleanField("表扬（否则为问题）", default=False)
    rectification = models.CharField("整改要求", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["month", "org_path", "id"]
        indexes = [models.Index(fields=["township", "month"])]
        verbose_name = "督查记录"

    def __str__(self) -> str:
        return self.finding[:30]


class InspectionCircular(models.Model):
    """KPI-06: the monthly written circular; the published text is a frozen notice version."""

    township = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    month = models.DateField("月份（1日）")
    title = models.CharField("标题", max_length=200)
    notice_version = models.ForeignKey("notices.NoticeVersion", on_delete=models.PROTECT, related_name="+")
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField("依据细则", max_length=300)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["township", "month"], name="assessment_circular_once")]
        verbose_name = "督查通报"

    def __str__(self) -> str:
        return self.title
