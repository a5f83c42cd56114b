from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "ganbu.assessment"
    label = "assessment"
