from django.urls import path

from ganbu.diary import views

app_name = "diary"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("households/pick/", views.household_pick, name="household_pick"),
    path("households/new/", views.household_new, name="household_new"),
    path("matters/", views.matters, name="matters"),
    path("matters/export.xlsx", views.export, name="export"),
    path("matters/<int:pk>/", views.matter, name="matter"),
    path("matters/<int:pk>/report/", views.report, name="report"),
    path("matters/<int:pk>/answer/", views.answer, name="answer"),
    path("matters/<int:pk>/close/", views.close, name="close"),
    path("matters/<int:pk>/harm/", views.harm, name="harm"),
    path("visits/", views.visit, name="visit"),
    path("meetings/", views.meeting, name="meeting"),
    path("contacts/", views.contact, name="contact"),
    path("stations/", views.stations, name="stations"),
    path("stations/pick/", views.person_pick, name="person_pick"),
]
