from django.urls import path

from ganbu.attendance import views

app_name = "attendance"
urlpatterns = [
    path("signin/", views.signin, name="signin"),
    path("signin/correction/", views.correction_request, name="correction_request"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:pk>/evidence/", views.correction_evidence, name="correction_evidence"),
    path("proxy/", views.proxy, name="proxy"),
    path("qr/", views.qr, name="qr"),
    path("sheet/", views.sheet, name="sheet"),
    path("sheet/stamp/", views.stamp, name="stamp"),
    path("status/<int:pk>/correct/", views.correct, name="correct"),
    path("evidence/", views.evidence, name="evidence"),
    path("monthly/", views.monthly, name="monthly"),
    path("monthly/export.xlsx", views.monthly_xlsx, name="monthly_xlsx"),
    path("monthly/register.pdf", views.monthly_pdf, name="monthly_pdf"),
    path("monthly/publish/", views.monthly_publish, name="monthly_publish"),
    path("duty/", views.duty, name="duty"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("stationed/", views.stationed, name="stationed"),
    path("stationed/table.pdf", views.stationed_pdf, name="stationed_pdf"),
    path("stationed/spot-check/", views.spot_check, name="spot_check"),
]
