from django.urls import path

from ganbu.targets import views

app_name = "targets"
urlpatterns = [
    path("", views.home, name="home"),
    path("propose/", views.propose, name="propose"),
    path("c/<int:pk>/", views.commitment, name="commitment"),
    path("c/<int:pk>/people/", views.people, name="people"),
    path("c/<int:pk>/measure/", views.measure_new, name="measure_new"),
    path("c/<int:pk>/measure/<int:measure_id>/", views.measure_new, name="measure_edit"),
    path("c/<int:pk>/vote/", views.vote, name="vote"),
    path("c/<int:pk>/submit/", views.submit, name="submit"),
    path("c/<int:pk>/return/", views.send_back, name="send_back"),
    path("c/<int:pk>/approve/", views.approve, name="approve"),
    path("c/<int:pk>/sign/", views.sign, name="sign"),
    path("c/<int:pk>/letter.pdf", views.letter_pdf, name="letter_pdf"),
    path("c/<int:pk>/year-end/", views.year_end, name="year_end"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/build/", views.ledger_build, name="ledger_build"),
    path("ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("task/<int:pk>/", views.task, name="task"),
    path("inspection/<int:pk>/", views.inspection, name="inspection"),
    path("notice/<int:pk>/", views.notice, name="notice"),
    path("notice/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("progress/<int:pk>/", views.progress, name="progress"),
    path("rounds/", views.rounds, name="rounds"),
    path("round/<int:pk>/", views.round_detail, name="round"),
    path("scores/<int:pk>/", views.scores, name="scores"),
    path("decisions/", views.decisions, name="decisions"),
    path("funds/", views.funds, name="funds"),
]
