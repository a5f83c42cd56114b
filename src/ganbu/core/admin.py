"""Back-office repair only. The audit log is read-only here too."""

from django.contrib import admin

from ganbu.core import models

for _m in (models.CalendarYear, models.CalendarDay, models.PolicyVersion, models.Job, models.Notification):
    admin.site.register(_m)
