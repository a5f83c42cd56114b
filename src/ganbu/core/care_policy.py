"""Care for village secretaries (ORG-10): a policy module registered from core's ``apps.py``.

It lives in core because the ``org`` module (ORG-03/05) is another app's; S1 is the only seed
that speaks of care, so its preset is a township version.
"""

from __future__ import annotations

from ganbu.core.policy import PolicyParams, param
from ganbu.core.presets import Preset


class OrgCareParams(PolicyParams):
    home_visit_per_year: int = param(1, "班子成员带队到村书记家中走访（次/年，至少）", source="S1", ge=0)
    health_check_every_years: int = param(2, "村书记体检周期（年）", source="S1", ge=1)
    training_regular: bool = param(True, "定期组织干部培训", source="S1")
    study_tour_regular: bool = param(True, "定期组织外出考察", source="S1")


PRESETS = {
    "org_care": {
        "S1": Preset(
            title="村（社区）书记关爱",
            params={"home_visit_per_year": 1, "health_check_every_years": 2, "training_regular": True,
                    "study_tour_regular": True},
            notes={
                "home_visit_per_year": "S1 第3条：每年由办事处班子成员带队，至少到村（社区）书记家中进行一次走访",
                "health_check_every_years": "S1 第3条：办事处每两年安排村（社区）书记进行一次体检",
                "training_regular": "S1 第3条：定期组织干部培训和外出考察，提高干部综合素质",
                "study_tour_regular": "S1 第3条：定期组织干部培训和外出考察",
            },
            overridable=[],
        ),
    },
}
