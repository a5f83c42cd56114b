from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "ganbu.attendance"
    label = "attendance"
