"""The generated access matrix (issue 16, SEC-02): every URL pattern and API operation × every persona.

Routes are read from Django's resolver (nothing listed by hand can be forgotten: a new route
without a row in ROLE_TABLE fails ``test_every_route_has_a_row``). Each persona — every role,
cadres of two villages and two townships, the three administrators, an outsider and anonymous —
opens each route:

* with a missing id wherever the route takes one: everyone gets the same 404 as the outsider
  (anonymous: the login page / 401), never a 500;
* without ids or scope parameters: the answer is compared with ROLE_TABLE (the permission that
  opens the route); a refusal is the same 404 as a missing object;
* the default-scope leak check: on every page opened without naming an org, a persona never sees
  the name of a cadre outside his scope.

The figures are printed for RELIABILITY.md (``-s``). Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ganbu.core.access import has_perm

pytestmark = pytest.mark.django_db
MISSING = "999999"
PUBLIC = {"login", "account:otp_qr", "stationing:board", "notices:board", "notices:detail", "notices:poster", "notices:circular", "api:openapi-json",
          "api:openapi-view", "api:api-root", "api:token_create"}
SKIP = {"", "logout"}  # media files (DEBUG only); sign-out is a POST that ends the session

# Route name → what opens it for a GET without parameters: a permission held anywhere, "any" (every
# signed-in user: his own records), "self" (a cadre's self-service: needs a person record), or
# "post" (the route takes POST only: a GET is 405 for signed-in users). Two predicates for stationing:
# "stationed" (the user's own person holds a first-secretary or team-member post today: the diary) and
# "unit" (the proposing side: stationing.manage held anywhere, or stationing.view granted on a dispatch
# unit or department — a unit proposes its own people).
ROLE_TABLE: dict[str, str] = {
    "home": "any", "inbox": "any",
    "core:calendar": "calendar.manage", "core:calendar_day": "post", "core:calendar_year": "post",
    "core:policies": "policy.view", "core:audit": "audit.view", "core:audit_export": "audit.export",
    "org:tree": "org.view", "org:people": "person.view", "org:person_new": "person.manage",
    "org:roster": "roster.import|roster.export", "org:roster_template": "roster.import|roster.export",
    "org:roster_export": "roster.export", "org:roster_import": "roster.import",
    "org:people_search": "any", "org:people_export": "roster.export",
    "org:accounts": "accounts.view|accounts.manage", "org:accounts_create": "post",
    "org:slips_pdf": "accounts.manage", "org:user_search": "roles.manage|accounts.manage",
    "org:grants": "roles.manage|accounts.view", "org:grant_new": "post", "org:security": "security.manage",
    "account:password": "any", "account:otp": "any", "account:sessions": "any",
    "attendance:signin": "any", "attendance:proxy": "attendance.sign_for", "attendance:qr": "attendance.sign_for",
    "attendance:sheet": "attendance.view", "attendance:stamp": "post", "attendance:evidence": "post",
    "attendance:monthly": "attendance.view", "attendance:monthly_xlsx": "attendance.view",
    "attendance:monthly_pdf": "attendance.view", "attendance:monthly_publish": "post",
    "attendance:duty": "duty.manage", "attendance:meetings": "attendance.view|self",
    "attendance:stationed": "attendance.view", "attendance:stationed_pdf": "attendance.view",
    "attendance:spot_check": "post",
    "leave:mine": "any", "leave:preview": "self", "leave:inbox": "any", "leave:standin": "any",
    "points:ranking": "points.view|self", "points:record": "points.record", "points:pending": "points.approve",
    "points:catalogue": "points.catalogue", "points:cycles": "points.view", "points:preview": "policy.view",
    "assessment:home": "assessment.view|assessment.score",
    "stationing:eligibility": "stationing.manage", "stationing:tasks": "any", "stationing:awards": "any", "stationing:symposiums": "stationing.view",
    "cases:list": "any", "cases:appeal": "post", "cases:appeals": "any",
    "notices:manage": "notices.publish|notices.answer",
    "diary:mine": "any", "diary:new": "any", "diary:household_pick": "any", "diary:household_new": "post",
    "diary:matters": "diary.view", "diary:export": "diary.view", "diary:visit": "post", "diary:meeting": "post",
    "diary:contact": "post", "diary:stations": "diary.view", "diary:person_pick": "nobody",  # needs ?township=
    "reserves:county": "reserves.view", "reserves:care": "care.manage",
    "attendance:correction_request": "post", "attendance:corrections": "attendance.correct",
    "targets:home": "targets.view", "targets:propose": "targets.manage", "targets:ledger": "targets.view",
    "targets:ledger_build": "post", "targets:ledger_xlsx": "targets.view", "targets:rounds": "targets.view",
    "targets:decisions": "targets.view", "targets:funds": "targets.manage",
    "stationing:cadres": "stationing.view", "stationing:villages": "stationing.view",
    "stationing:selections": "stationing.view", "stationing:propose": "unit", "stationing:replace": "unit",
    "stationing:diary": "stationed", "stationing:diary_flags": "stationing.view",
    "stationing:negative": "stationing.view", "stationing:allowances": "stationing.view",
    "subsidies:home": "subsidies.view|subsidies.propose",
    "api:candidates": "unit", "api:propose": "post", "api:diary": "post", "api:cadres": "stationing.view",
    # API operations without ids
    "api:people_list": "person.view", "api:token_revoke_mine": "post", "api:signin": "post",
    "api:monthly": "attendance.view", "api:mine": "any", "api:submit": "post", "api:ranking": "points.view|self",
    "api:record": "post", "api:case_list": "any", "api:calendar_day": "post",
    "api:commitment_list": "any", "api:ledger": "any", "api:my_inspections": "any",
    "api:households": "any", "api:matter_list": "any", "api:matter_record": "any",  # one path: GET lists mine
}
# Known differences from the table, each with its reason (reported in RELIABILITY.md).
KNOWN = {
    ("points:catalogue", "admin"): "县级用户须指定乡镇（?org=），不带参数时为“未找到”",
    ("points:catalogue", "county_org"): "县级用户须指定乡镇（?org=），不带参数时为“未找到”",
}
# Routes whose only parameters are not ids (a month, a year): filled with real values.
FILL = {"month": "2024-03", "year": "2024"}


def _walk(resolver, prefix="", ns=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern), ns + (f"{p.namespace}:" if p.namespace else ""))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), ns + (p.name or "")


def routes() -> list[tuple[str, str, bool]]:
    """(name, concrete url, takes an id) for every route outside the back office."""
    out = []
    for pattern, name in _walk(get_resolver()):
        if pattern.startswith(("backoffice/", "^media")) or name in SKIP or name.startswith("admin:"):
            continue
        if "GANBU_BENCH" in pattern:
            continue
        keys = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: FILL.get(m.group(1), MISSING), pattern)
        has_id = any(k not in FILL for k in keys)
        out.append((name, url, has_id))
    return out


PERSONAS = ["admin", "county_org", "county_rural", "county_deputy", "township_secretary", "township_head", "office",
            "township_cadre", "township_cadre_b", "village_secretary_a", "cadre_a", "first_secretary", "team_1",
            "outsider", "dispatch_leader", "system_admin", "security_admin", "audit_admin", "anonymous"]


@pytest.fixture
def personas(world, admins, policies):
    """The world's personas, the three administrators and a cadre of the second township (绿水镇)."""
    from ganbu.org.models import PostTitle, User
    from ganbu.org.services import post_start
    from tests.conftest import _person

    cadre_b = _person(world.t2, "孔绿水", category="civil_servant")
    post_start(actor=None, person=cadre_b, org=world.t2, title=PostTitle.TOWNSHIP_CADRE, start=date(2024, 1, 1),
               safety_duty="安全")
    world.users.township_cadre_b = User.objects.create_user(username="t2_cadre", password=world.password,
                                                            display_name="孔绿水", person=cadre_b)
    return world


