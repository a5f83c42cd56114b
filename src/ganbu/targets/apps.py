from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "ganbu.targets"
    label = "targets"
