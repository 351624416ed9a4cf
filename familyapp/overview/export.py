"""Mine oplysninger (GDPR art. 15): everything the app holds about a family member and their children, for a JSON
download and a printable page (who has looked: ``looked.py``; the rows it is made of, loaded and named:
``export_rows.py``).

Left out on purpose, and said so on the page: the other parent's own answers (each parent's are theirs), and the
consultants' internal notes (working notes; the municipality answers aktindsigt in them separately).

The export holds dates and times as Python values so the page can format them; ``as_json`` makes it plain text.
People, meetings and links are named or described, never given by their ids.
"""

from __future__ import annotations

import enum
import json
import uuid
from datetime import date, datetime

from sqlalchemy import select

from .. import db
from ..audit import AuditEvent
from ..auth.models import Passkey, User
from ..consent import queries
from ..families import queries as family_queries
from ..families.models import Family, PersonKind
from ..gate.models import ConsentRecord, ConsentRequest, ConsentTemplate, PartnerLink
from ..meetings.models import CalendarFeed, Meeting
from ..network import queries as network_queries
from ..network.models import NetworkRevision
from ..plans import queries as plan_queries
from ..plans import services as plan_services
from ..plans.models import PlanRevision
from ..scales import queries as scale_queries
from ..scales.models import ScaleSetting
from ..yearwheel.models import YearActivity
from .export_rows import Names, load, names_for

#: What a consent record's snapshot (``ConsentRecord.shown``) holds; older records have none of it.
SHOWN_KEYS = ("title", "to", "to_who", "why", "note", "about", "meeting_at", "covers", "months", "text", "version")
#: The parts of a kept plan version that the family saw. Listed, not filtered, so a field added to the snapshot
#: later (or a private note kept by an old version) never reaches the export unseen.
PLAN_WORDS = ("dreams", "works", "worries")
GOAL_FIELDS = ("title", "term", "person", "status", "green_looks_like")
AGREEMENT_FIELDS = ("what", "who", "due", "done")
#: The parts of a kept map version that describe a person (its row id is left out).
MAP_FIELDS = ("kind", "name", "ring", "sector", "relation", "organisation", "decides", "co_consultant_may_see")


def _plain(value):
    """The value as plain JSON data: times and dates as ISO text, ids as text, choices by their value."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def as_json(data: dict) -> str:
    """The export as a JSON document (readable, in the family's own letters)."""
    return json.dumps(_plain(data), ensure_ascii=False, indent=2)


def _rows(objects, fields: tuple[str, ...]) -> list[dict]:
    return [{f: getattr(o, f) for f in fields} for o in objects]


def _as_time(value) -> datetime | None:
    """A time kept as ISO text in a snapshot, back to a time (empty: none)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value) if value else None
    return value


def _year_wheel(family: Family) -> list[YearActivity]:
    """The family's activities in the year wheel, by month (one query)."""
    stmt = (
        select(YearActivity).where(YearActivity.family_id == family.id).order_by(YearActivity.year, YearActivity.month)
    )
    return list(db.session.scalars(stmt))


def _you(user: User, people: list) -> dict:
    """The person's own account: name, how to reach them, passkeys, calendar and questionnaire choices."""
    membership = next((m for _p, u, m in people if u is not None and u.id == user.id), None)
    return {
        "name": user.name,
        "role": user.role.value,
        "relation": membership.relation if membership else "",
        "custody": membership.custody if membership else None,
        "phone": user.phone or "",
        "reachable": user.reachable or "",
        "language": user.language,
        "created_at": user.created_at,
        "passkeys": _rows(
            db.session.scalars(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.created_at)),
            ("label", "created_at", "last_used_at"),
        ),
        "calendar_subscription": db.session.scalar(select(CalendarFeed.id).where(CalendarFeed.user_id == user.id))
        is not None,
        "show_own_collaboration_answers": bool(
            db.session.scalar(select(ScaleSetting.show_alliance).where(ScaleSetting.user_id == user.id))
        ),
    }


def _family(family: Family, people: list, consultants: list, relations: list, names: Names) -> dict:
    """Who is in the family, its consultants, and the family tree with names."""

    def side(person_id, network_id) -> str:
        return names.person(person_id) if person_id else names.map_name(network_id)

    return {
        "name": family.name,
        "case_type": family.case_type.value,
        "phase": family.phase.value,
        "start_date": family.start_date,
        "members": [
            {
                "name": p.name,
                "kind": p.kind.value,
                "relation": m.relation if m else ("child" if p.kind is PersonKind.CHILD else ""),
                "birth_date": p.birth_date,
            }
            for p, _u, m in people
        ],
        "consultants": [{"name": a.consultant.name, "role": a.role.value} for a in consultants],
        "family_tree": [
            {"kind": r.kind.value, "a": side(r.a_person_id, r.a_network_id), "b": side(r.b_person_id, r.b_network_id)}
            for r in relations
        ],
    }


