"""Every id on a page is unique and every select has its own label (issue 15: two selects named the same
"recipient" on the consent page and the phase select sharing its section's id left screen readers guessing).

The demo family's pages, as its parent and as its consultant (the mirrored screens with their edit controls),
found by following links as in test_plain_danish.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import select

from familyapp import db, tenancy
from familyapp.families.models import Assignment, Membership
from tests.test_plain_danish import crawl, demo  # noqa: F401 - the fixture

ID = re.compile(r'\sid="([^"]+)"')
SELECT = re.compile(r"<select\b[^>]*>")
LABEL_FOR = re.compile(r'<label\b[^>]*\bfor="([^"]+)"')


def _family_of(user):
    with tenancy.entered(tenancy.of(user)):
        family = db.session.scalar(select(Membership.family_id).where(Membership.user_id == user.id))
        if family is None:
            family = db.session.scalar(select(Assignment.family_id).where(Assignment.consultant_id == user.id))
    return family


@pytest.mark.parametrize("name", ["Sara Nielsen", "Mette Sørensen"])
def test_ids_are_unique_and_every_select_is_labelled(app, demo, login, client, name):  # noqa: F811
    login(demo[name])
    home = f"/families/{_family_of(demo[name])}/"
    pages = crawl(client, home, (home, "/caseload", "/reminders"), limit=80)
    assert len(pages) > 10
    problems = []
    for address, html in pages.items():
        doubled = [i for i, n in Counter(ID.findall(html)).items() if n > 1]
        if doubled:
            problems.append((address, "doubled ids", doubled))
        labelled = set(LABEL_FOR.findall(html))
        for tag in SELECT.findall(html):
            found = re.search(r'\sid="([^"]+)"', tag)
            if not (found and found.group(1) in labelled) and "aria-label" not in tag:
                problems.append((address, "select without a label", tag))
    assert problems == []
