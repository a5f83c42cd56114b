from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "ganbu.targets"
    label = "targets"
    verbose_name = "任期目标承诺"

    def ready(self) -> None:
        from ganbu.core.policy import register_module
        from ganbu.targets.policy import TargetsParams

        register_module("targets", "任期目标承诺", TargetsParams)
