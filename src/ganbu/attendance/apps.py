from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "ganbu.attendance"
    label = "attendance"
    verbose_name = "考勤"

    def ready(self) -> None:
        from ganbu.attendance.policy import AttendanceParams
        from ganbu.core.policy import register_module

        register_module("attendance", "考勤、会议与值班", AttendanceParams)
