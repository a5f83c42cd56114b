from django.urls import path

from ganbu.reserves import views

app_name = "reserves"
urlpatterns = [
    path("", views.county, name="county"),
    path("villages/<int:pk>/", views.village, name="village"),
    path("villages/<int:pk>/pick/", views.villager_pick, name="villager_pick"),
    path("reserves/<int:pk>/steps/", views.step, name="step"),
    path("care/", views.care, name="care"),
]
