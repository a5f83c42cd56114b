"""Attendance tables (ATT, DUTY, MTG).

Built for speed: ``SignIn`` holds raw events (one per person per day, enforced by the
database so a double tap gives one row); ``DayStatus`` holds one row per person per working
day, written in bulk when the day closes, with the org path and county denormalised so a
province's monthly figures are one index range scan and a GROUP BY.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CoordSystem(models.TextChoices):
    WGS84 = "wgs84", "WGS-84（GPS）"
    GCJ02 = "gcj02", "GCJ-02（国内地图）"


class Proof(models.TextChoices):
    NONE = "none", "无"
    GEOFENCE = "geofence", "定位在围栏内"
    QR = "qr", "扫办公室二维码"
    PROXY = "proxy", "经授权代签"


class SignIn(models.Model):
    # (person, date) is unique and serves person lookups; no separate FK index to update per sign-in.
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="signins", db_index=False)
    date = models.DateField("日期")
    at = models.DateTimeField("签到时间")
    org_path = models.CharField(max_length=16)
    latitude = models.FloatField("纬度", null=True, blank=True)
    longitude = models.FloatField("经度", null=True, blank=True)
    coord_system = models.CharField("坐标系", max_length=6, choices=CoordSystem.choices, blank=True)
    distance_m = models.FloatField("距办公地点（米）", null=True, blank=True)
    proof = models.CharField("在岗证明", max_length=10, choices=Proof.choices, default=Proof.NONE)
    proxy_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="代签人", db_index=False)
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name="授权领导", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "date"], name="signin_once_per_day")]
        # Proxy sign-ins are few: partial indexes hold only them, so a cadre's own sign-in adds
        # no entry to either.
        indexes = [models.Index(fields=["org_path", "date"], name="signin_path_prefix",
                                opclasses=["varchar_pattern_ops", "date_ops"]),
                   models.Index(fields=["proxy_by"], name="signin_proxy_by", condition=models.Q(proxy_by__isnull=False)),
                   models.Index(fields=["authorised_by"], name="signin_authorised_by",
                                condition=models.Q(authorised_by__isnull=False))]
        verbose_name = "签到"

    def __str__(self) -> str:
        return f"{self.person_id} {self.date}"


class DayStatusKind(models.TextChoices):
    PRESENT = "present", "出勤"
    LEAVE = "leave", "请假"
    TRIP = "trip", "出差"
    MEETING = "meeting", "开会"
    ABSENT = "absent", "缺勤"


class DaySheet(models.Model):
    """The day's sign-in sheet of a township: stamped (停签) by the office head, closed by the system."""

    org = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16)
    date = models.DateField()
    stamped_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="盖章停签人")
    stamped_at = models.DateTimeField("停签时间", null=True, blank=True)
    closed_at = models.DateTimeField("日结时间", null=True, blank=True)
    rows = models.PositiveIntegerField("日结人数", default=0)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    policy_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "date"], name="daysheet_once")]
        verbose_name = "签到簿"

    def __str__(self) -> str:
        return f"{self.org_path} {self.date}"


class DayStatus(models.Model):
    """One person, one working day: what the day counted as (ATT-04), and under which policy."""

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="day_statuses")
    date = models.DateField()
    status = models.CharField(max_length=8, choices=DayStatusKind.choices)
    org_path = models.CharField(max_length=16)
    county = models.CharField(max_length=6)
    stationed = models.BooleanField("驻村干部", default=False)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField(max_length=300, blank=True)
    provisional = models.BooleanField("暂定日历", default=False)
    corrected = models.BooleanField("已更正", default=False)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "date"], name="daystatus_once")]
        indexes = [models.Index(fields=["county", "date"]),
                   models.Index(fields=["person", "date", "status"], name="daystatus_person_status"),
                   # prefix scans (org_path LIKE '330521%') use this on PostgreSQL whatever the collation
                   models.Index(fields=["org_path", "date"], name="daystatus_path_prefix",
                                opclasses=["varchar_pattern_ops", "date_ops"])]
        verbose_name = "日考勤"

    def __str__(self) -> str:
        return f"{self.person_id} {self.date} {self.status}"


class MonthTally(models.Model):
    """Per person per month counts of ``DayStatus``, refreshed by day close and corrections.

    Monthly statistics and the half-year running total read these (≤ 6 rows per person) instead
    of scanning every day of the half-year: province-wide figures stay one small GROUP BY.
    """

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份（1日）")
    org_path = models.CharField(max_length=16)
    county = models.CharField(max_length=6)
    days = models.PositiveSmallIntegerField(default=0)
    present = models.PositiveSmallIntegerField(default=0)
    leave = models.PositiveSmallIntegerField(default=0)
    trip = models.PositiveSmallIntegerField(default=0)
    meeting = models.PositiveSmallIntegerField(default=0)
    absent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "month"], name="month_tally_once")]
        indexes = [models.Index(fields=["org_path", "month"], name="month_tally_path",
                                opclasses=["varchar_pattern_ops", "date_ops"]),
                   models.Index(fields=["county", "month"], name="month_tally_county")]
        verbose_name = "月考勤汇总"

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m}"


class Correction(models.Model):
    """A change to a closed day by an authorised person with a reason (ATT-03)."""

    day = models.ForeignKey(DayStatus, on_delete=models.PROTECT, related_name="corrections")
    before = models.CharField(max_length=8, choices=DayStatusKind.choices)
    after = models.CharField(max_length=8, choices=DayStatusKind.choices)
    reason = models.CharField("更正理由", max_length=300)
    evidence = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "考勤更正"

    def __str__(self) -> str:
        return f"{self.day_id} {self.before}→{self.after}"


