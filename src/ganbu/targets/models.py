"""Tables of the targets app: commitments drafted in layers, their ledgers, inspections, notices,
surveys, inspection rounds, deposits, decisions and the office's responsibility fund (TGT-01..10).

Every row carries ``org_path`` (the village's, or the township's for township-wide rows) so that
scope filters are one index range scan, as everywhere else in ganbu.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

USER = settings.AUTH_USER_MODEL


class Commitment(models.Model):
    """One village's tenure-target commitment (目标承诺责任书), from framework to publication (TGT-01)."""

    class Status(models.TextChoices):
        FRAMEWORK = "framework", "镇已提出框架，待村“两委”制订措施"
        SUBMITTED = "submitted", "已报镇审批"
        RETURNED = "returned", "退回修改"
        APPROVED = "approved", "已审批，待签约"
        SIGNED = "signed", "已签约公开"

    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+", verbose_name="村（社区）")
    org_path = models.CharField(max_length=16, db_index=True)
    term_start = models.PositiveIntegerField("任期起始年")
    term_end = models.PositiveIntegerField("任期结束年")
    framework = models.JSONField("目标框架", default=list)  # [{"category", "guidance"}]
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.FRAMEWORK)
    round = models.PositiveIntegerField("审批轮次", default=1)
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    sealed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name="盖章报送人")
    sealed_at = models.DateTimeField("村“两委”盖章时间", null=True, blank=True)
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    content = models.JSONField("签署内容", default=dict, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    signed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name="签约人")
    signed_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField("签字失效时间", null=True, blank=True)
    void_reason = models.CharField(max_length=200, blank=True)
    notice_id = models.PositiveIntegerField("公示编号", null=True, blank=True)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["org_path", "-term_start"]
        constraints = [
            models.UniqueConstraint(fields=["village", "term_start"], name="targets_commitment_once_per_term"),
            models.CheckConstraint(condition=models.Q(term_end__gte=models.F("term_start")),
                                   name="targets_commitment_term_order"),
        ]
        verbose_name = "任期目标承诺"

    def __str__(self) -> str:
        return f"{self.org_path} {self.term_start}–{self.term_end}"

    @property
    def signature_valid(self) -> bool:
        return bool(self.signed_at) and self.voided_at is None

    @property
    def years(self) -> list[int]:
        return list(range(self.term_start, self.term_end + 1))


class Measure(models.Model):
    """A concrete measure written by the village two committees (TGT-01, TGT-02)."""

    class Review(models.TextChoices):
        PENDING = "pending", "待审"
        RETURNED = "returned", "退回修改"
        REVISED = "revised", "已修改"
        ACCEPTED = "accepted", "通过"

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="measures")
    org_path = models.CharField(max_length=16, db_index=True)
    category = models.CharField("类别", max_length=30)
    text = models.CharField("落实措施", max_length=300)
    standard = models.CharField("标准要求", max_length=300)
    deadline = models.DateField("落实时限")
    responsible = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name="责任人")
    major = models.BooleanField("重大事项", default=False)
    review = models.CharField("审核", max_length=10, choices=Review.choices, default=Review.PENDING)
    return_reason = models.CharField("退回理由", max_length=300, blank=True)

    class Meta:
        ordering = ["commitment_id", "category", "deadline", "id"]
        verbose_name = "落实措施"

    def __str__(self) -> str:
        return self.text


class MeasureStage(models.Model):
    """The measure for one quarter of one year of the tenure (年度目标以季度为单位细化分解, TGT-02)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="stages")
    year = models.PositiveIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    target = models.CharField("阶段目标", max_length=300)
    deadline = models.DateField("阶段时限")

    class Meta:
        ordering = ["year", "quarter"]
        constraints = [models.UniqueConstraint(fields=["measure", "year", "quarter"], name="targets_stage_once"),
                       models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4),
                                              name="targets_stage_quarter")]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} {self.target}"


class MeetingVote(models.Model):
    """The party-member and villager-representative meeting's vote on the measures (TGT-01)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="votes")
    round = models.PositiveIntegerField("审批轮次")
    held_on = models.DateField("会议日期")
    attendance = models.PositiveIntegerField("到会人数")
    votes_for = models.PositiveIntegerField("赞成票")
    votes_against = models.PositiveIntegerField("反对票")
    minutes = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, related_name="+", verbose_name="会议记录")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["commitment_id", "round"]
        constraints = [models.CheckConstraint(
            condition=models.Q(attendance__gte=models.F("votes_for") + models.F("votes_against")),
            name="targets_vote_le_attendance")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.votes_for}/{self.attendance}"

    @property
    def passed(self) -> bool:
        return self.votes_for * 2 > self.attendance


