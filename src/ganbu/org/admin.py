"""Back-office repair only; every user task has its own page."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from ganbu.org import models

admin.site.register(models.User, UserAdmin)
for _m in (models.Org, models.OrgEvent, models.Person, models.Post, models.RoleGrant, models.AssessorRule,
           models.AssessmentGroupMember, models.SecretaryAppointment, models.StandIn):
    admin.site.register(_m)
