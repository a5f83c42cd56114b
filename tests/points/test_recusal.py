"""回避 in points (PTS-02): nobody records, approves or rejects an entry about himself."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ganbu.core.recusal import RECUSED
from ganbu.org.models import PostTitle
from ganbu.org.services import post_start
from ganbu.points import services
from ganbu.points.models import PointEntry


@pytest.mark.django_db
def test_recusal_pts_02_entry_about_oneself_is_refused(world, pts):
    """A village cadre who also works in the township office cannot record or approve his own points."""
    cadre = world.people.cadre_a
    # 周文书 is seconded to the township office and holds its role: she may record others, never herself.
    from ganbu.org.roles import Role
    from ganbu.org.services import role_grant

    role_grant(actor=None, user=world.users.cadre_a, role=Role.TOWNSHIP_OFFICE, org=world.t1)
    with pytest.raises(ValidationError) as exc:
        services.point_entry_record(actor=world.users.cadre_a, person=cadre, item_id=pts.upper.pk, points="5",
                                    on=pts.today, note="自己给自己加分")
    assert RECUSED in str(exc.value) and not PointEntry.objects.exists()
    entry = services.point_entry_record(actor=world.users.office, person=world.people.village_secretary_a,
                                        item_id=pts.upper.pk, points="5", on=pts.today, note="完成任务")
    assert entry.status == PointEntry.Status.PENDING
    # The township head's own entry: he can neither approve nor reject it.
    post_start(actor=None, person=world.people.township_head, org=world.village_a,
               title=PostTitle.VILLAGE_MEMBER, start=date(2024, 1, 1), safety_duty="联系东村", principal=False)
    own = services.point_entry_record(actor=world.users.office, person=world.people.village_secretary_a,
                                      item_id=pts.town.pk, points="3", on=pts.today, note="x")
    own.person_id = world.people.township_head.pk  # the entry concerns the head himself
    own.save(update_fields=["person"])
    for call in (lambda: services.point_entry_approve(actor=world.users.township_head, entry=own),
                 lambda: services.point_entry_reject(actor=world.users.township_head, entry=own, reason="x")):
        with pytest.raises(ValidationError) as exc:
            call()
        assert RECUSED in str(exc.value)
    own.refresh_from_db()
    assert own.status == PointEntry.Status.PENDING
    services.point_entry_approve(actor=world.users.township_secretary, entry=own)
