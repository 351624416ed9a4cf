"""Familien Nielsen's plan in the demo."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .. import db
from ..auth.models import User
from ..families.models import Family, Person
from ..plans import services as plan_services
from ..plans.models import GoalStatus, WhoKind


def add_plan(family: Family, consultant: User, parent: User) -> None:
    """A plan in the family's own words, with one agreement due this week."""
    today = db.utcnow().date()
    plan_services.update_words(
        family,
        {
            "dreams": "Vi vil have en hverdag, hvor vi har overskud til hinanden.\n\n"
            "Jeg drømmer om et fast arbejde, og at børnene har venner og trives i skolen.",
            "works": "Aftensmaden sammen\nAlma er glad i børnehaven\nMormor henter om torsdagen",
            "worries": "Morgenerne er kaotiske\nNoah er meget alene i frikvartererne\nØkonomien",
        },
        actor=parent,
        version=0,  # the plan is still blank
    )
    goals = [
        ("Vi kommer op og ud ad døren til tiden", GoalStatus.YELLOW, None, "Alle er i skole og børnehave kl. 8."),
        ("Noah har en ven at lege med efter skole", GoalStatus.RED, "Noah", "Noah leger med en ven hver uge."),
        ("Sara får et fritidsjob", GoalStatus.GREEN, "Sara Nielsen", "Jeg har et job nogle timer om ugen."),
    ]
    persons = {p.name: p.id for p in db.session.scalars(select(Person).where(Person.family_id == family.id))}
    made = []
    for title, status, who, green in goals:
        data = {"title": title, "status": status.value, "person_id": persons.get(who), "green_looks_like": green}
        made.append(plan_services.add_goal(family, data, actor=consultant))
    plan_services.add_step(family, made[0], "Madpakkerne smøres om aftenen", actor=parent)
    step = plan_services.add_step(family, made[0], "Tøjet lægges frem aftenen før", actor=parent)
    plan_services.set_step_done(family, step, True, actor=parent)
    plan_services.add_step(family, made[1], "Spørge klasselæreren om en legeaftale", actor=consultant)
    note = {
        "title": made[1].title,
        "term": "short",
        "status": "red",
        "person_id": made[1].person_id,
        "green_looks_like": made[1].green_looks_like,
        "private_note": "Aftal med Sara, om skolen må kontakte PPR. Spørg til Noahs søvn.",
    }
    plan_services.update_goal(family, made[1], note, actor=consultant, version=made[1].version)
    agreements = [
        ("Ringe til skolen om Noahs frikvarterer", (WhoKind.MEMBER, parent.person_id), today + timedelta(days=3)),
        ("Søge om plads i fritidsklub", (WhoKind.CONSULTANT, consultant.id), today + timedelta(days=12)),
        ("Invitere til netværksmøde", (WhoKind.OTHER, "Mormor"), None),
    ]
    for what, who, due in agreements:
        plan_services.add_agreement(family, {"what": what, "who": who, "due": due}, actor=consultant)
