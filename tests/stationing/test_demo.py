"""The demo county's stationed cadres: first secretaries pass STN-04; one candidate fails with reasons."""

from __future__ import annotations

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_stn_04_demo_first_secretaries_pass_and_one_candidate_fails():
    from ganbu.org.management.commands.load_demo import load_demo
    from ganbu.org.models import Org, Post
    from ganbu.stationing.demo import load_demo_stationing
    from ganbu.stationing.eligibility import person_eligibility
    from ganbu.stationing.models import DiaryEntry, NegativeItem, ObligationRecord
    from ganbu.stationing.queries import cadre_rows

    load_demo()
    county = Org.objects.get(kind="county")
    out = load_demo_stationing(county)
    today = timezone.localdate()
    for post in Post.objects.filter(title="first_secretary").select_related("person", "org"):
        assert person_eligibility(post.person, "first_secretary", post.org.path, today)[0].eligible
    failing = out["failing"]
    assert len(failing.reasons) >= 2 and any("临聘" in r for r in failing.reasons)
    assert out["passing"].reasons == [] and out["replacement"].status == "reviewed"
    assert ObligationRecord.objects.exists() and DiaryEntry.objects.exists()
    assert NegativeItem.objects.count() == 2
    rows = cadre_rows(Post.objects.filter(title__in=["first_secretary", "team_member"], end__isnull=True), today)
    assert any(r.overdue for r in rows) and any(not r.overdue for r in rows)
    assert all(r.post.person.work_phone and r.post.person.work_phone != r.post.person.phone for r in rows)
