from django.urls import path

from ganbu.stationing import views

app_name = "stationing"
urlpatterns = [
    path("", views.cadres, name="cadres"),
    path("eligibility/", views.eligibility, name="eligibility"),
    path("villages/", views.villages, name="villages"),
    path("selections/", views.selections, name="selections"),
    path("selections/new/", views.propose, name="propose"),
    path("selections/replace/", views.replace, name="replace"),
    path("selections/<int:pk>/", views.selection, name="selection"),
    path("cadre/<int:person_id>/", views.cadre, name="cadre"),
    path("cadre/<int:person_id>/assignment/", views.assignment, name="assignment"),
    path("cadre/<int:person_id>/board-phone/", views.board_phone, name="board_phone"),
    path("diary/", views.diary, name="diary"),
    path("diary/flags/", views.diary_flags, name="diary_flags"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("cadre/<int:person_id>/tasks/new/", views.task_new, name="task_new"),
    path("awards/", views.awards, name="awards"),
    path("awards/<int:pk>/", views.award, name="award"),
    path("cadre/<int:person_id>/award/", views.award_new, name="award_new"),
    path("symposiums/", views.symposiums, name="symposiums"),
    path("symposiums/<int:pk>/", views.symposium, name="symposium"),
    path("negative/", views.negative, name="negative"),
    path("negative/<int:pk>/", views.negative_advance, name="negative_advance"),
    path("board/<int:village_id>/", views.board, name="board"),
    path("allowances/", views.allowances, name="allowances"),
]
