from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "ganbu.notices"
    label = "notices"
