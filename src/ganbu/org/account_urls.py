"""Self-service account pages (issue 16): password, two-factor, sessions."""

from django.urls import path

from ganbu.org import account_views

app_name = "account"
urlpatterns = [
    path("password/", account_views.password, name="password"),
    path("otp/", account_views.otp, name="otp"),
    path("otp/qr.svg", account_views.otp_qr, name="otp_qr"),
    path("sessions/", account_views.sessions, name="sessions"),
]