def _stationed_today(user) -> bool:
    """Whether the user's own person holds a stationed post (first secretary, team member) today."""
    from django.db.models import Q
    from django.utils import timezone

    from ganbu.org.models import STATIONED_TITLES, Post

    today = timezone.localdate()
    return bool(getattr(user, "person_id", None)) and Post.objects.filter(
        Q(end__isnull=True) | Q(end__gte=today), person_id=user.person_id, title__in=list(STATIONED_TITLES),
        start__lte=today).exists()


def _proposes(user) -> bool:
    """The proposing side of stationing: the county's stationing.manage, or a dispatch unit's grant."""
    from django.utils import timezone

    from ganbu.org.models import OrgKind, RoleGrant
    from ganbu.org.roles import ROLE_PERMS

    if has_perm(user, "stationing.manage"):
        return True
    today = timezone.localdate()
    grants = RoleGrant.objects.filter(user_id=user.pk, org__kind__in=[OrgKind.DISPATCH_UNIT, OrgKind.DEPARTMENT])
    return any("stationing.view" in ROLE_PERMS.get(g.role, ()) and (g.start is None or g.start <= today)
               and (g.end is None or g.end >= today) for g in grants)


def _expected(user, rule: str) -> str:
    """"ok" or "refused" for a route's rule and a persona."""
    if rule == "post":
        return "post"
    if rule == "nobody":  # the route needs a parameter naming its object: without it, "not found" for all
        return "refused"
    for part in rule.split("|"):
        if part == "any":
            return "ok"
        if part == "self" and getattr(user, "person_id", None):
            return "ok"
        if part == "stationed":
            if _stationed_today(user):
                return "ok"
            continue
        if part == "unit":
            if _proposes(user):
                return "ok"
            continue
        if part not in ("any", "self") and has_perm(user, part):
            return "ok"
    return "refused"


