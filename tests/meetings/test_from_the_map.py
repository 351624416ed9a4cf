"""Meetings and the network map: the consultant invites people from the map, the family suggests whom to invite,
the participant list links back to the map, and the meeting's history survives changes to the map."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from familyapp import db
from familyapp.families import services as family_services
from familyapp.families.models import AssignmentRole
from familyapp.meetings.models import Meeting, MeetingParticipant, MeetingSuggestion, MeetingType, ParticipantKind
from tests.meetings.test_views import form, m_url, meeting_of
from tests.network.helpers import person_named


def map_people(world, *names):
    return [person_named(world.family_a, n) for n in names]


def network_meeting(client, world, *people):
    day = (db.local_today() + timedelta(days=10)).isoformat()
    data = form(db.local_today() + timedelta(days=10), type="network", purpose="Hvem kan hjælpe?")
    data["day"] = day
    data["network"] = [str(p.id) for p in people]
    data["consultants"] = [str(world.consultant_a.id)]
    return client.post(m_url(world, "/new"), data=data)


def checked(page: str) -> set[str]:
    """The values of the checked boxes on a page."""
    return set(re.findall(r'<input checked[^>]*value="([^"]+)"', page))


def participants(meeting_id) -> list[MeetingParticipant]:
    stmt = select(MeetingParticipant).where(MeetingParticipant.meeting_id == meeting_id)
    return list(db.session.scalars(stmt))


class TestInviteFromTheMap:
    def test_consultant_picks_three_people_for_a_network_meeting(self, client, world, login):
        login(world.consultant_a)
        bente, lise, karsten = map_people(world, "Bente", "Lise Lærer", "Karsten Berg")
        form_page = client.get(m_url(world, "/new")).get_data(as_text=True)
        assert "From the network map" in form_page and f'value="{bente.id}"' in form_page
        response = network_meeting(client, world, bente, lise, karsten)
        assert response.status_code == 302
        meeting = db.session.scalar(select(Meeting).where(Meeting.type == MeetingType.NETWORK))
        picked = {p.name: p for p in participants(meeting.id) if p.kind is ParticipantKind.NETWORK}
        assert set(picked) == {"Bente", "Lise Lærer", "Karsten Berg"}
        assert picked["Karsten Berg"].decides and not picked["Lise Lærer"].decides
        assert picked["Lise Lærer"].role == "lærer, Vestre Skole" and picked["Bente"].network_person_id == bente.id
        login(world.parent_a)
        page = client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)
        assert f'/network#person-{bente.id}">Bente</a>' in page and "makes decisions" in page
        edit = client.get(m_url(world, f"/{meeting.id}/edit"))
        assert edit.status_code == 404

    def test_the_meeting_keeps_a_person_who_left_the_map(self, client, world, login):
        login(world.consultant_a)
        bente, lise = map_people(world, "Bente", "Lise Lærer")
        network_meeting(client, world, bente, lise)
        meeting = db.session.scalar(select(Meeting).where(Meeting.type == MeetingType.NETWORK))
        login(world.parent_a)
        client.post(f"/families/{world.family_a.id}/network/people/{bente.id}/delete")
        page = client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)
        assert "<strong>Bente</strong>" in page and f"#person-{bente.id}" not in page
        login(world.consultant_a)
        edit = client.get(m_url(world, f"/{meeting.id}/edit")).get_data(as_text=True)
        assert "Bente (no longer on the map)" in edit
        assert {str(bente.id), str(lise.id)} <= checked(edit)  # kept unless the consultant takes her off
        data = form(db.local_today(), type="network", network=[str(lise.id)], version=meeting.version)
        data["day"] = (db.local_today() + timedelta(days=12)).isoformat()
        assert client.post(m_url(world, f"/{meeting.id}/edit"), data=data).status_code == 302
        assert {p.name for p in participants(meeting.id)} == {"Lise Lærer"}

    def test_another_familys_person_cannot_be_invited(self, client, world, login):
        login(world.consultant_a)
        theirs = person_named(world.family_b, "Bente")
        response = network_meeting(client, world, theirs)
        assert response.status_code == 400 and "Choose people from the network map." in response.get_data(as_text=True)
        assert (
            db.session.scalar(select(func.count()).select_from(Meeting).where(Meeting.type == MeetingType.NETWORK)) == 0
        )

    def test_a_partner_consultants_change_keeps_participants_hidden_from_them(self, client, world, login):
        login(world.consultant_a)
        bente, lise = map_people(world, "Bente", "Lise Lærer")
        network_meeting(client, world, bente, lise)
        meeting = db.session.scalar(select(Meeting).where(Meeting.type == MeetingType.NETWORK))
        family_services.assign_consultant(
            world.family_a, world.consultant_b, AssignmentRole.CO_CONSULTANT, actor=world.admin
        )
        db.session.commit()
        login(world.consultant_b)
        edit = client.get(m_url(world, f"/{meeting.id}/edit")).get_data(as_text=True)
        assert f'value="{bente.id}"' not in edit
        day = (db.local_today() + timedelta(days=11)).isoformat()
        data = form(db.local_today(), type="network", network=[str(lise.id)], version=meeting.version)
        data["day"] = day
        assert client.post(m_url(world, f"/{meeting.id}/edit"), data=data).status_code == 302
        names = {p.name for p in participants(meeting.id)}
        assert {"Bente", "Lise Lærer"} <= names


class TestSuggestions:
    def test_parent_suggests_and_the_consultant_sees_it(self, client, world, login):
        meeting = meeting_of(world)
        bente, karsten = map_people(world, "Bente", "Karsten Berg")
        login(world.parent_a)
        page = client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)
        assert "Suggest someone from your network map" in page
        url = m_url(world, f"/{meeting.id}/suggestions")
        assert client.post(url, data={"people": [str(bente.id), str(karsten.id)]}).status_code == 302
        assert client.post(url, data={"people": [str(bente.id)]}).status_code == 302  # no second copy
        assert db.session.scalar(select(func.count()).select_from(MeetingSuggestion)) == 2
        login(world.consultant_a)
        caseload = client.get("/caseload").get_data(as_text=True)
        assert "tag-waiting" in caseload
        detail = client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)
        assert "The family suggests inviting" in detail and "suggested by Sara A" in detail
        edit = client.get(m_url(world, f"/{meeting.id}/edit")).get_data(as_text=True)
        assert edit.count("suggested by the family") == 2
        assert all(s.seen_at is None for s in db.session.scalars(select(MeetingSuggestion)))  # reading is no mark
        client.post(m_url(world, f"/{meeting.id}/seen"))
        assert all(s.seen_at is not None for s in db.session.scalars(select(MeetingSuggestion)))

    def test_bad_suggestions(self, client, world, login):
        meeting = meeting_of(world)
        theirs = person_named(world.family_b, "Bente")
        login(world.parent_a)
        url = m_url(world, f"/{meeting.id}/suggestions")
        response = client.post(url, data={})
        assert response.status_code == 400 and "Choose at least one person." in response.get_data(as_text=True)
        response = client.post(url, data={"people": [str(theirs.id)]})
        assert response.status_code == 400 and "Choose people from the network map." in response.get_data(as_text=True)
        login(world.consultant_a)
        client.post(m_url(world, f"/{meeting.id}/cancel"), data={"reason": "Syg"})
        login(world.parent_a)
        bente = person_named(world.family_a, "Bente")
        response = client.post(url, data={"people": [str(bente.id)]})
        assert response.status_code == 400 and "cancelled" in response.get_data(as_text=True)
        assert db.session.scalar(select(func.count()).select_from(MeetingSuggestion)) == 0

    def test_consultants_do_not_suggest_and_other_families_cannot(self, client, world, login):
        meeting = meeting_of(world)
        bente = person_named(world.family_a, "Bente")
        login(world.consultant_a)
        assert (
            client.post(m_url(world, f"/{meeting.id}/suggestions"), data={"people": [str(bente.id)]}).status_code == 404
        )
        login(world.parent_b)
        assert (
            client.post(m_url(world, f"/{meeting.id}/suggestions"), data={"people": [str(bente.id)]}).status_code == 404
        )


class TestTheMapAMeetingPageLoads:
    """A meeting page loads the whole map only while the family can suggest from it; otherwise only the meeting's
    own people, so that it does not grow with the map."""

    def test_a_held_meeting_links_its_people_still_on_the_map(self, app, client, world, login, count_queries):
        login(world.consultant_a)
        bente, lise = map_people(world, "Bente", "Lise Lærer")
        network_meeting(client, world, bente, lise)
        with app.app_context():
            meeting = db.session.scalar(select(Meeting).where(Meeting.type == MeetingType.NETWORK))
            meeting.starts_at, meeting.ends_at = (db.utcnow() - timedelta(days=d) for d in (3, 2.9))
            db.session.commit()
            meeting_id = meeting.id
        login(world.parent_a)
        client.post(f"/families/{world.family_a.id}/network/people/{lise.id}/delete")
        with count_queries() as q:
            page = client.get(m_url(world, f"/{meeting_id}")).get_data(as_text=True)
        assert f'/network#person-{bente.id}">Bente</a>' in page and "Suggest someone" not in page
        assert "Lise Lærer" in page and f"#person-{lise.id}" not in page
        assert sum("FROM network_people" in s for s in q) == 1

    def test_a_suggested_person_who_left_the_map_keeps_their_name(self, app, client, world, login):
        from familyapp.meetings import queries as meeting_queries
        from familyapp.meetings import services as meeting_services
        from familyapp.network import services as network_services

        with app.app_context():
            family, parent = db.session.merge(world.family_a), db.session.merge(world.parent_a)
            (meeting,), (bente,) = meeting_queries.list_meetings(family), map_people(world, "Bente")
            meeting_services.suggest_participants(family, meeting, parent, [bente], now=db.utcnow())
            network_services.remove_person(family, bente, actor=world.consultant_a)
            db.session.commit()
        login(world.parent_a)
        page = client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)
        assert "The family suggests inviting" in page and "Bente" in page
        assert "Suggest someone from your network map" in page and f'value="{bente.id}"' not in page
