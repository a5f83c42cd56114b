from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "ganbu.reports"
    label = "reports"
