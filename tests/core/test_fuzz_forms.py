"""Zero 500s on bad input (issue 17): a crawler visits every page each persona can reach, and
every form it finds (POST and GET) is submitted with hostile values. Fails on any 5xx."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from ganbu.notices import services as notices
from ganbu.notices.models import NoticeKind

pytestmark = pytest.mark.django_db

HOSTILE = [
    "a\x00b",                      # NUL: PostgreSQL cannot store it
    "x" * 100_000,                 # a 100,000-character comment
    "二维码✓",                      # non-ASCII where a number, a code or a QR is expected
    "abc",                         # not a number
    "99999999999999999999999",     # past bigint
    "0000-13-45",                  # not a date
    "-1",
]
SKIP = ("/logout/", "/backoffice/", "/api/", ".pdf", "/export", ".xlsx", "/download", "/evidence/")
PERSONAS = ["county_org", "office", "village_secretary_a", "cadre_a", "first_secretary", None]
MAX_PAGES = 45


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": {}}
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea") and self._form is not None and a.get("name"):
            if a.get("type") in ("file", "submit"):
                return
            self._form["fields"].setdefault(a["name"], a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _crawl(client, start: str) -> tuple[list[str], list[tuple[str, dict]]]:
    seen, queue, forms = set(), [start], {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or any(s in url for s in SKIP):
            continue
        seen.add(url)
        resp = client.get(url)
        if resp.status_code != 200 or "text/html" not in resp.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(resp.content.decode())
        for href in parser.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc in ("", "testserver") and parts.path not in seen:
                queue.append(parts.path)
        for form in parser.forms:
            action = urlsplit(urljoin(url, form["action"] or url)).path
            key = (form["method"], action, tuple(sorted(form["fields"])))
            forms.setdefault(key, (action, form))
    return sorted(seen), list(forms.values())


@pytest.fixture
def fuzz_world(world, policies):
    p = world.people.cadre_a
    notices.notice_publish_with_policy(actor=world.users.office, org=world.t1, kind=NoticeKind.POINTS_RANKING,
                                       key="fuzz:ranking", title="积分排名公示",
                                       content={"columns": ["姓名"], "rows": [[p.name]], "text": "公示"})
    return world


def test_form_fuzzer_no_5xx_on_any_page_form(fuzz_world, client):
    client.raise_request_exception = False
    failures, requests, forms_seen = [], 0, 0
    for persona in PERSONAS:
        client.logout()
        if persona:
            client.force_login(getattr(fuzz_world.users, persona))
        pages, forms = _crawl(client, "/" if persona else "/public/")
        for action, form in forms:
            forms_seen += 1
            for value in HOSTILE:
                data = {name: value for name in form["fields"] if name != "csrfmiddlewaretoken"}
                if form["method"] == "post":
                    resp = client.post(action, data)
                else:
                    resp = client.get(action, data)
                requests += 1
                if resp.status_code >= 500:
                    failures.append(f"{persona} {form['method'].upper()} {action} {value[:20]!r} → {resp.status_code}")
    print(f"form fuzzer: {forms_seen} forms, {requests} requests, {len(failures)} 5xx")
    assert forms_seen > 20
    assert failures == []
