from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "ganbu.points"
    label = "points"

    def ready(self) -> None:
        from ganbu.core.policy import register_module
        from ganbu.points.policy import PointsParams, TownshipPointsParams

        register_module("points", "村干部积分制", PointsParams)
        register_module("points_township", "镇干部阶段量化评分", TownshipPointsParams)

        from ganbu.cases.services import appeal_target_register
        from ganbu.points.services import cycle_appeal_target

        appeal_target_register("point_cycle", cycle_appeal_target)
