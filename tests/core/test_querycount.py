"""List pages run a fixed number of queries, however many rows they show."""

from __future__ import annotations

from django.urls import reverse

from ganbu.core.audit import audit_record


def test_pol_01_policy_list_query_count_is_constant(login, policies, django_assert_max_num_queries):
    """POL-01: the policy list does not query per version."""
    c = login("county_org")
    with django_assert_max_num_queries(12):
        r = c.get(reverse("core:policies"))
    assert len(r.context["versions"]) >= 20


def test_sec_01_audit_page_query_count_is_constant(login, world, django_assert_max_num_queries):
    """SEC-01: the audit page does not query per row."""
    for i in range(60):
        audit_record(actor=world.users.office, action="x.y", object_type="thing", object_id=i,
                     org_path=world.village_a.path)
    c = login("county_org")
    c.get(reverse("core:audit"))  # seal once
    with django_assert_max_num_queries(20):
        r = c.get(reverse("core:audit"))
    assert len(r.context["page"]) >= 60
