from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "ganbu.cases"
    label = "cases"