class Evidence(models.Model):
    """A meeting notice or leader's arrangement that makes a day away count as present (ATT-04)."""

    class Kind(models.TextChoices):
        MEETING = "meeting", "会议通知"
        TRIP = "trip", "领导安排出差"

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    start = models.DateField()
    end = models.DateField()
    attachment = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["person", "start", "end"])]
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="evidence_dates")]
        verbose_name = "出勤证明"

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.start}"


class MeetingKind(models.TextChoices):
    REGULAR = "regular", "隔周例会"
    STUDY = "study", "专题学习"
    DEMOCRATIC_LIFE = "democratic_life", "民主生活会"
    OTHER = "other", "其他会议"


class Meeting(models.Model):
    org = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    kind = models.CharField(max_length=16, choices=MeetingKind.choices)
    title = models.CharField("名称", max_length=200)
    date = models.DateField("日期")
    due = models.DateField("最迟召开日期", null=True, blank=True)
    scheduled = models.BooleanField("系统排期", default=False)
    held = models.BooleanField("已召开", default=False)
    minutes = models.TextField("会议记录", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-date", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "kind", "date"], condition=models.Q(scheduled=True),
                                               name="meeting_scheduled_once")]
        verbose_name = "会议学习"

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class MeetingAttendance(models.Model):
    """Per-session attendance (逐次考勤, ATT-01)."""

    class Status(models.TextChoices):
        PRESENT = "present", "出席"
        LEAVE = "leave", "请假"
        ABSENT = "absent", "缺席"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="meeting_attendance_once")]
        verbose_name = "会议考勤"

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.person_id} {self.status}"


class WeeklyReport(models.Model):
    """工作周报 for a regular meeting (MTG-01)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="reports")
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    last_work = models.TextField("上期工作")
    plan = models.TextField("本周计划")
    suggestions = models.TextField("工作建议", blank=True)
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="weekly_report_once")]
        verbose_name = "工作周报"

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.person_id}"


class DutySlot(models.Model):
    """A stretch of the 24-hour duty roster of a township office (DUTY-01)."""

    org = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16)
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField("起")
    end = models.DateTimeField("止")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["org_path", "start"])]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="duty_slot_order")]
        verbose_name = "值班"

    def __str__(self) -> str:
        return f"{self.person_id} {self.start}–{self.end}"


class StationedTable(models.Model):
    """A township's monthly attendance table of stationed cadres (ATT-07).

    The secretary's electronic signature is (signer, time, sha256 of the canonical content). If
    the days behind it change afterwards the signature is void; the stamp needs a valid one.
    """

    org = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16, db_index=True)
    month = models.DateField("月份（1日）")
    content = models.JSONField("签署内容", default=dict)
    content_hash = models.CharField(max_length=64, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="签字人")
    signed_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField("签字失效时间", null=True, blank=True)
    void_reason = models.CharField(max_length=200, blank=True)
    stamped_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    stamped_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateField("报备期限")
    filed_at = models.DateTimeField("报备时间", null=True, blank=True)
    late = models.BooleanField("逾期报备", default=False)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="stationed_table_once")]
        verbose_name = "驻村干部考勤表"

    def __str__(self) -> str:
        return f"{self.org_path} {self.month:%Y-%m}"

    @property
    def signature_valid(self) -> bool:
        return bool(self.signed_at) and self.voided_at is None


class SpotCheck(models.Model):
    """A spot check of a stationed cadre's presence (ATT-08)."""

    class Method(models.TextChoices):
        ON_SITE = "on_site", "实地检查"
        PHONE_LOCATION = "phone_location", "手机定位"
        PHONE_CALL = "phone_call", "电话询问"
        VIDEO_CALL = "video_call", "微信视频"

    class Result(models.TextChoices):
        PRESENT = "present", "在岗"
        ABSENT = "absent", "不在岗"
        UNREACHABLE = "unreachable", "联系不上"

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=16)
    at = models.DateTimeField("抽查时间")
    method = models.CharField(max_length=16, choices=Method.choices)
    result = models.CharField(max_length=12, choices=Result.choices)
    note = models.CharField(max_length=300, blank=True)
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["org_path", "at"])]
        verbose_name = "驻村抽查"

    def __str__(self) -> str:
        return f"{self.person_id} {self.at:%Y-%m-%d} {self.result}"


class CorrectionRequest(models.Model):
    """补签申请 (sign-in correction request): a cadre asks his office to correct one working day,
    with a reason and evidence; the office approves or refuses it (ATT-03), never about himself."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "未同意"

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name="申请人")
    org_path = models.CharField(max_length=16, db_index=True)
    date = models.DateField("补签日期")
    wanted = models.CharField("申请记为", max_length=8, choices=DayStatusKind.choices, default=DayStatusKind.PRESENT)
    reason = models.CharField("理由", max_length=300)
    evidence = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="证明材料")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="审核人")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审核意见", max_length=300, blank=True)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person", "date"])]
        constraints = [models.UniqueConstraint(fields=["person", "date"], condition=models.Q(status="pending"),
                                               name="correction_request_one_pending")]
        verbose_name = "补签申请"

    def __str__(self) -> str:
        return f"{self.person_id} {self.date} {self.status}"
