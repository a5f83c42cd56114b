"""Policies as versioned data: inheritance, versions in force, pages (POL-01, POL-02, POL-03)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ganbu.core.findings import Finding
from ganbu.core.models import AuditEntry, PolicyVersion
from ganbu.core.policy import (
    PolicyError,
    policy_adopt,
    policy_resolve,
    policy_revise,
    policy_save_draft,
)
from ganbu.core.presets import presets_load
from tests.htmlform import form_fields

START = date(2024, 1, 1)


@pytest.fixture
def county_targets(world):
    """An adopted county targets policy that lets townships change only the notice deadline."""
    v = policy_save_draft(actor=world.users.county_org, org=world.county, module="targets", title="县任期目标细则",
                          period_start=START, params={"deposit_amount": 800, "sample_villages": 38},
                          overridable=["supervision_notice_days"])
    return policy_adopt(actor=world.users.county_org, version=v)


def test_pol_01_township_inherits_county_and_overrides_only_allowed(world, county_targets):
    """POL-01: a township overrides what the county allows; anything else is refused in Chinese."""
    t1 = policy_save_draft(actor=world.users.township_secretary, org=world.t1, module="targets", title="青山镇细则",
                           period_start=START, params={"supervision_notice_days": 5})
    policy_adopt(actor=world.users.township_secretary, version=t1)
    in_t1 = policy_resolve("targets", world.village_a.path, date(2024, 3, 1))
    assert in_t1.params.supervision_notice_days == 5
    assert in_t1.params.deposit_amount == 800  # inherited from the county
    assert in_t1.versions == (county_targets.pk, t1.pk) and in_t1.version_id == t1.pk
    in_t2 = policy_resolve("targets", world.village_b.path, date(2024, 3, 1))
    assert in_t2.params.supervision_notice_days == 7 and in_t2.version_id == county_targets.pk

    count = PolicyVersion.objects.count()
    with pytest.raises(PolicyError) as err:
        policy_save_draft(actor=world.users.township_secretary, org=world.t1, module="targets", title="越权",
                          period_start=START, params={"sample_villages": 10})
    assert err.value.errors == {"集中抽查村数（示例）（sample_villages）": "上级《县任期目标细则》不允许下级调整此参数"}
    assert err.value.fields == {"sample_villages": "上级《县任期目标细则》不允许下级调整此参数"}
    assert PolicyVersion.objects.count() == count


def test_pol_01_invalid_value_refused_per_field_in_chinese(world):
    """POL-01: a value outside its range names the field, in Chinese; nothing is saved."""
    with pytest.raises(PolicyError) as err:
        policy_save_draft(actor=None, org=world.county, module="targets", title="x", period_start=START,
                          params={"supervision_notice_days": 0, "sample_days": "两天"})
    assert err.value.fields == {"supervision_notice_days": "应不小于 1", "sample_days": "应为整数"}
    assert not PolicyVersion.objects.exists()


def test_pol_03_new_version_never_rewrites_history(world, county_targets):
    """POL-03: adopting v2 for 2025 leaves v1 untouched; a 2024 date still resolves to v1 and says so."""
    v1_params = dict(county_targets.params)
    v2 = policy_revise(actor=world.users.county_org, version=county_targets, values={"supervision_notice_days": "3"},
                       period_start=date(2025, 1, 1))
    assert v2.pk != county_targets.pk and v2.status == PolicyVersion.Status.DRAFT and v2.version == 2
    assert v2.params["supervision_notice_days"] == 3  # coerced by the schema, stored typed
    assert v2.parent_id == county_targets.pk
    policy_adopt(actor=world.users.county_org, version=v2)
    county_targets.refresh_from_db()
    assert county_targets.params == v1_params and county_targets.status == PolicyVersion.Status.ADOPTED

    old = policy_resolve("targets", world.village_a.path, date(2024, 12, 31))
    new = policy_resolve("targets", world.village_a.path, date(2025, 1, 2))
    assert (old.params.supervision_notice_days, old.version_id) == (7, county_targets.pk)
    assert (new.params.supervision_notice_days, new.version_id) == (3, v2.pk)
    assert old.ref.endswith("v1") and new.ref.endswith("v2")
    # a result records the version it used
    finding = Finding(rule_id="TGT-05", key="k", title="t", measure="", facts={}, subject_person_id=None,
                      org_path=world.village_a.path, due=None, policy_version_id=old.version_id,
                      policy_ref=old.ref, provisional=False, acting_role="")
    assert finding.policy_version_id == county_targets.pk and "v1" in finding.policy_ref


def test_pol_02_adoption_blocked_while_open_params_unfilled(world):
    """POL-02: a preset with numbers the seed leaves open cannot be adopted until they are filled."""
    versions = presets_load(actor=None, county=world.county, townships=[world.t1], year=2024, adopt=True)
    stn = next(v for v in versions if v.module == "stationing" and v.org_id == world.county.pk)
    assert stn.status == PolicyVersion.Status.DRAFT
    with pytest.raises(PolicyError) as err:
        policy_adopt(actor=None, version=stn)
    assert set(err.value.errors) == {"差旅费伙食补助费标准（元/天）（meal_allowance_per_day）", "通讯补贴（元/月）（communication_subsidy_monthly）"}
    filled = policy_revise(actor=world.users.county_org, version=stn,
                           values={"meal_allowance_per_day": "100", "communication_subsidy_monthly": "50"})
    assert policy_adopt(actor=None, version=filled).status == PolicyVersion.Status.ADOPTED
    assert AuditEntry.objects.filter(action="policy.adopt", object_id=str(filled.pk)).exists()


# --- pages ----------------------------------------------------------------------------------------


def test_pol_01_list_scoped_to_own_subtree_and_inherited_levels(login, policies, world):
    """POL-01: a township secretary sees his township's versions and the county's, not the other township's."""
    r = login("township_secretary").get(reverse("core:policies"))
    assert r.status_code == 200
    shown = set(r.context["versions"])
    assert any(v.org_id == world.t1.pk for v in shown)
    assert any(v.org_id == world.county.pk for v in shown)
    assert not any(v.org_id == world.t2.pk for v in shown)
    r = login("township_secretary").get(reverse("core:policies") + "?module=targets")
    assert {v.module for v in r.context["versions"]} == {"targets"}
    assert [v.in_force for v in r.context["versions"]] == [True]


