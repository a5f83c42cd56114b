from ganbu.core.policy import validate_params
from ganbu.core.presets import module_presets


def test_org_10_care_preset_numbers():
    """ORG-10: S1 — a home visit at least once a year, a health check every two years."""
    care = validate_params("org_care", module_presets()["org_care"]["S1"].params)
    assert care.home_visit_per_year == 1
    assert care.health_check_every_years == 2
    assert care.training_regular and care.study_tour_regular
