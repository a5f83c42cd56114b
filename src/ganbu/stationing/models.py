"""Tables of the stationing app: selections and adjustments, diaries, obligations, the negative list.

Every row carries ``org_path`` (the village's path, or the dispatch unit's for unit-level records) so
scoped reads are one ``startswith`` filter.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class StationRole(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", "驻村第一书记"
    TEAM_MEMBER = "team_member", "驻村工作队员"


class Selection(models.Model):
    """A dispatch unit's proposal of a candidate (STN-04/05): a new stationing or a replacement.

    Selection: proposed → approved (the county) → the post starts. Replacement: proposed →
    reviewed (organisation department) → approved in writing (the county) → the replacement
    reports within N days → half-month handover with both posted (STN-06)."""

    class Kind(models.TextChoices):
        NEW = "new", "选派"
        REPLACE = "replace", "调整接任"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "已提出，待组织部审核"
        REVIEWED = "reviewed", "待县委审批"
        APPROVED = "approved", "已批复，待报到"
        REPORTED = "reported", "已报到"
        REJECTED = "rejected", "未通过"

    kind = models.CharField("类别", max_length=8, choices=Kind.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PROPOSED)
    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+", verbose_name="派驻村")
    org_path = models.CharField(max_length=16, db_index=True)
    unit = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+", verbose_name="派出单位")
    candidate = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name="人选")
    role = models.CharField("拟任", max_length=16, choices=StationRole.choices)
    outgoing = models.ForeignKey("org.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name="被调整人员职务")
    reason = models.CharField("调整事由", max_length=20, blank=True)
    note = models.CharField("推荐意见", max_length=500, blank=True)
    term_start = models.DateField("任期起")
    term_end = models.DateField("任期止")
    reasons = models.JSONField("资格核查不符合项", default=list, blank=True)
    override_reason = models.CharField("破格理由", max_length=300, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField("审查意见", max_length=300, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_on = models.DateField("书面批复日期", null=True, blank=True)
    approval_ref = models.CharField("批复文号", max_length=100, blank=True)
    report_due = models.DateField("报到期限", null=True, blank=True)
    reported_on = models.DateField("报到日期", null=True, blank=True)
    reported_late = models.BooleanField("逾期报到", default=False)
    handover_start = models.DateField("过渡期起", null=True, blank=True)
    handover_end = models.DateField("过渡期止", null=True, blank=True)
    post = models.ForeignKey("org.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="任职记录")
    policy_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = "驻村选派调整"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.candidate_id}@{self.village_id}"


class DiaryEntry(models.Model):
    """A team member's daily work diary (STN-11): one entry per person per day, never for a future day."""

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    date = models.DateField("日期")
    work = models.TextField("当日工作", max_length=2000)
    households = models.CharField("走访农户", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["person", "date"], name="diary_one_per_day")]
        verbose_name = "驻村工作日记"

    def __str__(self) -> str:
        return f"{self.person_id} {self.date}"


class DiaryFlag(models.Model):
    """A diary day that disagrees with attendance and leave (STN-11), found by the nightly check."""

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    date = models.DateField("日期")
    reason = models.CharField("情况", max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "date", "reason"], name="diary_flag_once")]
        verbose_name = "日记异常"

    def __str__(self) -> str:
        return f"{self.person_id} {self.date} {self.reason}"


class ObligationKind(models.TextChoices):
    """What the calendar asks of a stationed cadre or his unit (STN-07/08/09/12/15/16, MTG-03/04)."""

    SECRETARY_TALK = "secretary_talk", "乡镇党委书记谈心谈话"
    REPORT_TO_UNIT = "report_to_unit", "向派出单位汇报"
    UNIT_HEARING = "unit_hearing", "派出单位听取汇报"
    UNIT_VISIT = "unit_visit", "派出单位主要负责同志到村调研（含调研报告）"
    UNIT_TALK = "unit_talk", "派出单位谈心谈话"
    COUNTY_TRAINING = "county_training", "县级及以上培训"
    ANNUAL_PLAN = "annual_plan", "年度帮扶计划和责任清单"
    RESEARCH_REPORT = "research_report", "第一书记调研报告"
    GRADE_PROPOSAL = "grade_proposal", "工作队员考核等次建议"
    SAFETY_EDUCATION = "safety_education", "综合性安全教育"
    INSURANCE = "insurance", "人身意外伤害保险"
    WORK_MEETING = "work_meeting", "驻村工作例会（会议记录）"
    SYMPOSIUM = "symposium", "县季度座谈会汇报"
    INCIDENT = "incident", "重大情况报告"
    AWARD = "award", "评选表彰"


class ObligationRecord(models.Model):
    """One obligation done: date, people, evidence. The calendar counts these against the policy."""

    kind = models.CharField("事项", max_length=20, choices=ObligationKind.choices)
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name="驻村干部")
    org_path = models.CharField(max_length=16, db_index=True)
    date = models.DateField("日期")
    people = models.CharField("参加人员", max_length=300)
    evidence = models.CharField("佐证（记录、报告、文号）", max_length=500)
    detail = models.CharField("类别/说明", max_length=200, blank=True)
    days = models.PositiveSmallIntegerField("天数", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["person", "kind", "date"])]
        verbose_name = "驻村履职记录"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_id} {self.date}"


