"""Back-office repair only; every user task has its own page."""

from django.contrib import admin

from ganbu.assessment import models


@admin.register(models.AssessmentTemplate)
class AssessmentTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "org_path", "status", "policy_ref"]
    list_filter = ["year", "status"]


@admin.register(models.AnnualResult)
class AnnualResultAdmin(admin.ModelAdmin):
    list_display = ["year", "village_name", "kind", "total", "source", "policy_ref"]
    list_filter = ["year", "kind", "source"]
    search_fields = ["village_name", "org_path"]


for _model in (models.AssessmentItem, models.ItemScore, models.ThreeEvaluation, models.StageScore,
               models.DutyReport, models.InspectionEntry, models.InspectionCircular):
    admin.site.register(_model)
