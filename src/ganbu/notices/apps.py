from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "ganbu.notices"
    label = "notices"

    def ready(self) -> None:
        from ganbu.core.policy import register_module
        from ganbu.notices.policy import NoticesParams

        register_module("notices", "公示通报", NoticesParams)