class ReviewRound(models.Model):
    """One township review of a submission: approved, or measures sent back with reasons (TGT-01/02)."""

    class Decision(models.TextChoices):
        RETURNED = "returned", "退回修改"
        APPROVED = "approved", "审批通过"

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveIntegerField("轮次")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reviewer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.CharField("审查意见", max_length=500, blank=True)
    returned = models.JSONField("退回的措施", default=list)  # [{"measure", "text", "reason"}]
    snapshot = models.JSONField("本轮措施", default=list)

    class Meta:
        ordering = ["commitment_id", "round", "at"]

    def __str__(self) -> str:
        return f"第{self.round}轮 {self.get_decision_display()}"


class LedgerTask(models.Model):
    """One task of a village's monthly ledger (考核台账, TGT-03), from a quarter's stage or added by the office."""

    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        AWAITING = "awaiting", "待验收"
        PASSED = "passed", "验收合格"
        FAILED = "failed", "验收不合格，督办中"

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="tasks")
    stage = models.ForeignKey(MeasureStage, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks")
    org_path = models.CharField(max_length=16, db_index=True)
    month = models.DateField("月份（1日）", db_index=True)
    category = models.CharField("类别", max_length=30)
    title = models.CharField("实事", max_length=300)
    standard = models.CharField("标准要求", max_length=300)
    deadline = models.DateField("完成时限")
    responsible = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name="责任人")
    major = models.BooleanField("重大事项", default=False)
    done_on = models.DateField("报告完成日期", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["org_path", "month", "category", "deadline", "id"]
        indexes = [models.Index(fields=["org_path", "month"])]
        constraints = [models.UniqueConstraint(fields=["stage", "month"], name="targets_task_once_per_stage_month")]
        verbose_name = "台账事项"

    def __str__(self) -> str:
        return self.title


class Inspection(models.Model):
    """One on-site check, item by item against the commitment's standard (一事一毕一考, TGT-03/05)."""

    class Kind(models.TextChoices):
        TASK = "task", "事项验收"
        FOLLOW_UP = "follow_up", "整改复查"

    class Result(models.TextChoices):
        PENDING = "pending", "待检查"
        PASSED = "passed", "合格"
        FAILED = "failed", "不合格"

    task = models.ForeignKey(LedgerTask, on_delete=models.PROTECT, related_name="inspections")
    notice = models.ForeignKey("SupervisionNotice", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="follow_ups")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TASK)
    org_path = models.CharField(max_length=16, db_index=True)
    inspector = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name="检查人")
    assigned_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    scheduled_on = models.DateField("计划检查日期")
    result = models.CharField(max_length=8, choices=Result.choices, default=Result.PENDING)
    items = models.JSONField("逐项检查", default=list)  # [{"item", "ok", "note"}]
    missing = models.CharField("未达标内容", max_length=500, blank=True)
    evidence = models.ManyToManyField("core.Attachment", blank=True, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scheduled_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.task_id}"


class SupervisionNotice(models.Model):
    """督办通知单 (TGT-05): number, rectification deadline, follow-up, closed only on passing evidence."""

    class Status(models.TextChoices):
        OPEN = "open", "整改中"
        CLOSED = "closed", "已办结"

    number = models.CharField("编号", max_length=30, unique=True)
    task = models.ForeignKey(LedgerTask, on_delete=models.PROTECT, related_name="notices")
    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="notice_issued")
    org_path = models.CharField(max_length=16, db_index=True)
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField("下发日期")
    due = models.DateField("整改期限")
    requirement = models.CharField("整改要求", max_length=500)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    escalated_at = models.DateTimeField("逾期上报书记时间", null=True, blank=True)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "督办通知单"

    def __str__(self) -> str:
        return self.number


