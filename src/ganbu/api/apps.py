from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ganbu.api"
    label = "api"
