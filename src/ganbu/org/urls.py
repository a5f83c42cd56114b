from django.urls import path

from ganbu.org import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:org_id>/", views.detail, name="detail"),
    path("<int:org_id>/edit/", views.edit, name="edit"),
    path("<int:org_id>/rename/", views.rename, name="rename"),
    path("<int:org_id>/merge/", views.merge, name="merge"),
    path("<int:org_id>/assessors/", views.assessors, name="assessors"),
    path("<int:org_id>/group/", views.group, name="group"),
    path("group/<int:member_id>/end/", views.group_end, name="group_end"),
    path("people/", views.people, name="people"),
    path("people/export.xlsx", views.people_export, name="people_export"),
    path("people/search/", views.people_search, name="people_search"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:person_id>/posts/new/", views.post_new, name="post_new"),
    path("posts/<int:post_id>/end/", views.post_end, name="post_end"),
    path("posts/<int:post_id>/appointment/", views.appointment, name="appointment"),
    path("roster/", views.roster_page, name="roster"),
    path("roster/template.xlsx", views.roster_template, name="roster_template"),
    path("roster/export.xlsx", views.roster_export, name="roster_export"),
    path("roster/import/", views.roster_import, name="roster_import"),
    path("roster/jobs/<int:job_id>/", views.job, name="job"),
]
