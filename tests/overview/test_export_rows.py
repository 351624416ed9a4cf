"""The rows Mine oplysninger is made of (familyapp/overview/export_rows.py): each kind read for one family only
(and the person's own, where they are theirs), and everything they point to named by the same statement
(household, map, meetings, former users)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from familyapp import db
from familyapp.consent import services as consent_services
from familyapp.families.models import Membership
from familyapp.network import services as network_services
from familyapp.overview import export_rows, sections
from familyapp.overview.export_rows import Names, meeting
from familyapp.plans import services as plan_services
from tests.overview.helpers import download, meeting_words, on_map


@pytest.fixture()
def rows(app, world):
    """The world, inside a request (the queries keep per-request state)."""
    with app.test_request_context():
        yield world


class TestNames:
    """The lookups themselves: a name, or an empty answer, never an error or an id."""

    MEETING = SimpleNamespace(type=SimpleNamespace(value="network"), starts_at=datetime(2026, 5, 4, 9, tzinfo=UTC))

    def names(self) -> Names:
        sara, former = uuid.uuid4(), uuid.uuid4()
        self.ids = SimpleNamespace(sara=sara, former=former, bente=uuid.uuid4())
        return Names(people={sara: "Sara"}, on_map={self.ids.bente: SimpleNamespace(name="Bente", role="mormor")})

    def test_who_is_a_member_or_the_name_the_row_brought(self):
        names = self.names()
        assert names.who(self.ids.sara) == "Sara" and names.who(self.ids.sara, "Gammelt navn") == "Sara"
        assert names.who(self.ids.former, "Tidligere Konsulent") == "Tidligere Konsulent"
        assert names.who(uuid.uuid4()) == "" and names.who(None, None) == ""

    def test_a_household_member_or_nothing(self):
        names = self.names()
        assert names.person(self.ids.sara) == "Sara"
        assert names.person(None) == "" and names.person(uuid.uuid4()) == ""
        assert names.person(self.ids.former) == ""  # a former user is not a household member

    def test_someone_on_the_map_by_name(self):
        names = self.names()
        assert names.map_name(self.ids.bente) == "Bente" and names.map_name(uuid.uuid4()) == ""

    def test_a_meeting_by_its_type_and_time(self):
        assert meeting(self.MEETING.type, self.MEETING.starts_at) == {
            "type": "network",
            "starts_at": self.MEETING.starts_at,
        }
        assert meeting(None, None) is None


class TestRows:
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

    @staticmethod
    def loaded(family, user) -> dict[str, list]:
        """Each listed section's rows (the first thing of each row), as the download reads them."""
        return {
            s.key: [row[0] for row in db.session.execute(s.named(s.base(family, user)))]
            for s in sections.SECTIONS
            if s.listed
        }

    def test_nothing_of_another_family_is_loaded(self, rows):
        world = rows
        for family, parent, consultant in (
            (world.family_a, world.parent_a, world.consultant_a),
            (world.family_b, world.parent_b, world.consultant_b),
        ):
            meeting_words(family, parent, consultant, days=7)
        db.session.commit()
        loaded = self.loaded(world.family_a, world.parent_a)
        for key in ("meetings", "your_meeting_answers", "your_meeting_questions", "your_meeting_suggestions"):
            assert loaded[key], key
        for key in ("plan_history", "network_map_history", "consents", "partner_links"):
            assert loaded[key], key
        assert {row.family_id for found in loaded.values() for row in found} == {world.family_a.id}
        participants = db.session.execute(export_rows.participants(family=world.family_a)).all()
        assert participants and {p.family_id for p, _login in participants} == {world.family_a.id}

    def test_only_the_users_own_words_and_records(self, rows):
        world = rows
        meeting_words(world.family_a, world.parent_a2, world.consultant_a, days=7, text="Jonas spørger")
        db.session.commit()
        loaded = self.loaded(world.family_a, world.parent_a)
        assert loaded["your_meeting_answers"] == loaded["your_meeting_questions"] == []
        assert loaded["your_meeting_suggestions"] == []
        assert {r.user_id for r in loaded["consents"]} == {world.parent_a.id}
        theirs = self.loaded(world.family_a, world.parent_a2)["your_meeting_questions"]
        assert [q.text for q in theirs] == ["Jonas spørger"]


class TestNaming:
    def test_a_former_user_and_someone_taken_off_the_map_keep_their_names(self, app, client, world, login):
        with app.test_request_context():
            plan_services.add_goal(world.family_a, {"title": "Skole"}, actor=world.consultant_b)  # not family A's now
            bente = on_map(world.family_a, "Bente")
            network_services.remove_person(world.family_a, bente, actor=world.consultant_a)
            db.session.commit()
        login(world.parent_a)
        data, _text = download(client, world.family_a)
        assert data["plan_history"][-1]["who"] == "Ali B"
        assert [(r["about"], r["who"]) for r in data["network_map_history"][-1:]] == [("Bente", "Mette A")]
        lise = data["consents"][0]
        assert (lise["to"], lise["to_who"]) == ("Lise Lærer", "lærer, Vestre Skole")

    def test_names_take_no_queries_of_their_own(self, app, client, world, login, count_queries):
        login(world.parent_a)

        def more(count: int) -> None:
            with app.test_request_context():
                for i in range(count):
                    plan_services.add_goal(world.family_a, {"title": f"Mål {i}"}, actor=world.consultant_b)
                    consent_services.create_link(
                        world.family_a,
                        on_map(world.family_a, "Karsten Berg"),
                        actor=world.consultant_a,
                        now=db.utcnow(),
                    )
                db.session.commit()

        def counted() -> int:
            with count_queries() as queries:
                download(client, world.family_a)
            return len(queries)

        more(1)
        few = counted()
        more(4)
        assert counted() == few
