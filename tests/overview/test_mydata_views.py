"""Mine oplysninger and "who has looked" as screens (familyapp/overview/mydata_views.py): the printable page and
the download for the family member only, the list of who has looked a page at a time, in plain words. What the
export holds: test_export.py."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, or_, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.overview import mydata_views
from tests.overview.helpers import meeting_words, url, who_looked_rows


class TestPrintablePage:
    def test_the_page_shows_the_content_in_readable_form(self, client, world, login):
        login(world.parent_a)
        page = client.get(url(world.family_a, "/my-data")).get_data(as_text=True)
        assert "Op til tiden" in page and "Vækkeur" in page and "Ringe til skolen" in page
        assert "Rådhuset, lokale 2" in page and "Vi ser på planen" in page
        assert "Lise Lærer" in page and "Skolen vil gerne hjælpe" in page and "Jobcentret" in page
        assert "Bente is a parent of Sara A" in page
        assert "1. March 2022" in page and "2022-03-01" not in page  # Alma's birth date, as a date
        assert '<th scope="col">' in page and '<th scope="row">' in page

    def test_the_page_shows_replies_and_questions(self, app, client, world, login):
        with app.test_request_context():
            meeting_words(world.family_a, world.parent_a, world.consultant_a, days=10)
            db.session.commit()
        login(world.parent_a)
        page = html.unescape(client.get(url(world.family_a, "/my-data")).get_data(as_text=True))
        assert "Kan vi tale om skolen?" in page and "cannot come" in page and "Follow-up meeting" in page


class TestWhoLooked:
    def _events(self, world, count: int) -> int:
        """``count`` reads by consultant A, two at each moment (so a page may end in the middle of a moment)."""
        start = db.utcnow() - timedelta(days=30)
        for i in range(count):
            db.session.add(
                AuditEvent(
                    at=start + timedelta(minutes=i // 2),
                    actor_id=world.consultant_a.id,
                    actor_role="consultant",
                    family_id=world.family_a.id,
                    action="family.viewed",
                    data={"page": "plan"},
                )
            )
        db.session.commit()
        listed = or_(AuditEvent.actor_role.in_(("consultant", "admin")), AuditEvent.action == "partner.viewed")
        stmt = select(func.count()).select_from(AuditEvent).where(AuditEvent.family_id == world.family_a.id, listed)
        return db.session.scalar(stmt)

    def test_a_hundred_at_a_time_newest_first_and_nothing_lost(self, client, world, login):
        total = self._events(world, 231)
        login(world.parent_a)
        seen, address, pages = 0, url(world.family_a, "/who-looked"), 0
        while address:
            page = client.get(address).get_data(as_text=True)
            rows = len(who_looked_rows(page))
            assert 0 < rows <= 100
            seen, pages = seen + rows, pages + 1
            older = re.search(r'href="([^"]+)" rel="next"', page)
            address = html.unescape(older.group(1)) if older else None
            if address:
                assert "before=" in address and "Show older" in page
        assert seen == total and pages == 3
        assert "Back to the newest" in page

    def test_a_broken_address_is_a_404(self, client, world, login):
        login(world.parent_a)
        assert client.get(url(world.family_a, "/who-looked?before=yesterday")).status_code == 404

    @pytest.mark.parametrize("edge", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
    def test_a_time_at_the_edge_of_the_calendar_is_a_404_not_a_500(self, client, world, login, edge):
        login(world.parent_a)
        assert client.get(url(world.family_a, "/who-looked"), query_string={"before": edge}).status_code == 404

    def test_a_consultants_visit_is_audited_and_shown(self, client, world, login):
        login(world.consultant_a)
        assert client.get(url(world.family_a, "/who-looked")).status_code == 200
        stmt = select(AuditEvent).where(
            AuditEvent.family_id == world.family_a.id,
            AuditEvent.actor_id == world.consultant_a.id,
            AuditEvent.action == "family.viewed",
        )
        assert [e.data for e in db.session.scalars(stmt)] == [{"page": "who_looked"}]
        login(world.parent_a)
        page = html.unescape(client.get(url(world.family_a, "/who-looked")).get_data(as_text=True))
        assert "looked at the list of who has looked at your information" in page

    def test_professionals_reads_and_changes_in_plain_words(self, client, world, login):
        login(world.consultant_a)
        client.get(f"/families/{world.family_a.id}/plan")
        login(world.parent_a)
        client.get(f"/families/{world.family_a.id}/plan")  # the family's own reads are not listed
        page = client.get(f"/families/{world.family_a.id}/who-looked").get_data(as_text=True)
        assert "Mette A" in page and "looked at your plan" in page and "family consultant" in page
        assert "asked you for consent" in page and "Sara A" not in page.split('class="plain-list who-looked"')[1]


@pytest.mark.parametrize("rest", ["/my-data", "/my-data.json", "/who-looked"])
def test_another_familys_data_is_a_404(client, world, login, rest):
    login(world.parent_b)
    assert client.get(url(world.family_a, rest)).status_code == 404
    login(world.consultant_b)
    assert client.get(url(world.family_a, rest)).status_code == 404
    login(world.parent_a)
    assert client.get(url(world.family_b, rest)).status_code == 404


def test_assigning_a_consultant_shows_in_who_has_looked(client, world, login):
    login(world.admin)
    client.post(
        f"/admin/families/{world.family_a.id}/assignments",
        data={"assign-consultant": str(world.consultant_b.id), "assign-role": "co_consultant"},
    )
    login(world.parent_a)
    page = html.unescape(client.get(url(world.family_a, "/who-looked")).get_data(as_text=True))
    assert "Anne Admin" in page and "added Ali B as a consultant for your family" in page


class TestAccess:
    def test_only_for_the_family_member(self, client, world, login):
        for user in (world.consultant_a, world.parent_b, world.admin):
            login(user)
            assert client.get(f"/families/{world.family_a.id}/my-data.json").status_code == 404


class TestDescribe:
    """Each audit event in the words of "who has looked"."""

    @staticmethod
    def said(app, action, **data) -> str:
        with app.test_request_context(headers={"Accept-Language": "en"}):
            return str(mydata_views.describe(SimpleNamespace(action=action, data=data or None)))

    @pytest.mark.parametrize(
        "page, words",
        [
            ("plan", "looked at your plan"),
            ("plan_goal", "looked at your plan"),  # a page's parts are named by the page they belong to
            ("case_edit", "looked at your cases"),
            ("family_tree", "looked at your family tree"),
            ("review", "looked at your answers to the questionnaires"),
            ("who_looked", "looked at the list of who has looked at your information"),
            ("", "looked at your pages"),
            ("nonsense", "looked at your pages"),
        ],
    )
    def test_a_read_names_the_page(self, app, page, words):
        assert self.said(app, "family.viewed", page=page) == words

    def test_a_read_without_data_is_still_described(self, app):
        assert self.said(app, "family.viewed") == "looked at your pages"

    def test_changes_recoveries_and_partner_visits(self, app):
        assert self.said(app, "plan.goal_added") == "changed your plan"
        assert self.said(app, "network.person_removed") == "changed your network map"
        assert self.said(app, "recovery.confirmed") == "confirmed a new way to sign in for someone in the family"
        assert self.said(app, "partner.viewed") == "saw what you have consented to share, through their link"
        assert self.said(app, "something.new") == "changed something in your details"


def test_a_cursor_without_a_zone_counts_as_utc(client, world, login):
    login(world.consultant_a)
    client.get(url(world.family_a, "/plan"))
    login(world.parent_a)
    later = (db.utcnow() + timedelta(minutes=5)).replace(tzinfo=None).isoformat()
    page = client.get(url(world.family_a, f"/who-looked?before={later}"))
    assert page.status_code == 200 and len(who_looked_rows(page.get_data(as_text=True))) >= 1
    earlier = (db.utcnow() - timedelta(days=365)).replace(tzinfo=None).isoformat()
    assert (
        who_looked_rows(client.get(url(world.family_a, f"/who-looked?before={earlier}")).get_data(as_text=True)) == []
    )
