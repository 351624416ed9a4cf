"""The consent centre (familyapp/consent/views.py), end to end: asking, giving, withdrawing, receipts. Sending
invitations: test_invitation_views.py; the partner's page: tests/overview/test_partner_views.py."""

from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import func, select

from familyapp import db, gate
from familyapp.auth.models import UserSession
from familyapp.consent import services
from familyapp.families import services as family_services
from familyapp.families.models import AssignmentRole, Membership
from familyapp.gate.models import ConsentRecord, ConsentRequest
from tests.consent.helpers import c_url, network_meeting, person, plan_request, template


def records(request) -> list[ConsentRecord]:
    stmt = select(ConsentRecord).where(ConsentRecord.request_id == request.id).order_by(ConsentRecord.at)
    return list(db.session.scalars(stmt))


def age_sign_in(user, by: timedelta) -> None:
    """Make the user's sign-in older, as if it happened a while ago."""
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    row.signed_in_at -= by
    db.session.commit()


def confirmed(user) -> None:
    """What a passkey confirmation (auth.confirm_finish) leaves in the person's server-side session."""
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    row.data = {**row.data, "confirmed_at": db.utcnow().isoformat()}
    db.session.commit()


class TestCentre:
    def test_the_family_reads_what_why_and_to_whom(self, client, world, login):
        login(world.parent_a2)
        page = client.get(c_url(world)).get_data(as_text=True)
        assert "Sharing your plan" in page and "Lise Lærer" in page and "Skolen vil gerne hjælpe" in page
        assert "our dreams, goals, small steps and agreements" in page and "version 1" in page
        assert "Yes, I consent" in page and "data-passkey-confirm" in page
        assert "Ask the family for consent" not in page

    def test_a_parent_gives_and_withdraws_after_a_fresh_confirmation(self, client, world, login):
        request = plan_request(world)
        login(world.parent_a2)  # a fresh sign-in counts as a confirmation for two minutes
        response = client.post(c_url(world, f"/requests/{request.id}/give"))
        assert response.status_code == 302 and "/consent/records/" in response.location
        given = records(request)[-1]
        assert (given.user_id, given.action, given.confirmed_by) == (world.parent_a2.id, "given", "sign-in")
        receipt = client.get(response.location).get_data(as_text=True)
        assert "Jonas A gave consent." in receipt and given.text_hash in receipt and "Lise Lærer" in receipt
        # The new sign-in confirmed that one step; the next one asks again.
        assert client.post(c_url(world, f"/requests/{request.id}/withdraw")).location.startswith("/auth/login")
        age_sign_in(world.parent_a2, timedelta(hours=1))
        confirmed(world.parent_a2)
        assert client.post(c_url(world, f"/requests/{request.id}/withdraw")).status_code == 302
        assert (records(request)[-1].action, records(request)[-1].confirmed_by) == ("withdrawn", "passkey")

    def test_without_a_fresh_confirmation_nothing_changes(self, client, world, login):
        request = plan_request(world)
        login(world.parent_a2)
        age_sign_in(world.parent_a2, timedelta(minutes=5))
        response = client.post(c_url(world, f"/requests/{request.id}/give"))
        assert response.status_code == 302 and "/auth/login?next=" in response.location
        assert len(records(request)) == 1  # only parent A's
        confirmed(world.parent_a2)  # a confirmation counts once
        assert client.post(c_url(world, f"/requests/{request.id}/give")).status_code == 302
        assert records(request)[-1].user_id == world.parent_a2.id
        assert client.post(c_url(world, f"/requests/{request.id}/withdraw")).location.startswith("/auth/login")

    def test_double_submits_are_told_and_not_recorded(self, client, world, login):
        request = plan_request(world)
        login(world.parent_a)
        page = client.post(c_url(world, f"/requests/{request.id}/give"), follow_redirects=True).get_data(as_text=True)
        assert "You have already given this consent." in page and len(records(request)) == 1
        login(world.parent_a2)
        page = client.post(c_url(world, f"/requests/{request.id}/withdraw"), follow_redirects=True)
        assert "There is no consent to withdraw." in page.get_data(as_text=True) and len(records(request)) == 1

    def test_only_the_familys_parents_and_only_their_own_receipts(self, client, world, login):
        request = plan_request(world)
        login(world.consultant_a)
        assert client.post(c_url(world, f"/requests/{request.id}/give")).status_code == 404
        login(world.parent_b)
        assert client.post(c_url(world, f"/requests/{request.id}/give")).status_code == 404
        given = records(request)[0]
        assert client.get(c_url(world, f"/records/{given.id}")).status_code == 404
        login(world.parent_a2)
        assert client.get(c_url(world, f"/records/{given.id}")).status_code == 404
        login(world.consultant_a)
        assert client.get(c_url(world, f"/records/{given.id}")).status_code == 200

    def test_the_consultant_asks_from_a_text_for_someone_on_the_map(self, client, world, login):
        login(world.consultant_a)
        karsten = person(world, "Karsten Berg")
        data = {
            "template": str(template("share-meetings").id),
            "recipient": str(karsten.id),
            "about": "",
            "note": "Så Karsten kan følge med",
        }
        assert client.post(c_url(world, "/requests"), data=data).status_code == 302
        assert (
            db.session.scalar(
                select(func.count()).select_from(ConsentRequest).where(ConsentRequest.recipient_id == karsten.id)
            )
            == 1
        )

    def test_a_recipient_the_family_does_not_know_is_refused(self, client, world, login):
        login(world.consultant_a)
        stranger = person(world, "Karsten Berg", world.family_b)
        for recipient in (str(stranger.id), "nonsense", ""):
            data = {"template": str(template("share-plan").id), "recipient": recipient, "about": "", "note": "hej"}
            response = client.post(c_url(world, "/requests"), data=data)
            page = response.get_data(as_text=True)
            assert response.status_code == 400 and "Choose someone from the family's network map." in html.unescape(
                page
            )
            assert 'value="hej"' in page
        old = template("share-plan")
        old.active = False
        db.session.commit()
        data = {"template": str(old.id), "recipient": str(person(world, "Karsten Berg").id), "about": ""}
        assert client.post(c_url(world, "/requests"), data=data).status_code == 400

    def test_custody_decides_who_must_consent(self, app, client, world, login):
        meeting = network_meeting(app, world, ("Bente",))
        with app.test_request_context():
            request = services.create_request(
                world.family_a,
                template("network-meeting"),
                person(world, "Bente"),
                actor=world.consultant_a,
                meeting=meeting,
            )
            services.give(
                world.family_a, request, world.parent_a, language="da", now=db.utcnow(), confirmed_by="passkey"
            )
            db.session.commit()
            bente = person(world, "Bente").id
            assert not gate.may_share(world.family_a, bente, "meeting_invitation", db.utcnow(), meeting.id)
        login(world.consultant_a)
        response = client.post(
            f"/families/{world.family_a.id}/people/{world.parent_a2.person_id}/custody", data={"custody": "no"}
        )
        assert response.status_code == 302
        assert db.session.scalar(select(Membership.custody).where(Membership.user_id == world.parent_a2.id)) is False
        with app.test_request_context():
            assert gate.may_share(world.family_a, bente, "meeting_invitation", db.utcnow(), meeting.id)
        # Without custody, the parent is told plainly, and nothing is recorded.
        login(world.parent_a2)
        page = client.post(c_url(world, f"/requests/{request.id}/give"), follow_redirects=True).get_data(as_text=True)
        assert "Only a parent with custody can give this consent." in page
        assert [r.user_id for r in records(request)] == [world.parent_a.id]

    def test_asking_twice_sends_one_request(self, client, world, login):
        login(world.consultant_a)
        data = {"template": str(template("share-meetings").id), "recipient": str(person(world, "Bente").id)}
        client.post(c_url(world, "/requests"), data=data)
        page = client.post(c_url(world, "/requests"), data=data, follow_redirects=True).get_data(as_text=True)
        assert "already been asked exactly this" in page
        count = (
            select(func.count())
            .select_from(ConsentRequest)
            .where(ConsentRequest.recipient_id == person(world, "Bente").id)
        )
        assert db.session.scalar(count) == 1

    def test_the_partner_consultant_does_not_see_consents_about_people_hidden_from_them(
        self, app, client, world, login
    ):
        bente = person(world, "Bente")
        bente.co_consultant_may_see = False
        with app.test_request_context():
            request = services.create_request(world.family_a, template("share-plan"), bente, actor=world.consultant_a)
            record = services.give(
                world.family_a, request, world.parent_a, language="da", now=db.utcnow(), confirmed_by="passkey"
            )
        db.session.commit()
        family_services.assign_consultant(
            world.family_a, world.consultant_b, AssignmentRole.CO_CONSULTANT, actor=world.admin
        )
        db.session.commit()
        login(world.consultant_b)
        page = client.get(c_url(world)).get_data(as_text=True)
        assert "Lise Lærer" in page and "Bente" not in page
        assert client.get(c_url(world, f"/records/{record.id}")).status_code == 404
        login(world.consultant_a)
        assert "Bente" in client.get(c_url(world)).get_data(as_text=True)

    def test_the_receipt_keeps_who_it_was_given_to(self, app, client, world, login):
        request = plan_request(world)
        given = records(request)[0]
        login(world.parent_a)
        assert "Lise Lærer" in client.get(c_url(world, f"/records/{given.id}")).get_data(as_text=True)
        login(world.consultant_a)
        teacher = person(world, "Lise Lærer")
        url = f"/families/{world.family_a.id}/network/people/{teacher.id}"
        data = {
            "name": "Lone Lærer",
            "relation": "lærer",
            "decides": "no",
            "ring": "middle",
            "sector": "school",
            "organisation": "Vestre Skole",
        }
        response = client.post(url, data=data)
        assert response.status_code == 400
        assert "the name and workplace stay as they are" in html.unescape(response.get_data(as_text=True))
        assert person(world, "Lise Lærer") is not None


