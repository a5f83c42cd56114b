from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "ganbu.diary"
    label = "diary"
    verbose_name = "民情日记与驻村联户"

    def ready(self) -> None:
        from ganbu.core.policy import register_module
        from ganbu.diary.policy import DiaryParams

        register_module("diary", "民情日记与镇干部驻村", DiaryParams)
