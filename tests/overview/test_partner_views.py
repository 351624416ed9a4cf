"""What a named partner sees through their link (familyapp/overview/partner_views.py): only what the family has
consented to share with them, asked again at every visit. A stopped, expired, unknown or unconsented link is the
same plain 410 page."""

from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.consent import services
from familyapp.gate.models import PartnerLink
from familyapp.meetings.models import MeetingType
from tests import factories
from tests.consent.helpers import c_url, new_link, person, plan_request, template


def main(response) -> str:
    """The page's own content, without the layout around it (its nonce differs at every request)."""
    return response.get_data(as_text=True).split('<main id="main"')[1].split("</main>")[0]


def partner_events() -> list[tuple[str, dict]]:
    stmt = select(AuditEvent).where(AuditEvent.action.like("partner.%")).order_by(AuditEvent.at)
    return [(e.action, e.data) for e in db.session.scalars(stmt)]


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


class TestWhatIsShown:
    def test_a_link_shows_the_consented_kinds_only_and_records_them(self, app, client, world):
        with app.test_request_context():
            request = services.create_request(
                world.family_a, template("share-meetings"), person(world, "Karsten Berg"), actor=world.consultant_a
            )
            services.give(
                world.family_a, request, world.parent_a, language="da", now=db.utcnow(), confirmed_by="passkey"
            )
            db.session.commit()
        response = client.get(new_link(app, world, "Karsten Berg"))
        page = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 200 and "Rådhuset" in page  # the meetings, consented
        assert "Op til tiden" not in page and "The family's plan" not in page  # the plan is Lise Lærer's only
        assert partner_events() == [("partner.viewed", {"shown": ["meetings", "referat"]})]

    def test_why_a_link_stopped_is_audited_but_never_shown(self, app, client, world, login):
        partner = app.test_client()  # not signed in, unlike the consultant who stops the link
        unknown = partner.get("/partner/not-a-token")
        assert partner_events() == []  # no link: nothing to tie a visit to
        unconsented = partner.get(new_link(app, world, "Karsten Berg"))
        link = new_link(app, world)
        row = db.session.scalar(select(PartnerLink).order_by(PartnerLink.created_at.desc()))
        login(world.consultant_a)
        client.post(c_url(world, f"/links/{row.id}/revoke"))
        stopped = partner.get(link)
        assert [r.status_code for r in (unknown, unconsented, stopped)] == [410, 410, 410]
        assert main(unknown) == main(unconsented) == main(stopped)  # the same words, whatever the reason
        assert [e for e in partner_events() if e[0] == "partner.refused"] == [
            ("partner.refused", {"why": "no_consent"}),
            ("partner.refused", {"why": "stopped"}),
        ]
