"""The rows Mine oplysninger is made of (familyapp/overview/export_rows.py): each kind loaded for one family only,
and everything they point to named (household, map, meetings, former users)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from familyapp import db
from familyapp.consent import services as consent_services
from familyapp.families.models import Membership
from familyapp.network import services as network_services
from familyapp.overview.export_rows import Names, load, names_for
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
        sara, former, meeting = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        self.ids = SimpleNamespace(sara=sara, former=former, meeting=meeting, bente=uuid.uuid4())
        return Names(
            people={sara: "Sara"},
            meetings={meeting: self.MEETING},
            on_map={self.ids.bente: SimpleNamespace(name="Bente", role="mormor")},
            users={former: "Tidligere Konsulent"},
        )

    def test_who_is_a_member_or_a_former_user(self):
        names = self.names()
        assert names.who(self.ids.sara) == "Sara" and names.who(self.ids.former) == "Tidligere Konsulent"
        assert names.who(uuid.uuid4()) == "" and names.who(None) == ""

    def test_a_household_member_or_nothing(self):
        names = self.names()
        assert names.person(self.ids.sara) == "Sara"
        assert names.person(None) == "" and names.person(uuid.uuid4()) == ""
        assert names.person(self.ids.former) == ""  # a former user is not a household member

    def test_someone_on_the_map_by_name_and_role(self):
        names = self.names()
        assert (names.map_name(self.ids.bente), names.map_role(self.ids.bente)) == ("Bente", "mormor")
        assert (names.map_name(uuid.uuid4()), names.map_role(None)) == ("", "")

    def test_a_meeting_by_its_type_and_time(self):
        names = self.names()
        assert names.meeting(self.ids.meeting) == {"type": "network", "starts_at": self.MEETING.starts_at}
        assert names.meeting(uuid.uuid4()) is None and names.meeting(None) is None


class TestLoad:
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

    def test_nothing_of_another_family_is_loaded(self, rows):
        world = rows
        for family, parent, consultant in (
            (world.family_a, world.parent_a, world.consultant_a),
            (world.family_b, world.parent_b, world.consultant_b),
        ):
            meeting_words(family, parent, consultant, days=7)
        db.session.commit()
        loaded = load(world.family_a, world.parent_a)
        family_rows = [
            *loaded.meetings,
            *loaded.replies,
            *loaded.questions,
            *loaded.suggestions,
            *loaded.relations,
            *loaded.plan_revisions,
            *loaded.map_revisions,
            *loaded.requests.values(),
            *loaded.records,
            *loaded.links,
        ]
        assert loaded.meetings and loaded.replies and loaded.questions and loaded.suggestions
        assert loaded.relations and loaded.plan_revisions and loaded.map_revisions
        assert loaded.requests and loaded.records and loaded.links
        assert {row.family_id for row in family_rows} == {world.family_a.id}

    def test_only_the_users_own_words_and_records(self, rows):
        world = rows
        meeting_words(world.family_a, world.parent_a2, world.consultant_a, days=7, text="Jonas spørger")
        db.session.commit()
        loaded = load(world.family_a, world.parent_a)
        assert loaded.replies == [] and loaded.questions == [] and loaded.suggestions == []
        assert {r.user_id for r in loaded.records} == {world.parent_a.id}
        assert [q.text for q in load(world.family_a, world.parent_a2).questions] == ["Jonas spørger"]


class TestNamesFor:
    def test_a_former_user_and_someone_taken_off_the_map_keep_their_names(self, rows):
        world = rows
        plan_services.add_goal(world.family_a, {"title": "Skole"}, actor=world.consultant_b)  # not family A's now
        bente = on_map(world.family_a, "Bente")
        network_services.remove_person(world.family_a, bente, actor=world.consultant_a)
        db.session.commit()
        loaded = load(world.family_a, world.parent_a)
        names = names_for(world.family_a, loaded)
        assert names.who(world.consultant_b.id) == "Ali B" and world.consultant_b.id not in names.people
        assert names.who(world.consultant_a.id) == "Mette A"
        assert names.map_name(bente.id) == "Bente"  # the map's history still tells of her
        assert names.map_role(on_map(world.family_a, "Lise Lærer").id) == "lærer, Vestre Skole"

    def test_names_are_loaded_in_a_fixed_number_of_queries(self, rows, count_queries):
        world = rows

        def more(count: int) -> None:
            for i in range(count):
                plan_services.add_goal(world.family_a, {"title": f"Mål {i}"}, actor=world.consultant_b)
                consent_services.create_link(
                    world.family_a, on_map(world.family_a, "Karsten Berg"), actor=world.consultant_a, now=db.utcnow()
                )
            db.session.commit()

        def counted() -> int:
            loaded = load(world.family_a, world.parent_a)
            names_for(world.family_a, loaded)  # the household's names are kept for the request after the first
            with count_queries() as queries:
                names_for(world.family_a, loaded)
            return len(queries)

        more(1)
        few = counted()
        more(4)
        assert counted() == few == 2  # the people on the map, and the former users
