"""Back-office repair only: every user task has its own page."""

from django.contrib import admin

from ganbu.leave.models import ApprovalStep, Cancellation, LeaveRequest


class StepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 0


@admin.register(LeaveRequest)
class LeaveRequestAdmin(admin.ModelAdmin):
    list_display = ("person", "kind", "start", "end", "days", "status")
    list_filter = ("status", "kind")
    raw_id_fields = ("person", "handover", "applicant", "overridden_by", "org", "policy_version")
    inlines = [StepInline]


admin.site.register(Cancellation)