def _plan(family: Family) -> dict:
    """The plan as the family sees it (the same data a plan version keeps: never the consultants' private
    notes), with the readiness plan."""
    readiness = _rows(plan_queries.list_readiness(family), ("situation", "what_we_do", "who_we_call"))
    return {**plan_services.snapshot(family), "readiness": readiness}


def _plan_snapshot(snapshot: dict) -> dict:
    """A kept plan version with only the fields the family saw."""
    snapshot = snapshot or {}
    return {
        **{k: snapshot.get(k, "") for k in PLAN_WORDS},
        "goals": [
            {
                **{k: g.get(k) for k in GOAL_FIELDS},
                "steps": [{"text": s.get("text"), "done": s.get("done")} for s in g.get("steps", [])],
            }
            for g in snapshot.get("goals", [])
        ],
        "agreements": [{k: a.get(k) for k in AGREEMENT_FIELDS} for a in snapshot.get("agreements", [])],
    }


def _plan_history(revisions: list[PlanRevision], names: Names) -> list[dict]:
    """Every change to the plan: when, who, what, any agreement stamp, and the plan as it then was."""
    return [
        {
            "at": r.at,
            "who": names.who(r.actor_id),
            "change": r.change,
            "agreed_on": r.agreed_on,
            "agreed_at_meeting": r.agreed_at_meeting,
            "agreed_by": names.who(r.agreed_by_id) if r.agreed_by_id else "",
            "plan": _plan_snapshot(r.snapshot),
        }
        for r in revisions
    ]


def _network_history(revisions: list[NetworkRevision], names: Names) -> list[dict]:
    """Every change to the map: when, who, what, about whom, and the map as it then was."""
    return [
        {
            "at": r.at,
            "who": names.who(r.actor_id),
            "change": r.change,
            "about": names.map_name(r.person_id),
            "map": [{k: p.get(k) for k in MAP_FIELDS} for p in (r.snapshot or [])],
        }
        for r in revisions
    ]


def _meetings(meetings: list[Meeting], names: Names) -> list[dict]:
    """Every meeting with who comes, any move or cancellation, and the referat."""
    return [
        {
            "type": m.type.value,
            "starts_at": m.starts_at,
            "ends_at": m.ends_at,
            "mode": m.mode.value,
            "place": m.place,
            "purpose": m.purpose,
            "preparation": m.preparation,
            "moved_from": m.moved_from,
            "cancelled": m.cancelled,
            "cancelled_at": m.cancelled_at,
            "cancel_reason": m.cancel_reason,
            "participants": [p.name or names.who(p.person_id or p.user_id) for p in m.participants],
            "referat": {"minutes": m.minutes, "decisions": m.decisions, "next_step": m.next_step},
        }
        for m in meetings
    ]


def _your_meeting_words(replies: list, questions: list, suggestions: list, names: Names) -> dict:
    """The person's own replies, questions and suggestions, each with the meeting it was about."""
    return {
        "your_meeting_answers": [
            {
                "meeting": names.meeting(r.meeting_id),
                "answer": r.answer.value,
                "reason": r.reason,
                "wish": r.wish,
                "updated_at": r.updated_at,
            }
            for r in replies
        ],
        "your_meeting_questions": [
            {"meeting": names.meeting(q.meeting_id), "text": q.text, "created_at": q.created_at} for q in questions
        ],
        "your_meeting_suggestions": [
            {
                "meeting": names.meeting(s.meeting_id),
                "invite": names.map_name(s.network_person_id),
                "created_at": s.created_at,
            }
            for s in suggestions
        ],
    }


