"""POL-02: every preset validates against its schema and loads with the one command."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from ganbu.core.models import PolicyVersion
from ganbu.core.policy import MODULES, PolicyError, open_fields, policy_adopt, policy_resolve, validate_params
from ganbu.core.presets import COUNTY_LEVEL, module_presets

MINE = ["targets", "stationing", "reserves", "subsidies", "org_care"]


@pytest.mark.parametrize("module", MINE)
def test_pol_02_preset_validates_against_its_schema(module):
    """POL-02: each preset of the foundation's modules is valid for its schema, with a note per value."""
    presets = module_presets()[module]
    assert presets, module
    schema = MODULES[module].schema
    for doc, preset in presets.items():
        validated = validate_params(module, {k: v for k, v in preset.params.items()})
        assert isinstance(validated, schema)
        missing_notes = [k for k in preset.params if not preset.notes.get(k)]
        assert missing_notes == [], f"{module}/{doc} 缺出处：{missing_notes}"
        assert set(preset.params) <= set(schema.model_fields)


def test_pol_02_load_presets_command_loads_every_module_and_open_params_block(world):
    """POL-02: `load_presets --adopt` loads all; versions with open params stay drafts until filled."""
    call_command("load_presets", "--year", "2024", "--adopt")
    county = PolicyVersion.objects.filter(org=world.county)
    for module in MINE:
        docs = module_presets()[module]
        for doc in docs:
            org = world.county if doc in COUNTY_LEVEL else world.t1
            assert PolicyVersion.objects.filter(org=org, module=module, preset=doc).exists(), (module, doc)
    targets = county.get(module="targets")
    assert targets.status == PolicyVersion.Status.DRAFT
    assert "保证金金额（元/人）（deposit_amount）" in open_fields("targets", targets.params)
    with pytest.raises(PolicyError) as err:
        policy_adopt(actor=None, version=targets)
    assert err.value.errors["保证金金额（元/人）（deposit_amount）"] == "原文未规定，施行前必须填写"
    # a preset with no open numbers is adopted straight away
    assert PolicyVersion.objects.get(org=world.t1, module="reserves").status == PolicyVersion.Status.ADOPTED


def test_pol_02_fixture_adopts_all_presets_with_suggested_values(policies, world):
    """POL-02: with open numbers filled (suggested, marked not from the source) every preset is adopted."""
    for module in MINE:
        resolved = policy_resolve(module, world.village_a.path, date(2024, 6, 1))
        assert not open_fields(module, resolved.params)
    mine = [v for v in policies if v.module in MINE]
    assert mine and all(v.status == PolicyVersion.Status.ADOPTED for v in mine)
    stn = PolicyVersion.objects.get(org=world.county, module="stationing")
    assert stn.notes["meal_allowance_per_day"] == "非原文规定（演示用建议值）"


def test_pol_02_load_presets_twice_does_not_duplicate(world):
    """POL-02: running the command again leaves the loaded versions alone; --fill-suggested adopts all."""
    call_command("load_presets", "--year", "2025", "--adopt", "--fill-suggested")
    count = PolicyVersion.objects.count()
    call_command("load_presets", "--year", "2025", "--adopt", "--fill-suggested")
    assert PolicyVersion.objects.count() == count
    assert not PolicyVersion.objects.filter(module__in=MINE).exclude(status=PolicyVersion.Status.ADOPTED).exists()