def test_pol_02_show_page_marks_open_params_and_sources(login, world):
    """POL-02: the version page shows every parameter with its source, open ones as 原文未规定."""
    versions = presets_load(actor=None, county=world.county, townships=[world.t1], year=2024, adopt=True)
    stn = next(v for v in versions if v.module == "stationing" and v.org_id == world.county.pk)
    r = login("county_org").get(reverse("core:policy", args=[stn.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    assert "原文未规定" in html and "建议值 100（非原文规定）" in html
    assert "《某县驻村第一书记和工作队管理办法》 第5条：接任人选必须在收到书面批复后2日内到被派乡村报到履职" in html
    assert "S4" not in html
    assert 'id="param-meal_allowance_per_day"' in html
    # adopt button refused with the open parameters named
    r = login("county_org").post(reverse("core:policy_adopt", args=[stn.pk]))
    assert r.status_code == 400
    assert "原文未规定，施行前必须填写" in r.content.decode()
    stn.refresh_from_db()
    assert stn.status == PolicyVersion.Status.DRAFT
    # township version shows inherited values
    t1 = PolicyVersion.objects.get(org=world.t1, module="stationing")
    r = login("county_org").get(reverse("core:policy", args=[t1.pk]))
    assert "本级设定" in r.content.decode() or "本级调整" in r.content.decode()


def test_pol_03_edit_page_saves_new_draft_and_errors_per_field(login, policies, world):
    """POL-03: editing an adopted version saves a new draft; a bad value is refused by field, nothing saved."""
    v1 = PolicyVersion.objects.get(org=world.county, module="targets")
    c = login("county_org")
    data = form_fields(c.get(reverse("core:policy_edit", args=[v1.pk])).content.decode())
    data.update({"title": v1.title, "period_start": "2025-01-01", "period_end": ""})
    bad = dict(data, p_supervision_notice_days="一周", p_deposit_amount="五百")
    count = PolicyVersion.objects.count()
    r = c.post(reverse("core:policy_edit", args=[v1.pk]), bad)
    assert r.status_code == 400
    rows = {row.name: row for row in r.context["rows"]}
    assert rows["deposit_amount"].error
    assert rows["supervision_notice_days"].error == "应为整数"  # every bad field reported at once
    assert PolicyVersion.objects.count() == count
    r = c.post(reverse("core:policy_edit", args=[v1.pk]), dict(data, p_framework_categories="党建",
                                                             p_supervision_notice_days="一周"))
    assert r.status_code == 400
    assert {row.name: row for row in r.context["rows"]}["supervision_notice_days"].error == "应为整数"
    r = c.post(reverse("core:policy_edit", args=[v1.pk]), dict(data, p_supervision_notice_days="5"))
    assert r.status_code == 302
    v2 = PolicyVersion.objects.get(org=world.county, module="targets", version=2)
    assert v2.status == PolicyVersion.Status.DRAFT and v2.params["supervision_notice_days"] == 5
    assert v2.period_start == date(2025, 1, 1)
    v1.refresh_from_db()
    assert v1.status == PolicyVersion.Status.ADOPTED and v1.params["supervision_notice_days"] == 7
    r = c.post(reverse("core:policy_adopt", args=[v2.pk]))
    assert r.status_code == 302
    assert policy_resolve("targets", world.village_a.path, date(2025, 3, 1)).params.supervision_notice_days == 5
    assert policy_resolve("targets", world.village_a.path, date(2024, 3, 1)).params.supervision_notice_days == 7


def test_pol_01_township_edit_page_refuses_locked_key(login, world, county_targets):
    """POL-01: a township edit that ticks a key the county locked is refused with the Chinese reason."""
    t1 = policy_save_draft(actor=None, org=world.t1, module="targets", title="青山镇细则", period_start=START,
                           params={})
    c = login("township_secretary")
    page = c.get(reverse("core:policy_edit", args=[t1.pk]))
    assert "上级锁定" in page.content.decode()
    data = {"title": "青山镇细则", "period_start": "2024-01-01", "o_sample_villages": "1", "p_sample_villages": "10"}
    r = c.post(reverse("core:policy_edit", args=[t1.pk]), data)
    assert r.status_code == 400
    rows = {row.name: row for row in r.context["rows"]}
    assert rows["sample_villages"].error == "上级《县任期目标细则》不允许下级调整此参数"
    ok = {"title": "青山镇细则", "period_start": "2024-01-01", "o_supervision_notice_days": "1",
          "p_supervision_notice_days": "4", "p_sample_villages": "10"}
    r = c.post(reverse("core:policy_edit", args=[t1.pk]), ok)
    assert r.status_code == 302
    new = PolicyVersion.objects.filter(org=world.t1, module="targets").order_by("-version").first()
    assert new.params == {"supervision_notice_days": 4}


def test_sec_02_policy_pages_refuse_outsider_like_missing(login, policies, world):
    """SEC-02: the outsider gets the same 'not found' for a version as for a missing ID; no edit, no adopt."""
    v = PolicyVersion.objects.get(org=world.t1, module="stationing")
    c = login("outsider")
    assert c.get(reverse("core:policies")).status_code == 404
    seen, missing = c.get(reverse("core:policy", args=[v.pk])), c.get(reverse("core:policy", args=[999999]))
    assert seen.status_code == missing.status_code == 404 and seen.content == missing.content
    assert c.get(reverse("core:policy_edit", args=[v.pk])).status_code == 404
    assert c.post(reverse("core:policy_adopt", args=[v.pk])).status_code == 404
    # the other township's secretary-level user cannot see t1's version either; a viewer cannot edit
    t2_version = PolicyVersion.objects.get(org=world.t2, module="stationing")
    assert login("township_secretary").get(reverse("core:policy", args=[t2_version.pk])).status_code == 404
    assert login("township_head").get(reverse("core:policy", args=[v.pk])).status_code == 200
    assert login("township_head").get(reverse("core:policy_edit", args=[v.pk])).status_code == 404
    assert login("township_head").post(reverse("core:policy_adopt", args=[v.pk])).status_code == 404


def test_pol_03_edit_form_round_trips_every_module(login, policies, world):
    """POL-03: saving the edit form unchanged gives a new draft with the same effective parameters, for every
    module's county and township versions (the form loses nothing)."""
    from ganbu.core.policy import policy_full_params, validate_params

    c = login("admin")
    for v in PolicyVersion.objects.filter(status=PolicyVersion.Status.ADOPTED).select_related("org"):
        page = c.get(reverse("core:policy_edit", args=[v.pk]))
        data = form_fields(page.content.decode())  # exactly what the browser submits, tables and lists too
        r = c.post(reverse("core:policy_edit", args=[v.pk]), data)
        assert r.status_code == 302, (v.module, v.org.name, r.context and {x.name: x.error for x in r.context["rows"]
                                                                           if x.error})
        new = PolicyVersion.objects.filter(org=v.org, module=v.module).order_by("-version").first()
        assert new.parent_id == v.pk and new.status == PolicyVersion.Status.DRAFT
        def effective(version):
            return validate_params(version.module, policy_full_params(version)).model_dump(mode="json")

        assert effective(new) == effective(v), (v.module, v.org.name)
