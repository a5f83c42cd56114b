from django.urls import path

from ganbu.points import views

app_name = "points"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("ledger/<int:person_id>/", views.ledger, name="ledger"),
    path("evidence/<int:entry_id>/", views.evidence, name="evidence"),
    path("record/", views.record, name="record"),
    path("pending/", views.pending, name="pending"),
    path("approve/<int:entry_id>/", views.approve, name="approve"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("cycles/", views.cycles, name="cycles"),
    path("circular/<int:summary_id>.pdf", views.circular, name="circular"),
    path("preview/", views.preview, name="preview"),
]
