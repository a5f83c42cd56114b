"""回避 in 千分制 (KPI-01): a rater who is a principal cadre of the village does not score it."""

from __future__ import annotations

from datetime import date

import pytest

from ganbu.assessment import services
from ganbu.assessment.models import ItemScore
from ganbu.core.recusal import RECUSED
from ganbu.org.models import PostTitle
from ganbu.org.services import post_start


@pytest.mark.django_db
def test_recusal_kpi_01_principal_of_the_village_cannot_score_it(world, kpi):
    """The office user holds 东村's secretary post concurrently: 东村's score is refused, 南村's accepted."""
    post_start(actor=None, person=world.people.office, org=world.village_a, title=PostTitle.VILLAGE_DIRECTOR,
               start=date(2024, 1, 1), safety_duty="村务", principal=True)
    item = kpi.items[0]
    with pytest.raises(services.AssessmentError) as exc:
        services.score_enter(actor=world.users.office, item=item, village=world.village_a, score="200")
    assert exc.value.errors == [RECUSED] and not ItemScore.objects.filter(village=world.village_a).exists()
    with pytest.raises(services.AssessmentError):
        services.three_evaluation_enter(actor=world.users.office, template=kpi.tpl, village=world.village_a,
                                        self_score="900", public_score="900")
    services.score_enter(actor=world.users.office, item=item, village=world.village_c, score="200")
    services.score_enter(actor=world.users.township_secretary, item=item, village=world.village_a, score="200")
    assert ItemScore.objects.count() == 2
