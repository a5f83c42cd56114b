from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "ganbu.points"
    label = "points"

    def ready(self) -> None:
        from ganbu.core.policy import register_module
        from ganbu.points.policy import PointsParams, TownshipPointsParams

        register_module("points", "村干部积分制", PointsParams)
        register_module("points_township", "镇干部阶段量化评分", TownshipPointsParams)
