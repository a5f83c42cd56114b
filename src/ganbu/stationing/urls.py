from django.urls import path

from ganbu.stationing import views

app_name = "stationing"
urlpatterns = [
    path("eligibility/", views.eligibility, name="eligibility"),
]
