"""Back-office repair only; every user task has its own page."""

from django.contrib import admin

from ganbu.cases.models import Appeal, Case, CaseAction

for model in (Case, CaseAction, Appeal):
    admin.site.register(model)
