"""Familien Nielsen's consent in the demo, and a fresh link for Noah's teacher."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .. import db, gate, tenancy
from ..auth.models import User
from ..consent import services as consent_services
from ..families.models import Family
from ..gate.models import ConsentTemplate, PartnerLink
from ..network.models import NetworkPerson
from .common import DEMO_MARK, FIRST


def add_consent(family: Family, consultant: User, parent: User) -> None:
    """Mette asks to share the plan with Noah's teacher (Sara has not answered yet); the meetings were shared with
    the caseworker for a while, until Sara withdrew that consent last week."""
    templates = {t.key: t for t in db.session.scalars(select(ConsentTemplate).where(ConsentTemplate.active))}
    people = {p.name: p for p in db.session.scalars(select(NetworkPerson).where(NetworkPerson.family_id == family.id))}
    note = "Skolen vil gerne vide, hvad I arbejder med, så de kan hjælpe Noah i frikvartererne."
    consent_services.create_request(family, templates["share-plan"], people["Lise Holm"], actor=consultant, note=note)
    shared = consent_services.create_request(
        family, templates["share-meetings"], people["Karsten Berg"], actor=consultant
    )
    now = db.utcnow()
    consent_services.give(family, shared, parent, language="da", now=now - timedelta(days=40), confirmed_by="passkey")
    consent_services.withdraw(
        family, shared, parent, language="da", now=now - timedelta(days=6), confirmed_by="passkey"
    )


def demo_partner_link() -> tuple[str, str] | None:
    """A fresh link for Noah's teacher (earlier demo links stop): it shows the plan once Sara consents.

    :return: (who, address), or None without the demo.
    """
    municipality = tenancy.by_code(FIRST[0])
    if municipality is None:
        return None
    with tenancy.entered(municipality.id):
        return _partner_link()


def _partner_link() -> tuple[str, str] | None:
    family = db.session.scalar(select(Family).where(Family.name == f"Familien Nielsen {DEMO_MARK}"))
    if family is None:
        return None
    teacher = db.session.scalar(
        select(NetworkPerson).where(NetworkPerson.family_id == family.id, NetworkPerson.name == "Lise Holm")
    )
    mette = db.session.scalar(select(User).where(User.name == "Mette Sørensen"))
    now = db.utcnow()
    for link in db.session.scalars(select(PartnerLink).where(PartnerLink.recipient_id == teacher.id)):
        gate.revoke_link(family, link, actor=mette, now=now)
    _link, token = consent_services.create_link(family, teacher, actor=mette, now=now)
    return f"{teacher.name} ({teacher.organisation})", consent_services.partner_url(token)
