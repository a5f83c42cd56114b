from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "ganbu.subsidies"
    label = "subsidies"
    verbose_name = "补贴"

    def ready(self) -> None:
        from ganbu.core.policy import register_module
        from ganbu.subsidies.policy import SubsidiesParams

        register_module("subsidies", "村干部补贴", SubsidiesParams)
