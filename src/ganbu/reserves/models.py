"""Reserve cadres (后备干部) with their selection steps, and care events for village secretaries."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Reserve(models.Model):
    """RSV-01: a reserve for one post of a village team (一职一备)."""

    class Status(models.TextChoices):
        SELECTING = "selecting", "推荐考察中"
        POOLED = "pooled", "已入库"
        WITHDRAWN = "withdrawn", "已退出"

    village = models.ForeignKey("org.Org", on_delete=models.PROTECT, related_name="reserves", verbose_name="村")
    org_path = models.CharField(max_length=16, db_index=True)
    post = models.ForeignKey("org.Post", on_delete=models.PROTECT, related_name="reserves", verbose_name="岗位")
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="reserve_for",
                               verbose_name="后备人选")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SELECTING)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    withdrawn_on = models.DateField("退出日期", null=True, blank=True)
    withdrawn_reason = models.CharField("退出原因", max_length=200, blank=True)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "后备干部"
        indexes = [models.Index(fields=["post", "status"])]

    def __str__(self) -> str:
        return f"{self.person_id} 备 {self.post_id}"


class ReserveStep(models.Model):
    """One step of 三荐二议一审查, with its date and evidence."""

    class Step(models.TextChoices):
        SELF = "self", "个人自荐"
        COMMITTEES = "committees", "“两委”举荐"
        DEMOCRATIC = "democratic", "民主推荐"
        PROPOSAL = "proposal", "党组织提议"
        COLLECTIVE_REVIEW = "collective_review", "“两委”集体审议"
        PARTY_REVIEW = "party_review", "镇（街道）党委审查"

    reserve = models.ForeignKey(Reserve, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField("步骤", max_length=20, choices=Step.choices)
    on = models.DateField("日期")
    evidence = models.CharField("依据", max_length=300)
    attachment = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "后备干部产生步骤"
        ordering = ["on", "id"]
        constraints = [models.UniqueConstraint(fields=["reserve", "step"], name="reserve_step_once")]

    def __str__(self) -> str:
        return f"{self.reserve_id} {self.step} {self.on}"


class CareEvent(models.Model):
    """ORG-10: a home visit, health check, training or study tour for a village secretary."""

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", "班子成员家访"
        HEALTH_CHECK = "health_check", "体检"
        TRAINING = "training", "干部培训"
        STUDY_TOUR = "study_tour", "外出考察"

    secretary = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="care_events",
                                  verbose_name="村书记")
    org_path = models.CharField(max_length=16, db_index=True)
    kind = models.CharField("类型", max_length=14, choices=Kind.choices)
    planned_on = models.DateField("计划日期", null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    led_by = models.ForeignKey("org.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="带队班子成员")
    note = models.CharField("情况", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "村书记关爱"
        ordering = ["-done_on", "-planned_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(planned_on__isnull=False) | models.Q(done_on__isnull=False),
                                              name="care_planned_or_done")]

    def __str__(self) -> str:
        return f"{self.secretary_id} {self.kind}"