class NegativeItem(models.Model):
    """The negative list and rectification ledger (STN-10): reported → verified → circulated → closed."""

    class Status(models.TextChoices):
        REPORTED = "reported", "已上报，待核查"
        VERIFIED = "verified", "已核查，待通报"
        CIRCULATED = "circulated", "已通报，整改中"
        CLOSED = "closed", "已整改销号"

    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.REPORTED)
    org_path = models.CharField(max_length=16, db_index=True)
    unit = models.ForeignKey("org.Org", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="涉及单位")
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="涉及驻村干部")
    problem = models.CharField("问题", max_length=500)
    source = models.CharField("来源", max_length=50, default="乡镇党委上报")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reported_on = models.DateField("上报日期")
    verified_on = models.DateField("核查日期", null=True, blank=True)
    circulated_on = models.DateField("通报日期", null=True, blank=True)
    rectification = models.CharField("整改情况与佐证", max_length=500, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = "负面清单"

    def __str__(self) -> str:
        return self.problem[:30]


class Reimbursement(models.Model):
    """Money paid out to a stationed cadre beside the living allowance (STN-14): the one-off necessities
    reimbursement and work-fund spending, each with its date and note, for the unit's finance office."""

    class Kind(models.TextChoices):
        NECESSITIES = "necessities", "生活必需品（一次性）"
        WORK_FUNDS = "work_funds", "工作经费支出"

    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    date = models.DateField("日期")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    note = models.CharField("事由/票据", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    policy_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="reimbursement_positive")]
        verbose_name = "驻村经费报销"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class AssignedTask(models.Model):
    """A task the county or township gives a stationed cadre (STN-17), tracked to completion:
    open → reported done with evidence (the cadre) → confirmed (the assigner, never the cadre himself)."""

    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        REPORTED = "reported", "已报告完成，待确认"
        CONFIRMED = "confirmed", "已确认办结"

    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name="驻村干部")
    org_path = models.CharField(max_length=16, db_index=True)
    title = models.CharField("任务", max_length=100)
    detail = models.CharField("要求", max_length=500, blank=True)
    due = models.DateField("完成期限")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigner_org = models.CharField("交办单位", max_length=50)
    assigned_at = models.DateTimeField(auto_now_add=True)
    report = models.CharField("完成情况", max_length=500, blank=True)
    evidence = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="佐证材料")
    reported_on = models.DateField("报告日期", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    confirmed_on = models.DateField("确认日期", null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["status", "due"])]
        verbose_name = "交办任务"

    def __str__(self) -> str:
        return self.title


class AwardNomination(models.Model):
    """STN-16: a unit or township nominates a team, first secretary or team member for an award category;
    the county organisation department approves or rejects; approved awards show on the cadre's page."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "已推荐，待组织部审核"
        APPROVED = "approved", "已批准表彰"
        REJECTED = "rejected", "未批准"

    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PROPOSED)
    category = models.CharField("表彰类别", max_length=30)
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name="被推荐人")
    org_path = models.CharField(max_length=16, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    reasons = models.CharField("推荐理由", max_length=1000)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominator_org = models.CharField("推荐单位", max_length=50)
    nominated_on = models.DateField("推荐日期")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_on = models.DateField("审核日期", null=True, blank=True)
    decision_note = models.CharField("审核意见", max_length=300, blank=True)

    class Meta:
        ordering = ["-nominated_on", "-id"]
        verbose_name = "评选表彰推荐"

    def __str__(self) -> str:
        return f"{self.category} {self.person_id}"


class Symposium(models.Model):
    """MTG-04: the county's quarterly symposium of stationed cadres, one record per quarter."""

    org_path = models.CharField(max_length=16, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    held_on = models.DateField("召开日期")
    place = models.CharField("地点", max_length=100, blank=True)
    attendees = models.ManyToManyField("org.Person", related_name="+", verbose_name="参会驻村干部")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year", "-quarter"]
        constraints = [models.UniqueConstraint(fields=["org_path", "year", "quarter"], name="symposium_one_per_quarter")]
        verbose_name = "驻村干部季度座谈会"

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度"


class SymposiumReport(models.Model):
    """MTG-04: a first secretary's report at the symposium (the quarter's work, problems, plans; in Q4 the year's)."""

    symposium = models.ForeignKey(Symposium, on_delete=models.PROTECT, related_name="reports")
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name="第一书记")
    annual = models.BooleanField("年度工作报告", default=False)
    summary = models.TextField("汇报内容（工作、问题、打算）", max_length=2000)
    evidence = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="书面汇报材料")
    obligation = models.ForeignKey(ObligationRecord, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["symposium", "person"], name="symposium_report_once")]
        verbose_name = "座谈会汇报"

    def __str__(self) -> str:
        return f"{self.symposium} {self.person_id}"
