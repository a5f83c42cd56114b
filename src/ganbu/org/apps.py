from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "ganbu.org"
    label = "org"
    verbose_name = "组织与人员"

    def ready(self) -> None:
        from ganbu.core.policy import register_module
        from ganbu.org.policy import OrgParams, SecurityParams

        register_module("org", "组织与职数", OrgParams)
        register_module("security", "账号与登录安全（等保）", SecurityParams)
        from ganbu.org.backoffice import backoffice_lock

        backoffice_lock()  # issue 16: system administrator only, assessment data read-only, audited
