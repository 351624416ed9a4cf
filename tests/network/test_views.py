"""The network map's screens: the family and the consultant keep the map, the partner consultant sees only what
the family allows, the history compares, bad input is refused clearly, other families' people are a 404."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.families import services as family_services
from familyapp.families.models import AssignmentRole
from familyapp.network import services
from familyapp.network.models import KinRelation, NetworkPerson, NetworkRevision, PersonKind, Ring, Sector
from tests import factories
from tests.network.helpers import SVG, list_people, map_svg, person_named, private, professional, svg_people


def n_url(family, rest=""):
    return f"/families/{family.id}/network{rest}"


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def make_partner(world):
    """Consultant B becomes family A's partner consultant ("makker")."""
    family_services.assign_consultant(
        world.family_a, world.consultant_b, AssignmentRole.CO_CONSULTANT, actor=world.admin
    )
    db.session.commit()
    return world.consultant_b


class TestMap:
    def test_the_svg_and_the_list_show_the_same_people(self, client, world, login):
        login(world.parent_a)
        page = client.get(n_url(world.family_a)).get_data(as_text=True)
        drawn, listed = svg_people(page), list_people(page)
        ours = {
            str(p.id)
            for p in db.session.scalars(select(NetworkPerson).where(NetworkPerson.family_id == world.family_a.id))
        }
        assert set(drawn) == set(listed) == ours and len(ours) == 3
        assert {pid: (ring, sector) for pid, (_t, ring, sector) in drawn.items()} == listed
        assert any(
            title.startswith("Karsten Berg, sagsbehandler") and "Makes decisions" in title
            for title, _r, _s in drawn.values()
        )
        assert "Who makes decisions?" in page and "makes decisions" in page and "supports" in page
        assert "Maria B" not in page and "mirror-banner" not in page

    def test_everyone_on_a_crowded_map_has_a_name_in_the_drawing(self, client, world, login):
        # Bente is moved among six newcomers close to the family, then on to other rings and parts of life.
        for i in range(6):
            services.add_person(
                world.family_a,
                PersonKind.PRIVATE,
                factories.person_data(f"Fætter{i} Hansen", "fætter"),
                actor=world.parent_a,
                among=[],
            )
        db.session.commit()
        bente = person_named(world.family_a, "Bente")
        login(world.parent_a)
        for ring, sector in (("close", "family"), ("middle", "family"), ("far", "friends"), ("close", "family")):
            services.update_person(
                world.family_a, bente, {"ring": Ring(ring), "sector": Sector(sector)}, actor=world.parent_a, among=[]
            )
            db.session.commit()
            page = client.get(n_url(world.family_a)).get_data(as_text=True)
            drawing = map_svg(page)
            people = [g for g in drawing.iter(f"{SVG}g") if "nm-person" in (g.get("class") or "")]
            assert len(people) == 9, [g.find(f"{SVG}title").text for g in people]
            for g in people:
                name = g.find(f"{SVG}text[@class='nm-name']")
                assert name is not None and name.text.strip(), g.find(f"{SVG}title").text

    def test_consultant_sees_the_same_screen_mirrored(self, client, world, login):
        login(world.consultant_a)
        page = client.get(n_url(world.family_a)).get_data(as_text=True)
        assert "mirror-banner" in page and "Bente" in page and "Add a professional" in page
        assert 'name="private-co_consultant_may_see"' not in page  # only the family decides that
        assert events("family.viewed")[-1].data == {"page": "network"}

    def test_parent_adds_a_neighbour_in_the_close_ring(self, client, world, login):
        login(world.parent_a)
        response = client.post(n_url(world.family_a, "/people"), data=private(phone="12345678", helps_with="Kaffe"))
        hanne = person_named(world.family_a, "Hanne")
        assert response.status_code == 302 and response.location.endswith(f"#person-{hanne.id}")
        assert (hanne.kind, hanne.ring, hanne.sector, hanne.phone) == (
            PersonKind.PRIVATE,
            Ring.CLOSE,
            Sector.FRIENDS,
            "12 34 56 78",
        )
        assert hanne.added_by_id == world.parent_a.id and not hanne.co_consultant_may_see
        page = client.get(n_url(world.family_a)).get_data(as_text=True)
        assert str(hanne.id) in svg_people(page) and 'href="tel:12345678"' in page
        event = events("network.person_added")[-1]
        assert event.actor_id == world.parent_a.id and event.family_id == world.family_a.id
        assert event.data == {"kind": "private"} and "Hanne" not in str(event.data)
        revision = db.session.scalars(select(NetworkRevision).order_by(NetworkRevision.at.desc())).first()
        assert revision.change == "person_added" and "Hanne" in [p["name"] for p in revision.snapshot]

    def test_consultant_adds_a_professional_who_decides(self, client, world, login):
        login(world.consultant_a)
        data = professional(
            "Jens Job",
            "jobkonsulent",
            "yes",
            "middle",
            "authorities",
            organisation="Jobcentret",
            email="jens@kommune.dk",
        )
        assert client.post(n_url(world.family_a, "/people"), data=data).status_code == 302
        jens = person_named(world.family_a, "Jens Job")
        assert jens.decides and jens.organisation == "Jobcentret" and jens.email == "jens@kommune.dk"
        login(world.parent_a)
        page = client.get(n_url(world.family_a)).get_data(as_text=True)
        deciders = page.split('id="deciders-h"')[1].split("</section>")[0]
        assert "Jens Job" in deciders and "Karsten Berg" in deciders and "Lise Lærer" not in deciders

    def test_move_closer_and_change_details(self, client, world, login):
        login(world.parent_a)
        lise = person_named(world.family_a, "Lise Lærer")
        edit = client.get(n_url(world.family_a, f"/people/{lise.id}")).get_data(as_text=True)
        assert 'value="Vestre Skole"' in edit
        data = {
            "name": "Lise Lærer",
            "relation": "lærer",
            "decides": "no",
            "ring": "close",
            "sector": "school",
            "organisation": "Vestre Skole",
        }
        assert client.post(n_url(world.family_a, f"/people/{lise.id}"), data=data).status_code == 302
        assert db.session.get(NetworkPerson, lise.id).ring is Ring.CLOSE
        moved = events("network.person_moved")[-1]
        assert moved.data == {"fields": ["ring"], "from": "middle/school", "to": "close/school"}

    def test_remove_keeps_the_row_and_drops_family_relations(self, client, world, login):
        login(world.parent_a)
        bente = person_named(world.family_a, "Bente")
        assert client.post(n_url(world.family_a, f"/people/{bente.id}/delete")).status_code == 302
        assert db.session.get(NetworkPerson, bente.id).removed_at is not None
        assert (
            db.session.scalar(
                select(func.count()).select_from(KinRelation).where(KinRelation.family_id == world.family_a.id)
            )
            == 0
        )
        page = client.get(n_url(world.family_a)).get_data(as_text=True)
        assert str(bente.id) not in svg_people(page)
        assert client.get(n_url(world.family_a, f"/people/{bente.id}")).status_code == 404
        assert client.post(n_url(world.family_a, f"/people/{bente.id}/delete")).status_code == 404


