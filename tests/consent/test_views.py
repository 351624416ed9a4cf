"""The consent centre, partner links, network meeting invitations, my data and who has looked, end to end."""

from __future__ import annotations

import html
import json
from datetime import timedelta

from sqlalchemy import func, select

from familyapp import db, gate
from familyapp.auth.models import UserSession
from familyapp.consent import services
from familyapp.families import services as family_services
from familyapp.families.models import AssignmentRole, Membership
from familyapp.gate.models import ConsentRecord, ConsentRequest, ConsentTemplate, PartnerLink
from familyapp.meetings import services as meeting_services
from familyapp.meetings.models import MeetingMode, MeetingType
from familyapp.network.models import NetworkPerson
from tests import factories


def c_url(world, rest=""):
    return f"/families/{world.family_a.id}/consent{rest}"


def person(world, name, family=None):
    family = family or world.family_a
    stmt = select(NetworkPerson).where(NetworkPerson.family_id == family.id, NetworkPerson.name == name)
    return db.session.scalar(stmt)


def template(key):
    return db.session.scalar(select(ConsentTemplate).where(ConsentTemplate.key == key, ConsentTemplate.active))


def plan_request(world):
    """The world's request to share the plan with the teacher (given by parent A)."""
    return db.session.scalar(select(ConsentRequest).where(ConsentRequest.family_id == world.family_a.id))


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


def new_link(app, world, name="Lise Lærer", meeting=None):
    with app.test_request_context():
        _link, token = services.create_link(
            world.family_a, person(world, name), actor=world.consultant_a, now=db.utcnow(), meeting=meeting
        )
        db.session.commit()
    return f"/partner/{token}"


def network_meeting(app, world, names=("Bente", "Lise Lærer")):
    """A network meeting in ten days with these people from the map."""
    with app.test_request_context():
        now = db.utcnow()
        data = {
            "type": MeetingType.NETWORK,
            "starts_at": now + timedelta(days=10),
            "ends_at": now + timedelta(days=10, hours=2),
            "mode": MeetingMode.IN_PERSON,
            "place": "Biblioteket",
            "purpose": "Hvem kan hjælpe?",
            "preparation": "",
        }
        people = [meeting_services.participant_from_map(person(world, n)) for n in names]
        meeting = meeting_services.create_meeting(world.family_a, data, people, actor=world.consultant_a, now=now)
        db.session.commit()
    return meeting


def invite_consent(app, world, meeting, names=("Bente", "Lise Lærer")):
    """Both parents consent to inviting these people to the meeting."""
    with app.test_request_context():
        for name in names:
            request = services.create_request(
                world.family_a,
                template("network-meeting"),
                person(world, name),
                actor=world.consultant_a,
                meeting=meeting,
            )
            for parent in (world.parent_a, world.parent_a2):
                services.give(world.family_a, request, parent, language="da", now=db.utcnow(), confirmed_by="passkey")
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

    def test_the_caseload_tells_about_a_withdrawal(self, client, world, login):
        login(world.parent_a)
        client.post(c_url(world, f"/requests/{plan_request(world).id}/withdraw"))
        login(world.consultant_a)
        assert "Consent withdrawn" in client.get("/caseload").get_data(as_text=True)

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

    def test_custody_is_not_known_until_recorded(self, client, world, login):
        login(world.consultant_a)
        url = f"/families/{world.family_a.id}/people"
        data = {"adult-name": "Kim A", "adult-relation": "stedfar", "adult-custody": "unknown"}
        assert client.post(f"{url}/adults", data=data).status_code == 200
        page = client.get(url).get_data(as_text=True)
        assert "Until custody is recorded, this parent's consent does not count." in html.unescape(page)
        kim = db.session.scalar(select(Membership).where(Membership.relation == "stedfar"))
        assert kim.custody is None
        assert client.post(f"{url}/{world.parent_a2.person_id}/custody", data={"custody": "maybe"}).status_code == 302
        assert db.session.scalar(select(Membership.custody).where(Membership.user_id == world.parent_a2.id)) is True

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


