"""Hvem har set jeres oplysninger (familyapp/overview/looked.py): the professionals' reads and changes and the
partners' visits, never the family's own, newest first, named, and paged without splitting a moment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.gate.models import PartnerLink
from familyapp.overview import looked
from tests.dbutil import as_owner


@pytest.fixture()
def family(ctx, world):
    """Family A with no audit events yet, and a helper adding one at a given minute."""
    fam = db.session.merge(world.family_a)
    with as_owner():  # the audit trail is append-only for the app's role: the owner clears it for the test
        db.session.execute(delete(AuditEvent).where(AuditEvent.family_id == fam.id))
    start = db.utcnow() - timedelta(days=1)

    def event(minute: int, actor=None, action="family.viewed", role=None, object_id=None) -> AuditEvent:
        row = AuditEvent(
            at=start + timedelta(minutes=minute),
            actor_id=actor.id if actor else None,
            actor_role=role or (actor.role.value if actor else None),
            family_id=fam.id,
            action=action,
            object_id=object_id,
            data={},
        )
        db.session.add(row)
        db.session.flush()
        return row

    fam.event = event
    return fam


def test_professionals_are_listed_newest_first_with_their_names(family, world):
    consultant, admin = db.session.merge(world.consultant_a), db.session.merge(world.admin)
    first = family.event(1, consultant)
    second = family.event(2, admin, action="family.changed")
    page = looked.who_looked(family)
    assert page.rows == [(second, admin.name), (first, consultant.name)]
    assert page.older is None


def test_the_familys_own_reads_and_changes_are_not_listed(family, world):
    family.event(1, db.session.merge(world.parent_a))
    family.event(2, db.session.merge(world.parent_a2), action="plan.words_changed")
    assert looked.who_looked(family).rows == []


def test_a_partners_visit_is_named_by_the_link(family):
    link = db.session.scalar(select(PartnerLink).where(PartnerLink.family_id == family.id))
    visit = family.event(1, action="partner.viewed", object_id=str(link.id))
    unknown = family.event(2, action="partner.viewed", object_id="no-such-link")
    rows = {e.id: who for e, who in looked.who_looked(family).rows}
    assert "Lise Lærer" in rows[visit.id]
    assert rows[unknown.id] == ""


def test_pages_follow_each_other_without_gaps_or_repeats(family, world):
    consultant = db.session.merge(world.consultant_a)
    made = [family.event(minute, consultant) for minute in range(7)]
    seen, before = [], None
    while True:
        page = looked.who_looked(family, before=before, per_page=3)
        seen += [e.id for e, _who in page.rows]
        if page.older is None:
            break
        before = page.older
    assert seen == [e.id for e in reversed(made)]


def test_events_at_one_moment_stay_on_one_page(family, world):
    consultant = db.session.merge(world.consultant_a)
    newest = family.event(9, consultant)
    same_moment = [family.event(5, consultant) for _ in range(3)]
    page = looked.who_looked(family, per_page=2)
    assert [e.id for e, _who in page.rows] == [newest.id]  # the moment at 5 would be split: it waits
    rest = looked.who_looked(family, before=page.older, per_page=2)
    assert {e.id for e, _who in rest.rows} <= {e.id for e in same_moment} and len(rest.rows) == 2


def test_a_whole_page_at_one_moment_is_shown_rather_than_looping(family, world):
    consultant = db.session.merge(world.consultant_a)
    for _ in range(4):
        family.event(5, consultant)
    page = looked.who_looked(family, per_page=2)
    assert len(page.rows) == 2 and page.older is not None