class TestBadInput:
    def test_missing_unknown_ring_and_sector(self, client, world, login):
        login(world.parent_a)
        response = client.post(
            n_url(world.family_a, "/people"), data=private(name="", ring="very-close", sector="space")
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "Write the person's name." in html.unescape(page) and "Choose how close the person is." in page
        assert "Choose a part of life." in page and 'value="nabo"' in page  # what was typed is kept
        assert 'id="add-private" open' in page
        assert db.session.scalar(select(func.count()).select_from(NetworkPerson).where(NetworkPerson.name == "")) == 0

    def test_bad_input_is_explained_in_danish(self, client, world, login):
        login(world.parent_a)
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "da"
        page = client.post(
            n_url(world.family_a, "/people"), data=private(ring="x", phone="ring efter kl. 16")
        ).get_data(as_text=True)
        assert "Vælg, hvor tæt personen er på." in page and "Skriv et telefonnummer med 8 cifre" in page
        assert 'value="ring efter kl. 16"' in page

    def test_long_names_and_odd_phone_numbers(self, client, world, login):
        login(world.parent_a)
        page = client.post(n_url(world.family_a, "/people"), data=private(name="x" * 101)).get_data(as_text=True)
        assert "At most 100 characters." in page
        long = "Bodil Margrethe Kristensen-Vestergaard Andersen fra Hanstholm"
        assert (
            client.post(n_url(world.family_a, "/people"), data=private(name=long, phone="+45 1234-5678")).status_code
            == 302
        )
        person = person_named(world.family_a, long)
        assert person.phone == "12 34 56 78"
        page = client.get(n_url(world.family_a)).get_data(as_text=True)
        assert svg_people(page)[str(person.id)][0].startswith(long)  # in full in the tooltip and the list
        response = client.post(n_url(world.family_a, "/people"), data=private(name="Ole", phone="123"))
        assert response.status_code == 400 and "8 digits" in response.get_data(as_text=True)

    def test_a_duplicate_is_refused_with_the_text_kept(self, client, world, login):
        login(world.parent_a)
        response = client.post(
            n_url(world.family_a, "/people"),
            data=private(name=" bente ", relation="MORMOR", ring="far", sector="family"),
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "bente is already on the map" in page.replace("Bente", "bente")
        assert (
            db.session.scalar(
                select(func.count()).select_from(NetworkPerson).where(NetworkPerson.family_id == world.family_a.id)
            )
            == 3
        )
        # Another Bente who is someone else is fine once that is written.
        ok = client.post(n_url(world.family_a, "/people"), data=private(name="Bente", relation="nabo"))
        assert ok.status_code == 302

    def test_another_familys_person_is_a_404(self, client, world, login):
        other = person_named(world.family_b, "Bente")
        login(world.parent_a)
        assert client.get(n_url(world.family_a, f"/people/{other.id}")).status_code == 404
        assert client.post(n_url(world.family_a, f"/people/{other.id}/delete")).status_code == 404
        assert client.get(n_url(world.family_b, f"/people/{other.id}")).status_code == 404
        assert db.session.get(NetworkPerson, other.id).removed_at is None

    def test_a_consultant_cannot_set_what_the_partner_sees(self, client, world, login):
        login(world.consultant_a)
        client.post(n_url(world.family_a, "/people"), data=private(co_consultant_may_see="y"))
        assert person_named(world.family_a, "Hanne").co_consultant_may_see is False


class TestPartnerConsultant:
    def test_private_people_are_hidden_until_the_family_allows(self, client, world, login):
        partner = make_partner(world)
        bente = person_named(world.family_a, "Bente")
        login(partner)
        page = client.get(n_url(world.family_a)).get_data(as_text=True)
        assert "Bente" not in page and "Lise Lærer" in page
        assert client.get(n_url(world.family_a, f"/people/{bente.id}")).status_code == 404
        for rest in ("/history", "/family-tree"):
            assert "Bente" not in client.get(n_url(world.family_a, rest)).get_data(as_text=True)
        assert "Bente" not in client.get(f"/families/{world.family_a.id}/meetings/new").get_data(as_text=True)

        login(world.parent_a)
        data = {
            "name": "Bente",
            "relation": "mormor",
            "ring": "close",
            "sector": "family",
            "co_consultant_may_see": "y",
        }
        assert client.post(n_url(world.family_a, f"/people/{bente.id}"), data=data).status_code == 302
        login(partner)
        assert "Bente" in client.get(n_url(world.family_a)).get_data(as_text=True)
        assert "Bente" in client.get(n_url(world.family_a, "/family-tree")).get_data(as_text=True)

    def test_a_duplicate_never_reveals_a_hidden_person(self, client, world, login):
        partner = make_partner(world)
        login(partner)
        response = client.post(
            n_url(world.family_a, "/people"), data=private(name="Bente", relation="mormor", sector="family")
        )
        assert response.status_code == 302  # the partner cannot know Bente is there

    def test_someone_the_partner_adds_stays_visible_to_them(self, client, world, login):
        partner = make_partner(world)
        login(partner)
        assert client.post(n_url(world.family_a, "/people"), data=private(name="Ole")).status_code == 302
        ole = person_named(world.family_a, "Ole")
        assert ole.co_consultant_may_see and client.get(n_url(world.family_a, f"/people/{ole.id}")).status_code == 200

    def test_meetings_and_home_never_name_a_hidden_participant(self, client, world, login):
        from familyapp.meetings.models import Meeting
        from familyapp.meetings.services import participant_from_map

        meeting = db.session.scalar(select(Meeting).where(Meeting.family_id == world.family_a.id))
        bente = person_named(world.family_a, "Bente")
        login(world.parent_a)
        url = f"/families/{world.family_a.id}/meetings/{meeting.id}"
        client.post(f"{url}/suggestions", data={"people": [str(bente.id)]})
        db.session.add(factories.meeting_participant(world.family_a, meeting, participant_from_map(bente)))
        db.session.commit()
        login(make_partner(world))
        for page_url in (f"/families/{world.family_a.id}/", url):
            page = client.get(page_url).get_data(as_text=True)
            assert "Bente" not in page and "mormor" not in page, page_url
        login(world.consultant_a)
        page = client.get(url).get_data(as_text=True)
        assert page.count("Bente") >= 2 and "The family suggests inviting" in page

    def test_a_suggestion_hidden_from_the_partner_stays_waiting_for_the_primary(self, client, world, login):
        from familyapp.meetings.models import Meeting, MeetingSuggestion

        meeting = db.session.scalar(select(Meeting).where(Meeting.family_id == world.family_a.id))
        bente = person_named(world.family_a, "Bente")
        login(world.parent_a)
        client.post(
            f"/families/{world.family_a.id}/meetings/{meeting.id}/suggestions", data={"people": [str(bente.id)]}
        )
        url = f"/families/{world.family_a.id}/meetings/{meeting.id}"
        login(make_partner(world))
        assert "Mark as seen" not in client.get(url).get_data(as_text=True)  # nothing new the partner may see
        client.post(f"{url}/seen")
        assert db.session.scalar(select(MeetingSuggestion.seen_at)) is None
        login(world.consultant_a)
        assert "Mark as seen" in client.get(url).get_data(as_text=True)
        client.post(f"{url}/seen")
        assert db.session.scalar(select(MeetingSuggestion.seen_at)) is not None

    def test_the_history_hides_changes_about_hidden_people(self, client, world, login):
        bente = person_named(world.family_a, "Bente")
        about_bente = db.session.scalar(select(NetworkRevision.id).where(NetworkRevision.person_id == bente.id))
        login(make_partner(world))
        page = client.get(n_url(world.family_a, "/history")).get_data(as_text=True)
        assert str(about_bente) not in page
        assert client.get(n_url(world.family_a, f"/history?version={about_bente}")).status_code == 404

    def test_only_parents_decide_what_the_partner_sees(self, client, world, login):
        from familyapp.families import services as fs

        young = fs.add_adult(world.family_a, "Freja A", "datter", actor=None, young_person=True)
        db.session.commit()
        login(young)
        page = client.get(n_url(world.family_a)).get_data(as_text=True)
        assert "Bente" in page and 'name="private-co_consultant_may_see"' not in page

    def test_primary_consultant_sees_everyone(self, client, world, login):
        make_partner(world)
        login(world.consultant_a)
        assert "Bente" in client.get(n_url(world.family_a)).get_data(as_text=True)


class TestHistory:
    def test_compare_today_with_an_earlier_version(self, client, world, login):
        login(world.parent_a)
        first = db.session.scalars(
            select(NetworkRevision).where(NetworkRevision.family_id == world.family_a.id).order_by(NetworkRevision.at)
        ).first()
        bente, karsten = person_named(world.family_a, "Bente"), person_named(world.family_a, "Karsten Berg")
        client.post(n_url(world.family_a, "/people"), data=private())
        data = {
            "name": "Karsten Berg",
            "relation": "sagsbehandler",
            "decides": "yes",
            "ring": "close",
            "sector": "authorities",
        }
        client.post(n_url(world.family_a, f"/people/{karsten.id}"), data=data)
        page = client.get(n_url(world.family_a, f"/history?version={first.id}")).get_data(as_text=True)
        assert page.count('class="netmap"') == 2
        new = page.split('class="bullets diff-new"')[1].split("</ul>")[0]
        assert "Hanne" in new and "Lise Lærer" in new and "Karsten Berg" in new and "Bente" not in new
        assert str(bente.id) in page  # on both maps
        now = client.get(n_url(world.family_a, "/history")).get_data(as_text=True)
        assert "What has changed since" in now

    def test_each_map_is_captioned_with_its_date_and_who_changed_it(self, client, world, login):
        # Sara put Bente on the map on 3 March; today Mette moves Karsten Berg closer.
        first = db.session.scalars(
            select(NetworkRevision).where(NetworkRevision.family_id == world.family_a.id).order_by(NetworkRevision.at)
        ).first()
        first.at = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
        db.session.commit()
        karsten = person_named(world.family_a, "Karsten Berg")
        services.update_person(world.family_a, karsten, {"ring": Ring.MIDDLE}, actor=world.consultant_a, among=[])
        db.session.commit()
        today = format_date(db.utcnow().astimezone(ZoneInfo("Europe/Copenhagen")), "long", locale="en")
        login(world.parent_a)
        page = client.get(n_url(world.family_a, f"/history?version={first.id}")).get_data(as_text=True)
        captions = [html.unescape(c).strip() for c in re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", page, re.S)]
        assert captions == [
            "The map March 3, 2026 – changed by Sara A",
            f"The map {today} – changed by Mette A",
        ]
        assert "Then:" not in page and ">Now<" not in page

    def test_moves_are_named(self, client, world, login):
        login(world.parent_a)
        karsten = person_named(world.family_a, "Karsten Berg")
        before = db.session.scalars(
            select(NetworkRevision)
            .where(NetworkRevision.family_id == world.family_a.id)
            .order_by(NetworkRevision.at.desc())
        ).first()
        data = {
            "name": "Karsten Berg",
            "relation": "sagsbehandler",
            "decides": "yes",
            "ring": "middle",
            "sector": "authorities",
        }
        client.post(n_url(world.family_a, f"/people/{karsten.id}"), data=data)
        page = client.get(n_url(world.family_a, f"/history?version={before.id}")).get_data(as_text=True)
        closer = page.split('class="bullets diff-closer"')[1].split("</ul>")[0]
        assert "Karsten Berg" in closer and "Further away" in closer and "In between" in closer

    def test_an_unknown_or_foreign_version_is_a_404(self, client, world, login):
        foreign = db.session.scalar(select(NetworkRevision.id).where(NetworkRevision.family_id == world.family_b.id))
        login(world.parent_a)
        assert client.get(n_url(world.family_a, f"/history?version={foreign}")).status_code == 404
        assert client.get(n_url(world.family_a, "/history?version=nonsense")).status_code == 404

    def test_a_family_without_history(self, client, world, login):
        family = factories.make_family("Familien Ny")
        family_services.assign_consultant(family, world.consultant_a, AssignmentRole.PRIMARY, actor=world.admin)
        db.session.commit()
        login(world.consultant_a)
        page = client.get(f"/families/{family.id}/network/history").get_data(as_text=True)
        assert "no earlier versions yet" in page
        assert "Nobody is on the map yet" in client.get(f"/families/{family.id}/network").get_data(as_text=True)


class TestQueries:
    def test_the_map_page_uses_the_same_number_of_queries_for_3_and_30_people(
        self, app, client, world, login, count_queries
    ):
        login(world.parent_a)
        url = n_url(world.family_a)
        client.get(url)
        with count_queries() as few:
            assert client.get(url).status_code == 200
        with app.app_context():
            for i in range(27):
                services.add_person(
                    world.family_a,
                    PersonKind.PRIVATE,
                    factories.person_data(f"Ven {i}", "ven", Ring.MIDDLE, Sector.FRIENDS),
                    actor=world.parent_a,
                    among=[],
                )
            db.session.commit()
        with count_queries() as many:
            page = client.get(url).get_data(as_text=True)
        assert len(svg_people(page)) == 30
        assert len(many) == len(few)

    def test_history_and_tree_pages_are_constant_too(self, app, client, world, login, count_queries):
        login(world.consultant_a)
        counts = {}
        for rest in ("/history", "/family-tree", "/cases"):
            client.get(n_url(world.family_a, rest))
            with count_queries() as q:
                client.get(n_url(world.family_a, rest))
            counts[rest] = len(q)
        with app.app_context():
            for i in range(10):
                services.add_person(
                    world.family_a,
                    PersonKind.PROFESSIONAL,
                    factories.person_data(f"Fag {i}", "lærer", Ring.FAR, Sector.SCHOOL),
                    actor=world.consultant_a,
                    among=[],
                )
            db.session.commit()
        for rest, before in counts.items():
            with count_queries() as q:
                client.get(n_url(world.family_a, rest))
            assert len(q) == before, rest
