"""Tables of township cadres' work in villages: stations, households, visits, meetings, the diary.

Every row carries ``org_path`` (the village's, or the township's for a station) so scoping is one
``startswith`` filter, as everywhere else in ganbu.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Station(models.Model):
    """STN-01: a township administrative cadre stationed in a village, or kept on a special post."""

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="stations", verbose_name="镇干部")
    township = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+", verbose_name="乡镇")
    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, null=True, blank=True, related_name="stations",
                                verbose_name="驻村")
    special_post = models.CharField("特殊岗位（不驻村）", max_length=50, blank=True)
    start = models.DateField("起")
    end = models.DateField("止", null=True, blank=True)
    org_path = models.CharField(max_length=16, db_index=True)  # the township's
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "镇干部驻村安排"
        indexes = [models.Index(fields=["village", "end"])]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(end__isnull=True), name="station_one_open"),
            models.CheckConstraint(condition=models.Q(village__isnull=False) | ~models.Q(special_post=""),
                                   name="station_village_or_special"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.village_id or self.special_post}"


class Household(models.Model):
    """A household (农户) of a village; the tree's household count stays the coverage denominator."""

    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="household_rows",
                                verbose_name="村")
    org_path = models.CharField(max_length=16, db_index=True)
    head_name = models.CharField("户主", max_length=50)
    group_name = models.CharField("村民小组", max_length=50, blank=True)
    demonstration = models.BooleanField("科技示范户", default=False)
    poor = models.BooleanField("贫困户（含脱贫监测户）", default=False)

    class Meta:
        verbose_name = "农户"
        ordering = ["group_name", "head_name", "id"]

    def __str__(self) -> str:
        return f"{self.head_name}户" + (f"（{self.group_name}）" if self.group_name else "")


class ContactHousehold(models.Model):
    """STN-02: one of the 2–4 demonstration or poor households a stationed cadre keeps contact with."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="contacts")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    start = models.DateField("起")
    end = models.DateField("止", null=True, blank=True)

    class Meta:
        verbose_name = "联系户"
        constraints = [models.UniqueConstraint(fields=["station", "household"], condition=models.Q(end__isnull=True),
                                               name="contact_once")]

    def __str__(self) -> str:
        return f"{self.station_id} ↔ {self.household_id}"


class Visit(models.Model):
    """STN-02: a household visit by the stationed cadre."""

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name="走访人")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="visits", verbose_name="农户")
    visited_on = models.DateField("走访日期")
    note = models.CharField("走访情况", max_length=300, blank=True)
    org_path = models.CharField(max_length=16, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "入户走访"
        indexes = [models.Index(fields=["person", "visited_on"])]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.household_id}"


class HeadsMeeting(models.Model):
    """STN-02: a household-heads' meeting (户主会) the stationed cadre held in his village."""

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name="召集人")
    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="+", verbose_name="村")
    held_on = models.DateField("召开日期")
    topic = models.CharField("议题", max_length=200)
    attendees = models.PositiveIntegerField("到会户主数")
    org_path = models.CharField(max_length=16, db_index=True)

    class Meta:
        verbose_name = "户主会"

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class Matter(models.Model):
    """DRY-01/02: one entry of the people's-condition diary, with its report and opinion clocks."""

    author = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="matters", verbose_name="记录人")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="matters", verbose_name="农户")
    org_path = models.CharField(max_length=16, db_index=True)  # the village's
    met_on = models.DateField("发生日期")
    category = models.CharField("类别", max_length=30)
    content = models.TextField("民情内容", max_length=2000)
    action = models.TextField("办理情况", max_length=2000, blank=True)
    major = models.BooleanField("重大民情", default=False)
    beyond = models.BooleanField("本人难以解决", default=False)
    needs_report = models.BooleanField("须报告党委、政府", default=False)
    report_due = models.DateField("报告期限", null=True, blank=True)
    reported_on = models.DateField("报告日期", null=True, blank=True)
    report_text = models.TextField("报告内容", max_length=2000, blank=True)
    answerer = models.ForeignKey("org.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name="拿出处理意见的责任人")
    opinion_due = models.DateField("处理意见期限", null=True, blank=True)
    answered_on = models.DateField("处理意见日期", null=True, blank=True)
    answer_text = models.TextField("处理意见", max_length=2000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    closed_on = models.DateField("办结日期", null=True, blank=True)
    harm = models.TextField("不良后果", max_length=2000, blank=True)
    harm_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    photos = models.ManyToManyField("core.Attachment", blank=True, related_name="+", verbose_name="照片")
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    policy_ref = models.CharField("依据细则", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "民情日记"
        ordering = ["-met_on", "-id"]
        indexes = [models.Index(fields=["org_path", "closed_on"]), models.Index(fields=["author", "met_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(reported_on__isnull=True) | models.Q(reported_on__gte=models.F("met_on")),
                                   name="matter_report_after_met"),
            models.CheckConstraint(condition=models.Q(answered_on__isnull=True) | models.Q(reported_on__isnull=False),
                                   name="matter_answer_after_report"),
        ]

    def __str__(self) -> str:
        return f"{self.met_on} {self.content[:20]}"
