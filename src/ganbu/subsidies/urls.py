from django.urls import path

from ganbu.subsidies import views

app_name = "subsidies"
urlpatterns = [
    path("", views.home, name="home"),
    path("register/<int:pk>/", views.register, name="register"),
    path("register/<int:pk>/bank.xlsx", views.bank_file, name="bank_file"),
    path("register/<int:pk>/register.pdf", views.register_pdf, name="register_pdf"),
]
