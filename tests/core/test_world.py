from ganbu.core.access import has_perm


def test_org_07_roles_reach_their_subtree_only(world):
    """ORG-07: a role granted on a node reaches its subtree and nothing beside it."""
    u = world.users
    assert has_perm(u.office, "person.view", world.village_a.path)
    assert not has_perm(u.office, "person.view", world.village_b.path)
    assert has_perm(u.county_org, "person.view", world.village_b.path)
    assert not has_perm(u.outsider, "person.view", world.village_a.path)
