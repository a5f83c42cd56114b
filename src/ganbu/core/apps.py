from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ganbu.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from ganbu.core.care_policy import OrgCareParams
        from ganbu.core.policy import register_module

        register_module("org_care", "村书记关爱", OrgCareParams)
