from django.apps import AppConfig


class StationingConfig(AppConfig):
    name = "ganbu.stationing"
    label = "stationing"
    verbose_name = "驻村干部"

    def ready(self) -> None:
        from ganbu.core.policy import register_module
        from ganbu.stationing.policy import ReservesParams, StationingParams

        register_module("stationing", "驻村第一书记和工作队", StationingParams)
        register_module("reserves", "后备干部", ReservesParams)
