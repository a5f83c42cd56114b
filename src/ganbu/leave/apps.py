from django.apps import AppConfig


class LeaveConfig(AppConfig):
    name = "ganbu.leave"
    label = "leave"
    verbose_name = "请销假"

    def ready(self) -> None:
        from ganbu.core.policy import register_module
        from ganbu.leave.policy import LeaveParams

        register_module("leave", "请销假", LeaveParams)
        from ganbu.leave import tasks  # noqa: F401  (registers the periodic overstay check)
