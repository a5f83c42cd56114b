from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "ganbu.subsidies"
    label = "subsidies"
