"""Points fixtures: a cycle for 青山镇 this year and a small catalogue."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def evidence(name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def pts(world, policies, settings, tmp_path):
    """Cycle (this year, 青山镇, village scope) and items: two additions, one deduction needing evidence."""
    from ganbu.points.services import cycle_open, point_item_create

    settings.MEDIA_ROOT = tmp_path
    office = world.users.office
    year = timezone.localdate().year
    cycle = cycle_open(actor=office, township=world.t1, year=year)
    upper = point_item_create(actor=office, township=world.t1, scope="village", category="上级工作任务",
                              name="完成上级交办任务", kind="add", default_points="5", cap_per_cycle="30")
    town = point_item_create(actor=office, township=world.t1, scope="village", category="镇级工作任务",
                             name="镇级中心工作", kind="add", default_points="3", cap_per_cycle=None)
    law = point_item_create(actor=office, township=world.t1, scope="village", category="违反法律法规",
                            name="违反法律法规", kind="deduct", default_points="20", cap_per_cycle="100",
                            evidence_required=True)
    return SimpleNamespace(cycle=cycle, upper=upper, town=town, law=law, year=year,
                           today=timezone.localdate())


@pytest.fixture
def give(world, pts):
    """``give(person, item, points, evidence=False)``: record by office, approve by township head."""
    from ganbu.points.services import point_entry_approve, point_entry_record

    def _give(person, item, points, with_evidence=False):
        entry = point_entry_record(actor=world.users.office, person=person, item_id=item.pk, points=points,
                                   on=pts.today, note="测试", evidence=evidence() if with_evidence else None)
        return point_entry_approve(actor=world.users.township_head, entry=entry)

    return _give
