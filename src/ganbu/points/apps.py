from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "ganbu.points"
    label = "points"
