"""Sending a network meeting's invitations (familyapp/consent/invitation_views.py, POST
/families/<id>/meetings/<meeting_id>/invitations): a partner link for each person invited from the map, only when
the parents have consented to inviting every one of them."""

from __future__ import annotations

from sqlalchemy import func, select

from familyapp import db
from familyapp.gate.models import ConsentRequest, PartnerLink
from familyapp.meetings import services as meeting_services
from familyapp.meetings.models import MeetingType
from tests import factories
from tests.consent.helpers import c_url, invite_consent, network_meeting, person


def invitations_url(family, meeting) -> str:
    return f"/families/{family.id}/meetings/{meeting.id}/invitations"


def links_for(meeting) -> int:
    stmt = select(func.count()).select_from(PartnerLink).where(PartnerLink.meeting_id == meeting.id)
    return db.session.scalar(stmt)


class TestInvitations:
    def test_invitations_need_the_parents_consent_for_everyone(self, app, client, world, login):
        meeting = network_meeting(app, world)
        url = f"/families/{world.family_a.id}/meetings/{meeting.id}"
        login(world.consultant_a)
        page = client.get(url).get_data(as_text=True)
        assert "no consent yet" in page and "Ask the parents" in page
        refused = client.post(f"{url}/invitations", follow_redirects=True).get_data(as_text=True)
        assert "not consented to inviting Bente, Lise Lærer" in refused
        assert (
            db.session.scalar(select(func.count()).select_from(PartnerLink).where(PartnerLink.meeting_id == meeting.id))
            == 0
        )
        invite_consent(app, world, meeting)
        sent = client.post(f"{url}/invitations")
        page = sent.get_data(as_text=True)
        assert sent.status_code == 200 and page.count("data-invitation") == 2
        invitation = page.split("data-invitation>")[1].split("<")[0].replace("http://localhost:5000", "")
        shown = client.get(invitation).get_data(as_text=True)
        assert "Invitation to a network meeting" in shown and "Biblioteket" in shown and "Op til tiden" not in shown
        login(world.parent_a2)
        bente_request = db.session.scalar(
            select(ConsentRequest).where(ConsentRequest.recipient_id == person(world, "Bente").id)
        )
        client.post(c_url(world, f"/requests/{bente_request.id}/withdraw"))
        statuses = {
            client.get(i).status_code
            for i in [p.split("<")[0].replace("http://localhost:5000", "") for p in page.split("data-invitation>")[1:]]
        }
        assert 410 in statuses  # Bente's invitation stopped the moment a parent withdrew

    def test_an_invitation_stops_when_the_person_is_no_longer_invited(self, app, client, world, login):
        meeting = network_meeting(app, world)
        invite_consent(app, world, meeting)
        login(world.consultant_a)
        url = f"/families/{world.family_a.id}/meetings/{meeting.id}"
        page = client.post(f"{url}/invitations").get_data(as_text=True)
        links = [p.split("<")[0].replace("http://localhost:5000", "") for p in page.split("data-invitation>")[1:]]
        assert [client.get(link).status_code for link in links] == [200, 200]
        # Sending again: only the newest addresses work.
        again = client.post(f"{url}/invitations").get_data(as_text=True)
        assert [client.get(link).status_code for link in links] == [410, 410]
        newest = [p.split("<")[0].replace("http://localhost:5000", "") for p in again.split("data-invitation>")[1:]]
        # The meeting becomes a professionals' work meeting: no invitation shows it any more.
        with app.test_request_context():
            db.session.get(type(meeting), meeting.id).type = MeetingType.WORK
            db.session.commit()
        assert [client.get(link).status_code for link in newest] == [410, 410]

    def test_consent_to_invite_is_for_one_meeting(self, app, client, world, login):
        first = network_meeting(app, world)
        invite_consent(app, world, first)
        second = network_meeting(app, world)
        login(world.consultant_a)
        refused = client.post(
            f"/families/{world.family_a.id}/meetings/{second.id}/invitations", follow_redirects=True
        ).get_data(as_text=True)
        assert "not consented to inviting Bente, Lise Lærer" in refused


class TestRefused:
    def test_a_missing_consent_for_one_person_sends_nothing_and_names_only_them(self, app, client, world, login):
        meeting = network_meeting(app, world)
        invite_consent(app, world, meeting, names=("Bente",))
        login(world.consultant_a)
        response = client.post(invitations_url(world.family_a, meeting))
        assert response.status_code == 302 and response.location.endswith(f"/meetings/{meeting.id}#invite")
        page = client.get(response.location).get_data(as_text=True)
        assert "not consented to inviting Lise Lærer" in page and "Bente," not in page
        assert links_for(meeting) == 0  # Bente's consent alone sends nobody's

    def test_a_meeting_that_is_not_a_network_meeting_is_a_404(self, app, client, world, login):
        with app.test_request_context():
            work = factories.make_meeting(
                world.family_a, world.parent_a, world.consultant_a, type=MeetingType.WORK, place="Teamlokalet"
            )
            db.session.commit()
        login(world.consultant_a)
        assert client.post(invitations_url(world.family_a, work)).status_code == 404
        assert links_for(work) == 0

    def test_a_cancelled_network_meeting_is_a_404_even_with_consent(self, app, client, world, login):
        meeting = network_meeting(app, world)
        invite_consent(app, world, meeting)
        with app.test_request_context():
            meeting_services.cancel_meeting(
                world.family_a, db.session.merge(meeting), "Aflyst", actor=world.consultant_a
            )
            db.session.commit()
        login(world.consultant_a)
        assert client.post(invitations_url(world.family_a, meeting)).status_code == 404
        assert links_for(meeting) == 0

    def test_another_familys_meeting_and_the_family_itself_get_a_404(self, app, client, world, login):
        meeting = network_meeting(app, world)
        invite_consent(app, world, meeting)
        login(world.consultant_b)  # not family A's consultant, even through family B's address
        assert client.post(invitations_url(world.family_a, meeting)).status_code == 404
        assert client.post(invitations_url(world.family_b, meeting)).status_code == 404
        login(world.parent_a)  # the family's own parent: sending is the consultant's step
        assert client.post(invitations_url(world.family_a, meeting)).status_code == 404
        assert links_for(meeting) == 0
        login(world.consultant_a)
        assert client.post(invitations_url(world.family_a, meeting)).status_code == 200
        assert links_for(meeting) == 2
