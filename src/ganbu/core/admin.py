"""Back-office repair only. The audit log is read-only here too."""

from django.contrib import admin

from ganbu.core import models

for _m in (models.CalendarYear, models.CalendarDay, models.PolicyVersion, models.Job, models.Notification):
    admin.site.register(_m)


@admin.register(models.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """View only: audit rows are never changed or deleted through the back office (SEC-01)."""

    list_display = ("at", "chain", "seq", "actor_label", "action", "object_type", "object_id")
    list_filter = ("chain", "action")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
