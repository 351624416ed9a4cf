"""Plain Danish on every family page (issue 15, DESIGN.md §8): the demo family's screens as its parent and its
young person meet them, every page-state reachable by following the links, each with LIX at most 30.

The pages are found by following links from the home screen (within the family's screens, and the person's own
pages), so a new screen or a new state of one is measured without being listed here.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

import pytest
from sqlalchemy import select

from familyapp import db, tenancy
from familyapp.auth.models import User
from familyapp.demo import load_demo
from familyapp.demo.common import FIRST
from familyapp.families.models import Membership
from tests.lix import lix, main_text

LIMIT = 30
LINK = re.compile(r'href="(/[^"]*)"')
#: Not pages to read: files, the printable plan (the plan page is measured), the sign-out and the language menu
#: (each language's own name).
NOT_PAGES = re.compile(r"\.(ics|json|js|css|png|svg|webmanifest)$|/print$|^/static/|^/language|^/auth/logout")


def crawl(client, start: str, prefixes: tuple[str, ...], limit: int = 150) -> dict[str, str]:
    """Every page reachable from ``start`` by links under ``prefixes``: {address: html}."""
    pages, queue = {}, [start]
    while queue and len(pages) < limit:
        address = urldefrag(queue.pop(0))[0].replace("&amp;", "&")
        if address in pages or NOT_PAGES.search(urlsplit(address).path):
            continue
        response = client.get(address)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        pages[address] = html
        for link in LINK.findall(html):
            if link.startswith(prefixes) and urldefrag(link)[0] not in pages:
                queue.append(link)
    return pages


@pytest.fixture()
def demo(app, db_session):
    with app.app_context():
        load_demo()
    # The demo's first municipality (Aarhus): on PostgreSQL its users are seen only from inside it.
    with tenancy.entered(tenancy.by_code(FIRST[0]).id):
        return {u.name: u for u in db.session.scalars(select(User))}


def _endpoint(app, address: str) -> str:
    return app.url_map.bind("localhost").match(urlsplit(address).path)[0]


def _measure(client, user) -> list[tuple[float, int, str]]:
    with tenancy.entered(tenancy.of(user)):
        family_id = db.session.scalar(select(Membership.family_id).where(Membership.user_id == user.id))
    home = f"/families/{family_id}/"
    pages = crawl(client, home, (home, "/reminders", "/auth/passkeys"))
    assert len(pages) > 10
    return sorted(((*lix(main_text(html)), address) for address, html in pages.items()), reverse=True)


@pytest.mark.parametrize("name", ["Sara Nielsen", "Jonas Hansen"])
def test_every_family_page_is_plain_danish(app, demo, login, client, name):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "da"
    login(demo[name])
    measured = _measure(client, demo[name])
    too_hard = [
        (round(value, 1), words, _endpoint(app, address), address)
        for value, words, address in measured
        if value > LIMIT
    ]
    assert too_hard == [], f"LIX above {LIMIT}: {too_hard}"


def test_the_methods_fixed_terms_are_explained_where_they_appear(app, demo, login, client):
    """A tap on "Hvad er et referat?" (and samtykke, årshjul) says it in plain words, without a script."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "da"
    login(demo["Sara Nielsen"])
    with tenancy.entered(tenancy.of(demo["Sara Nielsen"])):
        family_id = db.session.scalar(select(Membership.family_id).where(Membership.user_id == demo["Sara Nielsen"].id))
    home = f"/families/{family_id}/"
    pages = crawl(client, home, (home,))
    meeting = next(html for address, html in pages.items() if re.search(r"/meetings/[0-9a-f-]{36}$", address))
    for html, term in ((meeting, "Hvad er et referat?"), (pages[home + "consent"], "Hvad er et samtykke?")):
        found = re.search(r'<details class="term"><summary>([^<]+)</summary><p>([^<]+)</p></details>', html)
        assert found and found.group(1) == term and lix(found.group(2))[0] <= LIMIT
    assert "Hvad er et årshjul?" in pages[home + "yearwheel"]
