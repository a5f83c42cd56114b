from django.apps import AppConfig


class LeaveConfig(AppConfig):
    name = "ganbu.leave"
    label = "leave"
