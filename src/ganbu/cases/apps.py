from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "ganbu.cases"
    label = "cases"

    def ready(self) -> None:
        from ganbu.cases.policy import CasesParams
        from ganbu.core.policy import register_module

        register_module("cases", "问责与申诉", CasesParams)