class Survey(models.Model):
    """Satisfaction survey of a major task (满意度测评, TGT-04) and its collective confirmation."""

    task = models.OneToOneField(LedgerTask, on_delete=models.PROTECT, related_name="survey")
    org_path = models.CharField(max_length=16, db_index=True)
    households = models.TextField("入户征求意见", blank=True)
    confirmed_at = models.DateTimeField("集体研究确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    present = models.JSONField("参加集体研究人员", default=list)
    conclusion = models.CharField("评价结论", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"测评 {self.task_id}"


class SurveyAnswer(models.Model):
    class Answer(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        NOT = "not", "不满意"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    group = models.CharField("类别", max_length=20)
    respondent = models.CharField("测评人", max_length=50)
    answer = models.CharField(max_length=10, choices=Answer.choices)

    def __str__(self) -> str:
        return f"{self.respondent} {self.answer}"


class InspectionRound(models.Model):
    """A comprehensive inspection or a spot check round over villages (TGT-06, TGT-09)."""

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", "季度综合检查验收"
        PLANNED = "planned", "定期督查"
        UNANNOUNCED = "unannounced", "不定期暗访"

    class Scope(models.TextChoices):
        FULL = "full", "普查"
        SAMPLED = "sampled", "抽查"

    org = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    scope = models.CharField(max_length=8, choices=Scope.choices)
    start = models.DateField("开始日期")
    days = models.PositiveIntegerField("天数", default=1)
    villages = models.JSONField("检查的村", default=list)  # [village id]
    seed = models.CharField("抽样种子", max_length=64, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    policy_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}"


class RoundIssue(models.Model):
    """One problem found in a round, per village, with its rectification deadline (TGT-09)."""

    round = models.ForeignKey(InspectionRound, on_delete=models.CASCADE, related_name="issues")
    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    text = models.CharField("存在问题", max_length=300)
    due = models.DateField("整改期限")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["org_path", "id"]

    def __str__(self) -> str:
        return self.text


class HalfYearScore(models.Model):
    """Half-yearly quantified score of a village (量化考核打分, TGT-06)."""

    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    year = models.PositiveIntegerField()
    half = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=6, decimal_places=2)
    scored_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["village", "year", "half"], name="targets_half_score_once"),
                       models.CheckConstraint(condition=models.Q(half__in=[1, 2]), name="targets_half_1_2")]

    def __str__(self) -> str:
        return f"{self.org_path} {self.year}H{self.half} {self.score}"


class Deposit(models.Model):
    """A covered cadre's deposit (保证金) for a year (TGT-07)."""

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    year = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    lodged_on = models.DateField()
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="targets_deposit_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} {self.amount}"


class YearEndResult(models.Model):
    """A cadre's year-end commitment result and what followed (TGT-07): reward, or a case and deduction."""

    class Outcome(models.TextChoices):
        EXCEEDED = "exceeded", "超额完成，给予奖励"
        FULFILLED = "fulfilled", "完成承诺目标"
        UNFULFILLED = "unfulfilled", "未完成承诺目标"

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="year_results")
    year = models.PositiveIntegerField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    score = models.DecimalField("年终综合得分", max_digits=6, decimal_places=2, null=True, blank=True)
    occurrence = models.PositiveSmallIntegerField("任期内第几次未完成", default=0)
    measure = models.CharField("处理措施", max_length=100, blank=True)
    case_id = models.PositiveIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="targets_year_result_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} {self.outcome}"


class DepositDeduction(models.Model):
    """A deposit deducted for an unfulfilled year, itemised with rule and policy (TGT-07; read by subsidies)."""

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    year = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    rule_id = models.CharField(max_length=10, default="TGT-07")
    reason = models.CharField(max_length=200)
    result = models.OneToOneField(YearEndResult, on_delete=models.PROTECT, related_name="deduction")
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="targets_deduction_once_per_year")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} -{self.amount}"


class Decision(models.Model):
    """A major village decision and the meeting that took it (决策责任追究, TGT-08)."""

    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    decided_on = models.DateField("决定日期")
    title = models.CharField("决策事项", max_length=200)
    body = models.CharField("讨论决定的会议", max_length=30, blank=True)  # "" = none
    meeting_on = models.DateField("会议日期", null=True, blank=True)
    loss = models.DecimalField("造成损失（元）", max_digits=12, decimal_places=2, default=0)
    responsible = models.ManyToManyField("org.Person", related_name="+", verbose_name="责任人")
    case_ids = models.JSONField(default=list)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    policy_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ResponsibilityFund(models.Model):
    """An assessment-office member's responsibility fund (失察责任金, TGT-10)."""

    class Status(models.TextChoices):
        HELD = "held", "暂扣"
        PAID = "paid", "兑现"
        WITHHELD = "withheld", "扣减"

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    year = models.PositiveIntegerField()
    bonus = models.DecimalField("当年奖金", max_digits=10, decimal_places=2)
    pct = models.PositiveSmallIntegerField("比例（%）")
    amount = models.DecimalField("责任金", max_digits=10, decimal_places=2)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.HELD)
    reason = models.CharField("兑现或扣减理由", max_length=300, blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="targets_fund_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} {self.amount}"
