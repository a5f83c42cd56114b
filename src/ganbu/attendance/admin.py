"""Back-office repair only: every user task has its own page."""

from django.contrib import admin

from ganbu.attendance import models


@admin.register(models.SignIn)
class SignInAdmin(admin.ModelAdmin):
    list_display = ("person", "date", "at", "proof", "proxy_by", "authorised_by")
    list_filter = ("proof", "date")
    search_fields = ("person__name", "org_path")
    raw_id_fields = ("person", "proxy_by", "authorised_by")

    def change_view(self, request, object_id, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        """The form shows raw coordinates: the look is audited (issue 17, PIPL)."""
        from ganbu.attendance.location import signin_coordinates_view

        signin = models.SignIn.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if signin is not None and signin.latitude is not None and request.method == "GET":
            signin_coordinates_view(actor=request.user, signin=signin, where="后台")
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(models.DayStatus)
class DayStatusAdmin(admin.ModelAdmin):
    list_display = ("person", "date", "status", "org_path", "corrected", "provisional")
    list_filter = ("status", "corrected")
    search_fields = ("person__name", "org_path")
    raw_id_fields = ("person", "policy_version")


for model in (models.DaySheet, models.MonthTally, models.Correction, models.Evidence, models.Meeting,
              models.MeetingAttendance, models.WeeklyReport, models.DutySlot, models.StationedTable,
              models.SpotCheck):
    admin.site.register(model)
