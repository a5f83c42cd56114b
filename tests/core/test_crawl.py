"""The crawl: every persona follows every link and GET form from the home page (issue 10, bug 6 and 12).

With Django's test client (not a browser), bounded per persona. It fails on a Django technical page
(404 or 500), on any link a role is shown but cannot use (403/404), and on a page that shows a seed
code (S0–S4), a rule ID outside an office note (an element with class "basis"), or English outside
a short allow-list of proper names and units.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from datetime import date
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.test import Client, override_settings

from tests.htmlform import Page as _Page

MAX_PAGES = 400
MAX_PER_PATH = 3  # distinct URLs per path pattern (ids and months as N: one stands for all)
SKIP_PREFIXES = ("/static/", "/media/", "/backoffice/", "/api/", "/logout/")
BINARY_SUFFIXES = (".pdf",)  # fetched once per path: a PDF takes ~0.1 s

TIMES: Counter[str] = Counter()  # seconds per path pattern, printed with GANBU_CRAWL_PROFILE=1
SEED_CODE = re.compile(r"(?<![A-Za-z0-9])S[0-4](?![A-Za-z0-9])")
RULE_ID = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2,4}-\d{2}(?!\d)")
TOKEN = re.compile(r"[A-Za-z0-9_]+")  # a word mixed with digits (a hash, a code) is not English prose
# Proper names and units a Chinese office reads every day.
ALLOWED_WORDS = {
    "ganbu", "PDF", "Excel", "Word", "xlsx", "xls", "WPS", "csv", "km", "QR", "App", "GPS", "ID", "IP", "CJK",
    "noto", "fonts", "cjk",  # the font package a missing-font message names
}
TECHNICAL_404 = ("Using the URLconf defined in", "Page not found at")
TECHNICAL_500 = ("Traceback", "Exception Value", "Server Error (500)")


def _local(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.netloc not in {"", "testserver"}:
        return None
    path = parts.path or "/"
    if path.startswith(SKIP_PREFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def page_problems(url: str, html: str) -> tuple[list[str], _Page]:
    """What a user must never see on one HTML page."""
    page = _Page()
    page.feed(html)
    text = " ".join(page.text)
    problems = []
    for m in sorted(set(SEED_CODE.findall(text))):
        problems.append(f"{url}: seed code {m!r}")
    for m in sorted(set(RULE_ID.findall(text))):
        problems.append(f"{url}: rule ID {m!r} outside an office note")
    words = {t for t in TOKEN.findall(text) if t.isalpha() and len(t) > 1}
    english = sorted(w for w in words - ALLOWED_WORDS if not RULE_ID.search(text) or w not in {
        m.split("-")[0] for m in RULE_ID.findall(text)})
    if english:
        problems.append(f"{url}: English {english[:12]}")
    return problems, page


def crawl(client: Client, starts: list[str]) -> tuple[list[str], int]:
    """Breadth-first from ``starts``; returns (problems, pages fetched)."""
    seen: set[str] = set()
    per_path: Counter[str] = Counter()
    queue: list[tuple[str, str]] = [(s, "(start)") for s in starts]
    problems: list[str] = []
    fetched = 0
    while queue and fetched < MAX_PAGES:
        url, referer = queue.pop(0)
        path = re.sub(r"/[^/]*\d[^/.]*(?=/|\.|$)", "/N", url.split("?")[0])  # ids and months alike
        if url in seen:
            continue
        seen.add(url)
        limit = 1 if path.endswith(BINARY_SUFFIXES) else MAX_PER_PATH
        if per_path[path] >= limit:
            continue
        per_path[path] += 1
        fetched += 1
        started = time.perf_counter()
        resp = client.get(url, follow=True)
        TIMES[path] += time.perf_counter() - started
        body = resp.content.decode("utf-8", "replace") if resp.get("Content-Type", "").startswith("text/") else ""
        where = f"{url} (linked from {referer})"
        if resp.status_code >= 500:
            problems.append(f"{where}: {resp.status_code}"
                            + (" technical page" if any(m in body for m in TECHNICAL_500) else ""))
            continue
        if resp.status_code == 404 and any(m in body for m in TECHNICAL_404):
            problems.append(f"{where}: Django technical 404")
            continue
        if resp.status_code in (403, 404) and referer != "(start)":
            problems.append(f"{where}: link shown but answers {resp.status_code}")
            continue
        if "text/html" not in resp.get("Content-Type", ""):
            continue
        final = resp.request["PATH_INFO"]
        found, page = page_problems(where, body)
        problems.extend(found)
        for href in page.links:
            nxt = _local(final, href)
            if nxt and nxt not in seen:
                queue.append((nxt, url))
        for form in page.forms:
            if form["method"] != "get":
                continue
            action = _local(final, form["action"] or url)
            if action is None:
                continue
            base, _, query = action.partition("?")
            params = dict(parse_qsl(query))
            params.update(dict(form["fields"]))
            nxt = f"{base}?{urlencode(params)}" if params else base
            if nxt not in seen:
                queue.append((nxt, url))
    return problems, fetched


PERSONAS = ["admin", "county_org", "county_rural", "county_deputy", "township_secretary", "township_head",
            "office", "township_cadre", "village_secretary_a", "cadre_a", "first_secretary", "team_1", "outsider",
            "dispatch_leader"]


@pytest.fixture
def published(world, policies):
    """A published monthly attendance notice, so the public pages have something to show."""
    from ganbu.attendance.services import monthly_publish

    return monthly_publish(actor=world.users.office, org=world.t1, month=date(2024, 3, 1))


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
@override_settings(DEBUG=True)
def test_crawl_every_link_and_get_form(persona, world, policies, published):
    client = Client(raise_request_exception=False)
    if persona != "anonymous":
        client.force_login(getattr(world.users, persona))
        starts = ["/"]
    else:
        starts = ["/", "/public/"]
    problems, fetched = crawl(client, starts)
    if os.environ.get("GANBU_CRAWL_PROFILE"):
        print(persona, fetched, [(k, round(v, 2)) for k, v in TIMES.most_common(15)])
    assert fetched > 1
    assert not problems, f"{persona}: {len(problems)} problems in {fetched} pages:\n" + "\n".join(problems[:80])


def test_crawl_sees_what_it_must_refuse():
    """The checks themselves: a seed code, a rule ID outside a basis note and English are caught."""
    bad = '<p>预设 S2 施行</p><p>依据 ATT-06</p><p>Submit</p><p class="basis">依据：ATT-06</p><p>PDF 3 km</p>'
    problems, _ = page_problems("/x", bad)
    text = "\n".join(problems)
    assert "'S2'" in text and "'ATT-06'" in text and "Submit" in text
    ok, _ = page_problems("/x", '<p class="basis">依据：S0 第3条 ATT-06</p><p>导出 Excel、PDF</p>')
    assert ok == []
