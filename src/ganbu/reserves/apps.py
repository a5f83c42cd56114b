from django.apps import AppConfig


class ReservesConfig(AppConfig):
    """Reserve cadres (RSV-01/02) and care for village secretaries (ORG-10).

    The policy modules are registered elsewhere and reused: ``reserves`` by the stationing app
    (``stationing.policy.ReservesParams``), ``org_care`` by core (``core.care_policy``).
    """

    name = "ganbu.reserves"
    label = "reserves"
    verbose_name = "后备干部与村书记关爱"
