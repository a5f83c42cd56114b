from django.apps import AppConfig


class StationingConfig(AppConfig):
    name = "ganbu.stationing"
    label = "stationing"
