"""Mine oplysninger (the GDPR access export and its printable page) and "who has looked", end to end."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, or_, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.auth.models import User
from familyapp.consent import services as consent_services
from familyapp.families.models import Membership, Person
from familyapp.gate.models import ConsentRecord, ConsentRequest, ConsentTemplate
from familyapp.meetings import services as meeting_services
from familyapp.meetings.models import Answer, MeetingMode, MeetingType
from familyapp.network.models import NetworkPerson
from familyapp.plans import services as plan_services
from familyapp.scales import services as scale_services
from tests import factories


def url(family, rest=""):
    return f"/families/{family.id}{rest}"


def on_map(family, name) -> NetworkPerson:
    stmt = select(NetworkPerson).where(NetworkPerson.family_id == family.id, NetworkPerson.name == name)
    return db.session.scalar(stmt)


def template(key) -> ConsentTemplate:
    return db.session.scalar(select(ConsentTemplate).where(ConsentTemplate.key == key, ConsentTemplate.active))


def download(client, family) -> tuple[dict, str]:
    response = client.get(url(family, "/my-data.json"))
    assert response.status_code == 200 and response.mimetype == "application/json"
    text = response.get_data(as_text=True)
    return json.loads(text), text


def meeting_words(family, parent, consultant, days: int, text: str = "Kan vi tale om skolen?"):
    """A coming meeting the parent has replied to, asked a question for and suggested Bente for."""
    starts = db.utcnow().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=days)
    meeting = factories.make_meeting(family, parent, consultant, starts_at=starts)
    meeting_services.reply(family, meeting, parent, Answer.CANNOT, "Arbejde", "Om eftermiddagen", now=db.utcnow())
    meeting_services.add_question(family, meeting, parent, text, now=db.utcnow())
    bente = on_map(family, "Bente")
    if bente is not None:
        meeting_services.suggest_participants(family, meeting, parent, [bente], now=db.utcnow())
    return meeting


def who_looked_rows(page: str) -> list[str]:
    if 'class="plain-list who-looked"' not in page:
        return []
    listing = page.split('class="plain-list who-looked"')[1].split("</ol>")[0]
    return re.findall(r"<li>", listing)


class TestDownload:
    def test_the_file_works_after_a_reply_and_a_question(self, app, client, world, login):
        with app.test_request_context():
            meeting = meeting_words(world.family_a, world.parent_a, world.consultant_a, days=10)
            db.session.commit()
        login(world.parent_a)
        data, text = download(client, world.family_a)
        [answer] = data["your_meeting_answers"]
        assert (answer["answer"], answer["reason"], answer["wish"]) == ("cannot", "Arbejde", "Om eftermiddagen")
        # The meeting is described by its time and type, never by its id.
        assert answer["meeting"] == {"type": "follow_up", "starts_at": meeting.starts_at.isoformat()}
        assert data["your_meeting_questions"][0]["text"] == "Kan vi tale om skolen?"
        assert data["your_meeting_questions"][0]["meeting"]["starts_at"] == meeting.starts_at.isoformat()
        assert data["your_meeting_suggestions"][0]["invite"] == "Bente"
        assert str(meeting.id) not in text and "meeting_id" not in text

    def test_the_new_sections(self, app, client, world, login):
        with app.test_request_context():
            alma = db.session.scalar(select(Person).where(Person.name == "Alma", Person.family_id == world.family_a.id))
            goal = plan_services.add_goal(
                world.family_a, {"title": "Alma sover", "person_id": alma.id}, actor=world.consultant_a
            )
            goal.private_note = "Hemmelig arbejdsnote"
            meeting = meeting_words(world.family_a, world.parent_a, world.consultant_a, days=12)
            meeting.mode, meeting.moved_from = MeetingMode.VIDEO, meeting.starts_at - timedelta(days=1)
            meeting_services.cancel_meeting(world.family_a, meeting, "Konsulenten er syg", actor=world.consultant_a)
            scale_services.set_show_alliance(world.parent_a, True)
            sara = db.session.get(User, world.parent_a.id)
            sara.phone, sara.reachable = "+45 22 33 44 55", "Efter kl. 15"
            db.session.commit()
        login(world.parent_a)
        data, text = download(client, world.family_a)
        you = data["you"]
        assert (you["phone"], you["reachable"], you["show_own_collaboration_answers"]) == (
            "+45 22 33 44 55",
            "Efter kl. 15",
            True,
        )
        assert {"kind": "parent", "a": "Bente", "b": "Sara A"} in data["family"]["family_tree"]
        assert {g["title"]: g["person"] for g in data["plan"]["goals"]}["Alma sover"] == "Alma"
        history = data["plan_history"]
        assert history[-1]["change"] == "goal_added" and history[-1]["who"] == "Mette A"
        assert "Alma sover" in [g["title"] for g in history[-1]["plan"]["goals"]]
        map_history = data["network_map_history"]
        assert [(r["change"], r["about"], r["who"]) for r in map_history[:1]] == [("person_added", "Bente", "Sara A")]
        assert {p["name"] for p in map_history[-1]["map"]} == {"Bente", "Lise Lærer", "Karsten Berg"}
        [moved] = [m for m in data["meetings"] if m["cancel_reason"]]
        assert (moved["mode"], moved["cancel_reason"], moved["cancelled"]) == ("video", "Konsulenten er syg", True)
        assert moved["moved_from"] == (meeting.starts_at - timedelta(days=1)).isoformat()
        assert data["partner_links"][0]["to"] == "Lise Lærer"
        assert "Hemmelig arbejdsnote" not in text and "private_note" not in text
        assert str(world.parent_a.id) not in text and str(world.family_a.id) not in text

    def test_only_own_answers_to_questionnaires(self, app, client, world, login):
        with app.test_request_context():
            meeting = factories.make_meeting(
                world.family_a, world.parent_a, world.consultant_a, starts_at=db.utcnow() - timedelta(days=3)
            )
            meeting.participants.append(
                factories.meeting_participant(
                    world.family_a, meeting, {"kind": "member", "person_id": world.parent_a2.person_id}
                )
            )
            factories.make_answer(world.family_a, world.parent_a2, meeting, (1, 1, 1, 1))
            db.session.commit()
        login(world.parent_a)
        data, _text = download(client, world.family_a)
        [answer] = data["your_answers"]
        assert answer["total"] == 26.0 and [a["answer"] for a in answer["answers"]] == [6, 7, 5, 8]
        assert all(a["question"]["en"] for a in answer["answers"])

    def test_another_familys_replies_are_left_out(self, app, client, world, login):
        with app.test_request_context():
            # Sara also belongs to family B (a person can be in more than one family).
            db.session.add(
                Membership(user_id=world.parent_a.id, family_id=world.family_b.id, relation="mor", custody=True)
            )
            meeting_words(world.family_b, world.parent_a, world.consultant_b, days=9, text="Spørgsmål i familie B")
            db.session.commit()
        login(world.parent_a)
        data, text = download(client, world.family_a)
        assert data["your_meeting_answers"] == [] and data["your_meeting_questions"] == []
        assert data["your_meeting_suggestions"] == []
        assert "Spørgsmål i familie B" not in text and "Familien B" not in text
        data_b, text_b = download(client, world.family_b)
        assert [q["text"] for q in data_b["your_meeting_questions"]] == ["Spørgsmål i familie B"]


class TestRecipients:
    def test_each_consent_says_to_whom_why_about_whom_and_which_meeting(self, app, client, world, login):
        with app.test_request_context():
            alma = db.session.scalar(select(Person).where(Person.name == "Alma", Person.family_id == world.family_a.id))
            meeting = factories.make_meeting(
                world.family_a, world.parent_a, world.consultant_a, type=MeetingType.NETWORK
            )
            for key, recipient, extra in (
                ("share-meetings", "Karsten Berg", {"about": alma}),
                ("network-meeting", "Bente", {"meeting": meeting}),
            ):
                request = consent_services.create_request(
                    world.family_a, template(key), on_map(world.family_a, recipient), actor=world.consultant_a, **extra
                )
                consent_services.give(
                    world.family_a, request, world.parent_a, language="en", now=db.utcnow(), confirmed_by="passkey"
                )
            db.session.commit()
        login(world.parent_a)
        data, _text = download(client, world.family_a)
        plan, meetings, invitation = data["consents"]
        assert (plan["to"], plan["to_who"], plan["note"]) == (
            "Lise Lærer",
            "lærer, Vestre Skole",
            "Skolen vil gerne hjælpe",
        )
        assert plan["why"] and plan["covers"] == ["plan"] and plan["action"] == "given" and plan["expires_at"]
        assert (meetings["to"], meetings["about"], meetings["title"]) == (
            "Karsten Berg",
            "Alma",
            "Sharing meetings and minutes",
        )
        assert (invitation["to"], invitation["meeting_at"]) == ("Bente", meeting.starts_at.isoformat())

    def test_an_older_record_without_a_snapshot_names_the_recipient_of_its_request(self, app, client, world, login):
        request = db.session.scalar(select(ConsentRequest).where(ConsentRequest.family_id == world.family_a.id))
        given = db.session.scalar(select(ConsentRecord).where(ConsentRecord.request_id == request.id))
        with app.test_request_context():
            db.session.add(
                ConsentRecord(
                    family_id=world.family_a.id,
                    request_id=request.id,
                    user_id=world.parent_a.id,
                    action="withdrawn",
                    at=db.utcnow(),
                    template_id=given.template_id,
                    language="da",
                    seq=2,
                    text=given.text,
                    shown={},
                    text_hash=given.text_hash,
                    confirmed_by="passkey",
                )
            )
            db.session.commit()
        login(world.parent_a)
        data, _text = download(client, world.family_a)
        old = data["consents"][-1]
        assert (old["action"], old["to"], old["title"], old["note"]) == (
            "withdrawn",
            "Lise Lærer",
            "Dele jeres plan",
            "Skolen vil gerne hjælpe",
        )

    def test_partner_links_and_their_visits(self, app, client, world, login):
        with app.test_request_context():
            _link, token = consent_services.create_link(
                world.family_a, on_map(world.family_a, "Lise Lærer"), actor=world.consultant_a, now=db.utcnow()
            )
            db.session.commit()
        assert client.get(f"/partner/{token}").status_code == 200
        login(world.parent_a)
        data, _text = download(client, world.family_a)
        assert [(link["to"], link["meeting_invitation"]) for link in data["partner_links"]] == [
            ("Lise Lærer", False),
            ("Lise Lærer", False),
        ]
        assert all(link["created_at"] and link["expires_at"] for link in data["partner_links"])
        [visit] = data["partner_visits"]
        assert visit["who"] == "Lise Lærer" and visit["shown"] == ["plan"]


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


@pytest.mark.parametrize("rest", ["/my-data", "/my-data.json", "/who-looked"])
def test_another_familys_data_is_a_404(client, world, login, rest):
    login(world.parent_b)
    assert client.get(url(world.family_a, rest)).status_code == 404
    login(world.consultant_b)
    assert client.get(url(world.family_a, rest)).status_code == 404
    login(world.parent_a)
    assert client.get(url(world.family_b, rest)).status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_meetings(app, client, world, login, count_queries):
    login(world.parent_a)
    addresses = [url(world.family_a, "/my-data.json"), url(world.family_a, "/my-data")]
    with app.test_request_context():
        meeting_words(world.family_a, world.parent_a, world.consultant_a, days=8)
        db.session.commit()
    for address in addresses:
        client.get(address)
    before = {}
    for address in addresses:
        with count_queries() as q:
            assert client.get(address).status_code == 200
        before[address] = len(q)
    with app.test_request_context():
        for days in (9, 10, 11, 12):
            meeting_words(world.family_a, world.parent_a, world.consultant_a, days=days)
        db.session.commit()
    for address in addresses:
        with count_queries() as q:
            assert client.get(address).status_code == 200
        assert len(q) == before[address], address