def _answers(family: Family, user: User, names: Names) -> list[dict]:
    """The person's own answers to the questionnaires (never the other parent's), with the questions asked."""
    answers = scale_queries.responses_of(family, user)
    definitions = scale_queries.definitions_by_id({r.definition_id for r in answers})
    result = []
    for r in answers:
        data = definitions[r.definition_id].data
        given = r.answers or {}
        result.append(
            {
                "scale": data.get("key", ""),
                "title": data.get("title", {}),
                "about": names.person(r.about_person_id),
                "meeting": names.meeting(r.meeting_id),
                "opened_at": r.opens_at,
                "started_at": r.shown_at,
                "sent_at": r.submitted_at,
                "declined_at": r.declined_at,
                "late": r.late,
                "answers": [
                    {"question": item.get("label", {}), "answer": given.get(item["key"])}
                    for item in data.get("items", [])
                    if item.get("key") in given
                ],
                "total": r.total,
            }
        )
    return result


def _consent(record: ConsentRecord, request: ConsentRequest, templates: dict, names: Names) -> dict:
    """One of the person's consents: what, to whom, why, about which child and meeting, as shown at the time.

    Older records kept no snapshot: then the request and the text tell it (the recipient's name as it is now).
    """
    template: ConsentTemplate = templates[request.template_id]
    data, language = template.data, record.language

    def text(name: str) -> str:
        return data[name].get(language) or data[name]["da"]

    recipient = names.on_map.get(request.recipient_id)
    meeting = names.meetings.get(request.meeting_id)
    told = {
        "title": text("title"),
        "to": recipient.name if recipient else "",
        "to_who": recipient.role if recipient else "",
        "why": text("purpose"),
        "note": request.note,
        "about": names.person(request.about_person_id),
        "meeting_at": meeting.starts_at if meeting else None,
        "covers": list(data["covers"]),
        "months": data["months"],
        "text": record.text,
        "version": template.version,
    }
    told |= {k: v for k, v in (record.shown or {}).items() if k in SHOWN_KEYS}
    return {
        **told,
        "meeting_at": _as_time(told["meeting_at"]),
        "action": record.action,
        "at": record.at,
        "expires_at": record.expires_at,
        "language": language,
        "confirmed_by": record.confirmed_by,
        "text_sha256": record.text_hash,
    }


def _links(links: list[PartnerLink], names: Names) -> list[dict]:
    """The addresses through which partners can see what the family has consented to share."""
    return [
        {
            "to": names.map_name(link.recipient_id),
            "to_who": names.map_role(link.recipient_id),
            "meeting_invitation": link.meeting_id is not None,
            "meeting": names.meeting(link.meeting_id),
            "created_at": link.created_at,
            "expires_at": link.expires_at,
            "revoked_at": link.revoked_at,
        }
        for link in links
    ]


def _partner_visits(family: Family, links: list[PartnerLink], names: Names) -> list[dict]:
    """Each time a partner opened their link: when, who, and what it showed (one query)."""
    recipients = {str(link.id): link.recipient_id for link in links}
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.family_id == family.id, AuditEvent.action == "partner.viewed")
        .order_by(AuditEvent.at.desc())
    )
    return [
        {
            "at": e.at,
            "who": names.map_name(recipients.get(e.object_id or "")),
            "shown": list((e.data or {}).get("shown", [])),
        }
        for e in db.session.scalars(stmt)
    ]


def export(view) -> dict:
    """Everything about the viewer and their children, from every part of the app (a fixed number of queries,
    however much there is).

    :param view: the FamilyView of a family member looking at their own data.
    :return: the data; dates and times as Python values (``as_json`` makes it plain).
    """
    family: Family = view.family
    user: User = view.viewer
    people, consultants = family_queries.household(family)
    rows = load(family, user)
    names = names_for(family, rows)
    templates = queries.templates_by_id({r.template_id for r in rows.requests.values()})
    return {
        "generated_at": db.utcnow(),
        "you": _you(user, people),
        "family": _family(family, people, consultants, rows.relations, names),
        "plan": _plan(family),
        "plan_history": _plan_history(rows.plan_revisions, names),
        "meetings": _meetings(rows.meetings, names),
        **_your_meeting_words(rows.replies, rows.questions, rows.suggestions, names),
        "year_wheel": _rows(_year_wheel(family), ("year", "month", "title", "purpose")),
        "network_map": _rows(
            network_queries.list_people(view),
            ("name", "relation", "organisation", "helps_with", "phone", "email", "decides"),
        ),
        "network_map_history": _network_history(rows.map_revisions, names),
        "cases": _rows(network_queries.list_cases(family), ("authority", "about", "decided_by", "next_step")),
        "your_answers": _answers(family, user, names),
        "consents": [_consent(c, rows.requests[c.request_id], templates, names) for c in rows.records],
        "partner_links": _links(rows.links, names),
        "partner_visits": _partner_visits(family, rows.links, names),
    }