def _client(world, name: str) -> tuple[Client, object | None]:
    client = Client()
    if name == "anonymous":
        return client, None
    user = getattr(world.users, name)
    client.force_login(user)
    return client, user


def test_every_route_has_a_row():
    """A new route must say who may open it: no route escapes the matrix."""
    missing = [name for name, _, has_id in routes() if not has_id and name not in ROLE_TABLE and name not in PUBLIC]
    assert missing == []


def _outside_names(world, user) -> set[str]:
    """Cadres this persona must never see named on a page opened without an org: people of the other
    township (and, for a village persona, his township's office cadres)."""
    if user is None:
        return set()
    if any(has_perm(user, p, world.county.path) for p in ("person.view", "accounts.view", "roles.view_users",
                                                          "audit.view")):
        return set()  # county-wide by design (the three administrators see accounts and the audit log)
    mine = user.person.org_path if getattr(user, "person_id", None) else ""
    names = {"孔绿水": world.t2.path, "钱干部": world.t1.path, "陈外村": world.village_b.path,
             "周文书": world.village_a.path}
    out = set()
    for name, path in names.items():
        visible = has_perm(user, "person.view", path) or has_perm(user, "attendance.view", path)
        if not visible and not (mine and mine == path and name == user.display_name):
            if name != getattr(user, "display_name", ""):
                out.add(name)
    return out


def test_access_matrix_every_route_every_persona(personas, capsys):
    """Every route × every persona: missing ids answer 404 like the outsider, never 500; param-less
    routes answer as the role table says; no page opened without an org names a cadre outside scope."""
    world = personas
    table = routes()
    mismatches, leaks, errors = [], [], []
    counts: Counter[str] = Counter()
    for name in PERSONAS:
        client, user = _client(world, name)
        outside = _outside_names(world, user)
        for route, url, has_id in table:
            counts["requests"] += 1
            api = url.startswith("/api/")
            resp = client.get(url)
            code = resp.status_code
            if code >= 500:
                errors.append((name, url, code))
                continue
            if user is None:
                if route in PUBLIC:
                    continue
                ok = code == 401 if api else (code == 302 and "/login/" in resp.get("Location", ""))
                ok = ok or (code == 405)  # POST-only routes refuse the method before anything else
                if not ok:
                    mismatches.append((name, url, code, "anonymous must sign in"))
                continue
            if has_id:
                counts["missing-id"] += 1
                if route in PUBLIC:
                    continue
                if code not in (404, 405) and not (api and code in (400, 422)):
                    mismatches.append((name, url, code, "missing id must be 404"))
                continue
            if route in PUBLIC:
                continue
            if ROLE_TABLE.get(route) == "unchecked":
                counts["unchecked"] += 1
                got_ok = code not in (403, 404, 405)
                if got_ok and outside and resp.get("Content-Type", "").startswith(("text/html", "application/json")):
                    body = resp.content.decode(errors="ignore")
                    seen = sorted(n for n in outside if n in body)
                    if seen:
                        leaks.append((name, url, seen))
                continue
            want = _expected(user, ROLE_TABLE.get(route, "post"))
            if api and code in (400, 422):  # an API call missing its required query parameters: no data either way
                counts["bad-input"] += 1
                continue
            if (route, name) in KNOWN:
                counts["known"] += 1
                continue
            got = "post" if code == 405 else ("refused" if code in (403, 404) else "ok")
            counts[f"{want}"] += 1
            if want != got:
                mismatches.append((name, url, code, f"role table says {want}"))
            if got == "ok" and outside and resp.get("Content-Type", "").startswith(("text/html", "application/json")):
                body = resp.content.decode(errors="ignore")
                seen = sorted(n for n in outside if n in body)
                if seen:
                    leaks.append((name, url, seen))
    with capsys.disabled():
        print(f"\n[matrix] personas={len(PERSONAS)} routes={len(table)} requests={counts['requests']} "
              f"missing-id={counts['missing-id']} allowed={counts['ok']} refused={counts['refused']} "
              f"post-only={counts['post']} unchecked={counts['unchecked']} bad-input={counts['bad-input']} known={counts['known']} mismatches={len(mismatches)} leaks={len(leaks)} errors={len(errors)}")
    import json
    import os

    if os.environ.get("GANBU_MATRIX_OUT"):
        with open(os.environ["GANBU_MATRIX_OUT"], "w") as fh:
            json.dump({"counts": counts, "mismatches": mismatches, "leaks": leaks, "errors": errors}, fh,
                      ensure_ascii=False, indent=0)
    assert errors == []
    assert mismatches == []
    assert leaks == []