class TestInvitations:
    def test_asking_from_the_meeting_names_the_meeting(self, app, client, world, login):
        meeting = network_meeting(app, world, ("Bente",))
        login(world.consultant_a)
        page = client.get(f"/families/{world.family_a.id}/meetings/{meeting.id}").get_data(as_text=True)
        form = page.split('action="/families/')[-1]
        data = {
            "template": str(template("network-meeting").id),
            "recipient": str(person(world, "Bente").id),
            "meeting": str(meeting.id),
            "back": "meeting",
        }
        assert 'name="back" value="meeting"' in page and str(meeting.id) in form
        response = client.post(c_url(world, "/requests"), data=data)
        assert response.status_code == 302 and f"/meetings/{meeting.id}#invite" in response.location
        request = db.session.scalar(select(ConsentRequest).where(ConsentRequest.meeting_id == meeting.id))
        assert request.recipient_id == person(world, "Bente").id
        assert "asked, waiting for the parents" in client.get(response.location).get_data(as_text=True)
        # An invitation text without a meeting, or a meeting with another text, is refused in words.
        data.pop("meeting")
        response = client.post(
            c_url(world, "/requests"), data={**data, "recipient": str(person(world, "Lise Lærer").id)}
        )
        assert response.status_code == 400 and "Choose the network meeting" in response.get_data(as_text=True)
