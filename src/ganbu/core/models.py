"""Cross-cutting tables: calendar, policy versions, audit chain, attachments, jobs, inbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CalendarYear(models.Model):
    """Whether a year's official holiday notice is known (CAL-01)."""

    class Status(models.TextChoices):
        OFFICIAL = "official", "已按国务院通知录入"
        PROVISIONAL = "provisional", "暂定（按周一至周五）"

    year = models.PositiveSmallIntegerField(unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROVISIONAL)
    source = models.CharField("来源", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = "日历年度"

    def __str__(self) -> str:
        return f"{self.year} {self.get_status_display()}"


class CalendarDay(models.Model):
    """An exception to Monday–Friday: a holiday on a weekday or an adjusted working day (调休).

    ``region`` is empty for national days, or a division-code prefix for local holidays.
    """

    date = models.DateField()
    region = models.CharField("地区代码前缀", max_length=12, blank=True, default="")
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=50, blank=True)
    source = models.CharField("来源", max_length=50, default="admin")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["date", "region"], name="calendar_day_unique")]
        verbose_name = "节假日/调休"

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.name}"


class PolicyVersion(models.Model):
    """One version of one module's parameters (细则) for an org and period (POL-01, POL-03).

    ``params`` holds what this level sets; a township's version holds only its overrides of the
    county's. ``overridable`` lists the keys a lower level may override.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ADOPTED = "adopted", "已施行"
        RETIRED = "retired", "已废止"

    org = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="policies")
    module = models.CharField("模块", max_length=32)
    period_start = models.DateField("施行起")
    period_end = models.DateField("施行止", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    title = models.CharField("名称", max_length=200)
    preset = models.CharField("预设来源", max_length=8, blank=True)
    params = models.JSONField("参数", default=dict)
    overridable = models.JSONField("下级可调整参数", default=list, blank=True)
    notes = models.JSONField("参数出处", default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    adopted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["org_id", "module", "-period_start", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["org", "module", "period_start", "version"], name="policy_version_unique")
        ]
        indexes = [models.Index(fields=["module", "status", "org"]),
                   models.Index(fields=["status", "adopted_at"], name="policy_adopted_at")]
        verbose_name = "细则版本"

    def __str__(self) -> str:
        return self.ref

    @property
    def ref(self) -> str:
        return f"{self.module}#{self.pk} {self.title} v{self.version}"


class AuditEntry(models.Model):
    """Append-only, hash-chained record of every service write (SEC-01).

    Writers only insert with their own content hash; a sealer later assigns ``seq`` and chains
    rows per county, so a thousand sign-ins a second never queue on a shared head row.
    """

    chain = models.CharField(max_length=12)
    seq = models.BigIntegerField(null=True, blank=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_label = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    org_path = models.CharField(max_length=16, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64, blank=True)
    chain_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        # Sealed rows only: an unsealed row (seq NULL) was never constrained, so indexing it only
        # cost every writer an index insert; every lookup by seq already asks for seq not null.
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique",
                                               condition=models.Q(seq__isnull=False))]
        # Every sign-in writes a row here, so each index costs the 08:30 burst: chain lookups use
        # the unique (chain, seq) index, scope filters the prefix index on org_path, and the
        # sealer finds pending rows in a partial index that holds only unsealed ones.
        indexes = [models.Index(fields=["object_type", "object_id"]),
                   models.Index(fields=["org_path"], name="audit_path_prefix", opclasses=["varchar_pattern_ops"]),
                   models.Index(fields=["chain", "id"], name="audit_unsealed", condition=models.Q(seq__isnull=True))]
        verbose_name = "审计记录"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"


class Attachment(models.Model):
    """An uploaded evidence file (meeting notice, leader's arrangement, points evidence …)."""

    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    org_path = models.CharField(max_length=16, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"

    def __str__(self) -> str:
        return self.original_name


class Job(models.Model):
    """A background job with real progress: ``done`` of ``total`` rows."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        FAILED = "failed", "有错误，未写入"
        DONE = "done", "已完成"

    kind = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField("阶段", max_length=40, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    org_path = models.CharField(max_length=16, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written with every progress update: a running job whose heartbeat stops lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    input_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    errors = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "后台任务"

    def __str__(self) -> str:
        return f"{self.kind} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class Notification(models.Model):
    """In-app inbox item: something waits on this user (approvals, cases, deadlines)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=40, blank=True)
    key = models.CharField("去重键", max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~models.Q(key=""), name="notification_dedup")
        ]
        verbose_name = "站内通知"

    def __str__(self) -> str:
        return self.title


class CacheStamp(models.Model):
    """One row whose values change, by database trigger, on every write to the calendar or the policies.

    Processes cache the working-day calendar and resolved policies and compare these values
    before using them (ganbu.core.stamps). Triggers catch every write, by any process or tool,
    and each bump is a fresh random value, so a table emptied and refilled (tests) never
    repeats an earlier stamp. Reading it is one primary-key lookup.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    calendar = models.BigIntegerField(null=True)
    policy = models.BigIntegerField(null=True)
    sheets = models.BigIntegerField(null=True)  # attendance day sheets (stamped = sign-ins stop)

    class Meta:
        verbose_name = "缓存戳"

    def __str__(self) -> str:
        return f"{self.calendar}/{self.policy}/{self.sheets}"
