from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "ganbu.org"
    label = "org"
    verbose_name = "组织与人员"

    def ready(self) -> None:
        from ganbu.core.policy import register_module
        from ganbu.org.policy import OrgParams

        register_module("org", "组织与职数", OrgParams)