class TestPartnerLink:
    def test_the_link_shows_the_plan_and_stops_the_moment_consent_is_withdrawn(self, app, client, world, login):
        link = new_link(app, world)
        page = client.get(link).get_data(as_text=True)
        assert "The family's plan" in html.unescape(page) and "Op til tiden" in page and "Ringe til skolen" in page
        assert "Lise Lærer" in page and "Rådhuset" not in page  # meetings are not consented
        assert "private" not in page.lower() and "Maria B" not in page
        login(world.parent_a)
        client.post(c_url(world, f"/requests/{plan_request(world).id}/withdraw"))
        gone = client.get(link)
        assert gone.status_code == 410 and "This link no longer works" in gone.get_data(as_text=True)

    def test_stopped_expired_and_unknown_links(self, app, client, world, login):
        link = new_link(app, world)
        row = db.session.scalar(select(PartnerLink).order_by(PartnerLink.created_at.desc()))
        row.expires_at = db.utcnow() - timedelta(minutes=1)
        db.session.commit()
        assert client.get(link).status_code == 410
        link = new_link(app, world)
        row = db.session.scalar(select(PartnerLink).order_by(PartnerLink.created_at.desc()))
        login(world.consultant_a)
        client.post(c_url(world, f"/links/{row.id}/revoke"))
        assert client.get(link).status_code == 410
        assert client.get("/partner/not-a-token").status_code == 410
        login(world.consultant_b)
        assert client.post(c_url(world, f"/links/{row.id}/revoke")).status_code == 404

    def test_a_link_for_someone_without_consent_shows_nothing(self, app, client, world):
        assert client.get(new_link(app, world, "Karsten Berg")).status_code == 410

    def test_scale_answers_only_of_the_parent_who_consented(self, app, client, world):
        with app.test_request_context():
            meeting = factories.make_meeting(
                world.family_a, world.parent_a, world.consultant_a, starts_at=db.utcnow() - timedelta(days=3)
            )
            request = services.create_request(
                world.family_a, template("share-scales"), person(world, "Lise Lærer"), actor=world.consultant_a
            )
            services.give(
                world.family_a, request, world.parent_a2, language="da", now=db.utcnow(), confirmed_by="passkey"
            )
            db.session.commit()
        page = client.get(new_link(app, world)).get_data(as_text=True)
        assert "Answers to the questionnaires" not in page  # parent A2 consented, but has no answers
        with app.test_request_context():
            services.give(
                world.family_a, request, world.parent_a, language="da", now=db.utcnow(), confirmed_by="passkey"
            )
            factories.make_answer(world.family_a, world.parent_a, meeting, (5, 5, 5, 5))
            db.session.commit()
        page = client.get(new_link(app, world)).get_data(as_text=True)
        assert "Answers to the questionnaires" in page and "Sara A" in page

    def test_the_partners_visit_is_audited_and_shown_to_the_family(self, app, client, world, login):
        client.get(new_link(app, world))
        login(world.parent_a)
        page = client.get(f"/families/{world.family_a.id}/who-looked").get_data(as_text=True)
        assert "Lise Lærer" in page and "through their link" in page


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


class TestPartnerView:
    def test_removed_from_the_map_stops_the_link(self, app, client, world, login):
        link = new_link(app, world)
        assert client.get(link).status_code == 200
        login(world.consultant_a)
        teacher = person(world, "Lise Lærer")
        client.post(f"/families/{world.family_a.id}/network/people/{teacher.id}/delete")
        assert client.get(link).status_code == 410
        assert db.session.scalar(select(PartnerLink.revoked_at).where(PartnerLink.recipient_id == teacher.id))

    def test_meetings_show_no_work_meetings_and_scales_no_ratings_of_the_work(self, app, client, world):
        with app.test_request_context():
            past = factories.make_meeting(
                world.family_a, world.parent_a, world.consultant_a, starts_at=db.utcnow() - timedelta(days=3)
            )
            factories.make_meeting(
                world.family_a, world.parent_a, world.consultant_a, type=MeetingType.WORK, place="Teamlokalet"
            )
            for key in ("share-meetings", "share-scales"):
                request = services.create_request(
                    world.family_a, template(key), person(world, "Lise Lærer"), actor=world.consultant_a
                )
                services.give(
                    world.family_a, request, world.parent_a, language="da", now=db.utcnow(), confirmed_by="passkey"
                )
            factories.make_answer(world.family_a, world.parent_a, past, (0, 0, 0, 0))
            factories.make_answer(
                world.family_a,
                world.parent_a,
                past,
                (9, 9, 9, 9),
                purpose="alliance",
                now=past.ends_at + timedelta(hours=1),
            )
            db.session.commit()
        page = client.get(new_link(app, world)).get_data(as_text=True)
        assert "Rådhuset" in page and "Teamlokalet" not in page
        answers = page.split("Answers to the questionnaires")[1]
        assert "<td>0.0 " in answers  # a score of 0 is a score
        assert "36.0" not in answers  # the rating of the work with the consultant is the family's own


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
        page = client.get(f"/families/{world.family_a.id}/my-data").get_data(as_text=True)
        assert "All we hold about you" in page and "Op til tiden" in page and "Goals in the plan" in page

    def test_only_for_the_family_member(self, client, world, login):
        for user in (world.consultant_a, world.parent_b, world.admin):
            login(user)
            assert client.get(f"/families/{world.family_a.id}/my-data.json").status_code == 404


class TestWhoLooked:
    def test_professionals_reads_and_changes_in_plain_words(self, client, world, login):
        login(world.consultant_a)
        client.get(f"/families/{world.family_a.id}/plan")
        login(world.parent_a)
        client.get(f"/families/{world.family_a.id}/plan")  # the family's own reads are not listed
        page = client.get(f"/families/{world.family_a.id}/who-looked").get_data(as_text=True)
        assert "Mette A" in page and "looked at your plan" in page and "family consultant" in page
        assert "asked you for consent" in page and "Sara A" not in page.split('class="plain-list who-looked"')[1]
