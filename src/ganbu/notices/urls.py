from django.urls import path

from ganbu.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.board, name="board"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/poster.pdf", views.poster, name="poster"),
    path("<int:pk>/circular.pdf", views.circular, name="circular"),
    path("manage/", views.manage, name="manage"),
    path("objections/<int:pk>/answer/", views.answer, name="answer"),
    path("notice/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
