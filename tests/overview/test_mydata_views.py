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
from familyapp.meetings import services as meeting_services
from familyapp.overview import mydata_views, sections
from tests.overview.helpers import meeting_words, url, who_looked_rows


def sections_of(client, family, *slugs) -> str:
    """The pages of the given sections of Mine oplysninger, together."""
    return "".join(client.get(url(family, f"/my-data/{slug}")).get_data(as_text=True) for slug in slugs)


class TestPrintablePage:
    def test_the_sections_show_the_content_in_readable_form(self, client, world, login):
        login(world.parent_a)
        page = sections_of(client, world.family_a, "plan", "meetings", "consents", "cases", "family")
        assert "Op til tiden" in page and "Vækkeur" in page and "Ringe til skolen" in page
        assert "Rådhuset, lokale 2" in page and "Vi ser på planen" in page
        assert "Lise Lærer" in page and "Skolen vil gerne hjælpe" in page and "Jobcentret" in page
        assert "Bente is a parent of Sara A" in page
        assert "March 1, 2022" in page and "2022-03-01" not in page  # Alma's birth date, as a date
        assert '<th scope="col">' in page and '<th scope="row">' in page

    def test_the_sections_show_replies_and_questions(self, app, client, world, login):
        with app.test_request_context():
            meeting_words(world.family_a, world.parent_a, world.consultant_a, days=10)
            db.session.commit()
        login(world.parent_a)
        page = html.unescape(sections_of(client, world.family_a, "your-meeting-answers", "your-meeting-questions"))
        assert "Kan vi tale om skolen?" in page and "cannot come" in page and "Follow-up meeting" in page

    def test_the_index_names_each_kind_with_how_much_there_is(self, client, world, login):
        login(world.parent_a)
        page = html.unescape(client.get(url(world.family_a, "/my-data")).get_data(as_text=True))
        assert "All we hold about you" in page and "Download it all as a file" in page
        listed = dict(
            re.findall(r'<li data-section="(\w+)"><a href="[^"]+">[^<]+</a>(?: <span class="meta">\((\d+)\))?', page)
        )
        assert list(listed) == [s.key for s in sections.SECTIONS]
        assert listed["you"] == "" and listed["family"] == "3" and listed["network_map"] == "3"
        assert listed["consents"] == "1" and listed["plan"] == "1"
        for key in listed:  # every section opens
            slug = key.replace("_", "-")
            assert client.get(url(world.family_a, f"/my-data/{slug}")).status_code == 200, slug


class TestPaging:
    """A long history is shown a page at a time, newest first; odd addresses show a sensible page."""

    @pytest.fixture()
    def questions(self, app, world):
        with app.test_request_context():
            meeting = meeting_words(world.family_a, world.parent_a, world.consultant_a, days=10, text="Spørgsmål 0")
            for i in range(1, sections.PER_PAGE + 5):
                meeting_services.add_question(
                    world.family_a, meeting, world.parent_a, f"Spørgsmål {i}", now=db.utcnow() + timedelta(minutes=i)
                )
            db.session.commit()
        return sections.PER_PAGE + 5

    def shown(self, client, world, query="") -> tuple[list[str], str]:
        page = client.get(url(world.family_a, "/my-data/your-meeting-questions" + query))
        assert page.status_code == 200
        text = html.unescape(page.get_data(as_text=True))
        return re.findall(r"Spørgsmål \d+", text), text

    def test_newest_first_and_the_rest_on_the_next_page(self, client, world, login, questions):
        login(world.parent_a)
        first, text = self.shown(client, world)
        assert len(first) == sections.PER_PAGE and first[0] == f"Spørgsmål {questions - 1}"
        assert "Show older" in text and "Page 1 of 2" in text
        older = html.unescape(re.search(r'href="([^"]+)" rel="next"', text).group(1))
        second, text = self.shown(client, world, older[older.index("?") :])
        assert second == [f"Spørgsmål {i}" for i in range(4, -1, -1)] and "Back to the newest" in text
        assert set(first) | set(second) == {f"Spørgsmål {i}" for i in range(questions)}

    @pytest.mark.parametrize("odd", ["?page=99", "?page=99999999999999999999999", "?page=2x", "?page=-1", "?page="])
    def test_a_page_past_the_end_is_the_last_and_odd_input_the_first(self, client, world, login, questions, odd):
        login(world.parent_a)
        shown, _text = self.shown(client, world, odd)
        if "99" in odd and "-" not in odd:
            assert shown == [f"Spørgsmål {i}" for i in range(4, -1, -1)]
        else:
            assert len(shown) == sections.PER_PAGE and shown[0] == f"Spørgsmål {questions - 1}"

    def test_an_empty_section_and_an_unknown_one(self, client, world, login):
        login(world.parent_a)
        page = client.get(url(world.family_a, "/my-data/partner-visits?page=3"))
        assert page.status_code == 200 and "Nothing yet." in page.get_data(as_text=True)
        assert client.get(url(world.family_a, "/my-data/secrets")).status_code == 404
        assert client.get(url(world.family_a, "/my-data/plan_history")).status_code == 404  # dashes, as linked


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


@pytest.mark.parametrize("rest", ["/my-data", "/my-data/meetings", "/my-data.json", "/who-looked"])
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
