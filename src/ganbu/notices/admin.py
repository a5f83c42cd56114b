"""Back-office repair only; every user task has its own page."""

from django.contrib import admin

from ganbu.notices.models import Notice, NoticeVersion, Objection

for model in (Notice, NoticeVersion, Objection):
    admin.site.register(model)
