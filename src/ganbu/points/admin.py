"""Back-office repair only; every user task has its own page."""

from django.contrib import admin

from ganbu.points.models import Cycle, CycleSummary, PointEntry, PointItem, ThresholdHit

for model in (PointItem, Cycle, PointEntry, CycleSummary, ThresholdHit):
    admin.site.register(model)
