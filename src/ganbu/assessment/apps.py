from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "ganbu.assessment"
    label = "assessment"
    verbose_name = "千分制考核"

    def ready(self) -> None:
        from ganbu.assessment.policy import MODULE, MODULE_TITLE, AssessmentPolicy
        from ganbu.core.policy import register_module

        register_module(MODULE, MODULE_TITLE, AssessmentPolicy)
