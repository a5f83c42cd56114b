from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ganbu.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from ganbu.core.care_policy import OrgCareParams
        from ganbu.core.policy import register_module

        register_module("org_care", "村书记关爱", OrgCareParams)
        from ganbu.core.integrity_policy import IntegrityParams

        register_module("integrity", "数据完整性与保存期限", IntegrityParams)
        from django.conf import settings

        if not settings.GANBU_DEMO_KEYS:  # production stops at start, not at the first write
            from ganbu.core import keys

            keys.keyring(keys.AUDIT)
            keys.keyring(keys.DATA)
