"""Mine oplysninger's content (familyapp/overview/export.py): everything about the family member and their
children, named and never by ids, nothing of another family, in a fixed number of queries. The rows it is made of:
test_export_rows.py; the screens: test_mydata_views.py."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import delete, func, select

from familyapp import db
from familyapp.auth.models import User
from familyapp.consent import services as consent_services
from familyapp.families.models import Person
from familyapp.gate.models import ConsentRecord, ConsentRequest
from familyapp.meetings import services as meeting_services
from familyapp.meetings.models import Meeting, MeetingMode, MeetingParticipant, MeetingType
from familyapp.network.models import NetworkRevision
from familyapp.overview import sections
from familyapp.plans import services as plan_services
from familyapp.plans.models import PlanRevision
from familyapp.scales import services as scale_services
from familyapp.scales.models import ScaleResponse
from tests import factories, history
from tests.overview.helpers import download, meeting_words, on_map, template, url


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


class TestMyData:
    def test_everything_about_me_and_nothing_of_another_family(self, app, client, world, login):
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
        response = client.get(f"/families/{world.family_a.id}/my-data.json")
        assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
        data = json.loads(response.get_data(as_text=True))
        assert data["you"]["name"] == "Sara A" and data["family"]["name"] == "Familien A"
        assert {m["name"] for m in data["family"]["members"]} == {"Sara A", "Jonas A", "Alma"}
        assert [g["title"] for g in data["plan"]["goals"]] == ["Op til tiden"]
        assert len(data["your_answers"]) == 1 and data["your_answers"][0]["total"] == 26.0  # not Jonas's 4.0
        assert data["consents"][0]["action"] == "given" and data["consents"][0]["text_sha256"]
        assert {p["name"] for p in data["network_map"]} == {"Bente", "Lise Lærer", "Karsten Berg"}
        text = response.get_data(as_text=True)
        assert "Familien B" not in text and "Maria B" not in text and str(world.family_b.id) not in text
        assert "private_note" not in text
        page = client.get(f"/families/{world.family_a.id}/my-data/plan").get_data(as_text=True)
        assert "All we hold about you" in page and "Op til tiden" in page and "Goals in the plan" in page


def test_the_number_of_queries_does_not_grow_with_the_meetings(app, client, world, login, count_queries):
    login(world.parent_a)
    addresses = [url(world.family_a, "/my-data.json"), url(world.family_a, "/my-data")]
    with app.test_request_context():
        meeting_words(world.family_a, world.parent_a, world.consultant_a, days=8)
        db.session.commit()
    for address in addresses:
        client.get(address).get_data()
    before = {}
    for address in addresses:
        with count_queries() as q:
            response = client.get(address)
            assert response.status_code == 200 and response.get_data()  # the download is written as it is read
        before[address] = len(q)
    with app.test_request_context():
        for days in (9, 10, 11, 12):
            meeting_words(world.family_a, world.parent_a, world.consultant_a, days=days)
        db.session.commit()
    for address in addresses:
        with count_queries() as q:
            response = client.get(address)
            assert response.status_code == 200 and response.get_data()
        assert len(q) == before[address], address


class TestStreamed:
    """The download is written piece by piece while it is sent, its rows read in batches: it holds every item of
    a long history, in the layout of a document written at once, for a fixed number of queries."""

    def test_two_years_of_history_every_item_in_a_streamed_response(self, app, client, world, login):
        with app.app_context():
            history.grow(world, 24)
        login(world.parent_a)
        response = client.get(url(world.family_a, "/my-data.json"))
        assert response.status_code == 200 and response.is_streamed
        text = response.get_data(as_text=True)
        data = json.loads(text)
        assert text == json.dumps(data, ensure_ascii=False, indent=2)  # the layout of a whole document
        family, parent = world.family_a, world.parent_a
        expected = {
            "meetings": count(Meeting, Meeting.family_id == family.id),
            "plan_history": count(PlanRevision, PlanRevision.family_id == family.id),
            "network_map_history": count(NetworkRevision, NetworkRevision.family_id == family.id),
            "your_answers": count(
                ScaleResponse, ScaleResponse.family_id == family.id, ScaleResponse.user_id == parent.id
            ),
            "consents": count(ConsentRecord, ConsentRecord.family_id == family.id, ConsentRecord.user_id == parent.id),
        }
        assert {key: len(data[key]) for key in expected} == expected
        assert expected["meetings"] > 50 and expected["consents"] > 48
        assert all({"Sara A", "Mette A"} <= set(m["participants"]) for m in data["meetings"])
        assert [m["starts_at"] for m in data["meetings"]] == sorted(m["starts_at"] for m in data["meetings"])

    def test_small_batches_give_the_same_file_in_the_same_queries(self, app, client, world, login, count_queries):
        with app.app_context():
            history.grow(world, 3)
            meeting_words(world.family_a, world.parent_a, world.consultant_a, days=5)
            alone = factories.make_meeting(world.family_a, world.parent_a, world.consultant_a, starts_at=db.utcnow())
            db.session.execute(delete(MeetingParticipant).where(MeetingParticipant.meeting_id == alone.id))
            db.session.commit()
        login(world.parent_a)

        def written() -> tuple[dict, int]:
            with count_queries() as q:
                text = client.get(url(world.family_a, "/my-data.json")).get_data(as_text=True)
            data = json.loads(text)
            data.pop("generated_at")
            return data, len(q)

        whole, queries = written()
        sections.BATCH, batch = 2, sections.BATCH
        try:
            assert written() == (whole, queries)
        finally:
            sections.BATCH = batch
        assert [] in [m["participants"] for m in whole["meetings"]]  # a meeting nobody is invited to yet

    def test_a_download_never_read_holds_nothing_open(self, client, world, login):
        login(world.parent_a)
        response = client.get(url(world.family_a, "/my-data.json"))
        assert response.status_code == 200  # and nothing read: the next request works as ever
        assert client.get(url(world.family_a, "/my-data")).status_code == 200
        del response
        assert client.get(url(world.family_a, "/my-data.json")).get_data(as_text=True).startswith("{")


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))
