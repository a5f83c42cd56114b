from django.urls import path

from ganbu.org import admin_views, views

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
    # accounts and roles (issue 16)
    path("accounts/", admin_views.account_list, name="accounts"),
    path("accounts/create/", admin_views.accounts_create, name="accounts_create"),
    path("accounts/slips.pdf", admin_views.slips_pdf, name="slips_pdf"),
    path("accounts/<int:user_id>/action/", admin_views.account_action, name="account_action"),
    path("accounts/users/search/", admin_views.user_search, name="user_search"),
    path("grants/", admin_views.grants, name="grants"),
    path("security/", admin_views.security_settings, name="security"),
    path("grants/new/", admin_views.grant_new, name="grant_new"),
    path("grants/<int:grant_id>/end/", admin_views.grant_end, name="grant_end"),
]
