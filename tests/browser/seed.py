"""Seed a fresh world into the live server's database and print its ids and activation links as JSON.

Run as ``python -m tests.browser.seed`` with DATABASE_URL and WEBAUTHN_ORIGIN set, like the live server.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta

from familyapp import create_app, db, tenancy
from familyapp.auth.services import activation_display, issue_activation
from tests import factories


def main() -> None:
    app = create_app()
    factories.add_municipality(app.config["DATABASE_URL"], factories.HOME, "Testkommune")
    with app.app_context(), tenancy.entered(factories.HOME):
        world = factories.make_world()
        out = {"family_a": str(world.family_a.id), "family_b": str(world.family_b.id), "links": {}}
        if "--meeting-tomorrow" in sys.argv:
            # A meeting in 30 hours: the wellbeing scale before it is open now.
            starts = db.utcnow().replace(microsecond=0) + timedelta(hours=30)
            meeting = factories.make_meeting(world.family_a, world.parent_a, world.consultant_a, starts_at=starts)
            out["meeting_tomorrow"] = str(meeting.id)
            out["meeting_tomorrow_at"] = starts.isoformat()
        if "--scales-waiting" in sys.argv:
            # Two questionnaires wait for parent A: before tomorrow's meeting, and after the one that just ended.
            now = db.utcnow().replace(microsecond=0)
            ahead = factories.make_meeting(
                world.family_a, world.parent_a, world.consultant_a, starts_at=now + timedelta(hours=30)
            )
            factories.make_meeting(
                world.family_a, world.parent_a, world.consultant_a, starts_at=now - timedelta(hours=2)
            )
            out["meeting_tomorrow"] = str(ahead.id)
        if "--consent-request" in sys.argv:
            # Nobody has answered this one: sharing the meetings with the caseworker, and his partner link.
            from sqlalchemy import select

            from familyapp.consent import services as consent_services
            from familyapp.gate.models import ConsentTemplate
            from familyapp.network.models import NetworkPerson

            text = db.session.scalar(select(ConsentTemplate).where(ConsentTemplate.key == "share-meetings"))
            karsten = db.session.scalar(
                select(NetworkPerson).where(
                    NetworkPerson.family_id == world.family_a.id, NetworkPerson.name == "Karsten Berg"
                )
            )
            request = consent_services.create_request(world.family_a, text, karsten, actor=world.consultant_a)
            _link, token = consent_services.create_link(
                world.family_a, karsten, actor=world.consultant_a, now=db.utcnow()
            )
            out["consent_request"] = str(request.id)
            out["partner_link"] = consent_services.partner_url(token)
        if "--demo-map" in sys.argv:
            # Family A's map filled like the demo's Nielsen family (Bente, Lise Lærer and Karsten Berg are there).
            from familyapp.network import services as network_services
            from familyapp.network.models import PersonKind, Ring, Sector

            for kind, name, relation, ring, sector in (
                (PersonKind.PRIVATE, "Erik", "morfar", Ring.MIDDLE, Sector.FAMILY),
                (PersonKind.PRIVATE, "Kim", "Jonas' bror", Ring.FAR, Sector.FAMILY),
                (PersonKind.PRIVATE, "Bo", "Noahs fodboldtræner", Ring.MIDDLE, Sector.LEISURE),
                (PersonKind.PRIVATE, "Louise", "Saras søster", Ring.CLOSE, Sector.FAMILY),
                (PersonKind.PRIVATE, "Hanne", "veninde", Ring.MIDDLE, Sector.FRIENDS),
                (PersonKind.PROFESSIONAL, "Pia Madsen", "pædagog", Ring.MIDDLE, Sector.SCHOOL),
                (PersonKind.PROFESSIONAL, "Jens Nygaard", "jobkonsulent", Ring.FAR, Sector.AUTHORITIES),
                (PersonKind.PROFESSIONAL, "Anne Vestergaard", "psykolog", Ring.FAR, Sector.SCHOOL),
                (PersonKind.PROFESSIONAL, "Susanne Lund", "egen læge", Ring.FAR, Sector.HEALTH),
            ):
                data = factories.person_data(name, relation, ring, sector)
                network_services.add_person(world.family_a, kind, data, actor=world.consultant_a, among=[])
        for name in ("parent_a", "parent_b", "consultant_a", "consultant_b", "admin", "co_consultant_a", "leader"):
            user = getattr(world, name)
            _a, token, code = issue_activation(user, actor=None)
            out["links"][name] = {**activation_display(token, code), "qr": None, "name": user.name}
        db.session.commit()
        with tenancy.entered(tenancy.NATIONAL):
            _a, token, code = issue_activation(world.operator, actor=None)
            out["links"]["operator"] = {**activation_display(token, code), "qr": None, "name": world.operator.name}
            db.session.commit()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
