from django.urls import path

from ganbu.leave import views

app_name = "leave"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("preview/", views.preview, name="preview"),
    path("inbox/", views.inbox, name="inbox"),
    path("standin/", views.standin, name="standin"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/cancel/confirm/", views.cancel_confirm, name="cancel_confirm"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
]
