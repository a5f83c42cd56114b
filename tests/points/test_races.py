"""Races on PostgreSQL: two recorders under one cap, two approvers on one entry (PTS-02)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ganbu.points import services
from ganbu.points.models import PointEntry


def _race(fns):
    barrier = threading.Barrier(len(fns))
    results: list[object] = [None] * len(fns)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except ValidationError as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pts_02_two_recorders_cannot_both_slip_under_the_cap(world, pts):
    """PTS-02: with a cap of 30, two simultaneous entries of 20 give one entry and one Chinese error."""
    def rec():
        return services.point_entry_record(actor=world.users.office, person=world.people.cadre_a,
                                           item_id=pts.upper.pk, points="20", on=pts.today, note="并发")

    results = _race([rec, rec])
    assert sum(isinstance(r, PointEntry) for r in results) == 1
    assert any(isinstance(r, ValidationError) and "上限" in str(r) for r in results)
    assert PointEntry.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pts_02_two_approvers_at_once_approve_once(world, pts):
    """PTS-02: two approvers clicking at once: one approval, the other told it is already handled."""
    entry = services.point_entry_record(actor=world.users.office, person=world.people.cadre_a,
                                        item_id=pts.upper.pk, points="5", on=pts.today, note="x")
    results = _race([lambda: services.point_entry_approve(actor=world.users.township_head, entry=entry),
                     lambda: services.point_entry_approve(actor=world.users.township_secretary, entry=entry)])
    assert sum(isinstance(r, PointEntry) for r in results) == 1
    assert any(isinstance(r, ValidationError) and services.NOT_PENDING in str(r) for r in results)
