from django.urls import path

from ganbu.core import views

app_name = "core"
urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/day/", views.calendar_day_post, name="calendar_day"),
    path("calendar/day/<int:pk>/delete/", views.calendar_day_delete_post, name="calendar_day_delete"),
    path("calendar/year/", views.calendar_year_post, name="calendar_year"),
    path("policies/", views.policies, name="policies"),
    path("policies/<int:pk>/", views.policy, name="policy"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("policies/<int:pk>/adopt/", views.policy_adopt_post, name="policy_adopt"),
    path("audit/", views.audit, name="audit"),
    path("audit/export.xlsx", views.audit_export, name="audit_export"),
    path("jobs/<int:pk>/", views.job, name="job"),
]
