"""Mine oplysninger (GDPR art. 15): everything the app holds about a family member and their children, as the
entries of its sections, for the JSON download and the pages of the screen alike (the sections, their counts, the
pages and the streamed download: ``sections.py``; the rows they are made of, named: ``export_rows.py``; who has
looked: ``looked.py``).

Left out on purpose, and said so on the page: the other parent's own answers (each parent's are theirs), and the
consultants' internal notes (working notes; the municipality answers aktindsigt in them separately).

The entries hold dates and times as Python values so the page can format them; ``dump`` makes them plain text.
People, meetings and links are named or described, never given by their ids.
"""

from __future__ import annotations

import enum
import json
import uuid
from datetime import date, datetime

from sqlalchemy import select

from .. import db
from ..auth.models import Passkey, User
from ..families import queries as family_queries
from ..families.models import Family, PersonKind
from ..meetings.models import CalendarFeed, Meeting
from ..network import queries as network_queries
from ..plans import queries as plan_queries
from ..plans import services as plan_services
from ..scales.models import ScaleSetting
from ..yearwheel.models import YearActivity
from .export_rows import Names, meeting, names_of, tree_names

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


def dump(value, depth: int = 0) -> str:
    """A value as readable JSON in the family's own letters, indented to sit ``depth`` levels into the document
    (so the download, written piece by piece, reads as if written at once)."""
    return json.dumps(_plain(value), ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)


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


def plan_revision(row, names: Names) -> dict:
    """One change to the plan: when, who, what, any agreement stamp, and the plan as it then was."""
    r, actor, agreed = row
    return {
        "at": r.at,
        "who": names.who(r.actor_id, actor),
        "change": r.change,
        "agreed_on": r.agreed_on,
        "agreed_at_meeting": r.agreed_at_meeting,
        "agreed_by": names.who(r.agreed_by_id, agreed) if r.agreed_by_id else "",
        "plan": _plan_snapshot(r.snapshot),
    }


def map_revision(row, names: Names) -> dict:
    """One change to the map: when, who, what, about whom, and the map as it then was."""
    r, actor, about = row
    return {
        "at": r.at,
        "who": names.who(r.actor_id, actor),
        "change": r.change,
        "about": about or "",
        "map": [{k: p.get(k) for k in MAP_FIELDS} for p in (r.snapshot or [])],
    }


def meeting_entry(m: Meeting, participants: list, names: Names) -> dict:
    """A meeting with who comes, any move or cancellation, and the referat.

    :param participants: (participant, the name of their login) for this meeting, in order.
    """
    return {
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
        "participants": [p.name or names.who(p.person_id or p.user_id, login) for p, login in participants],
        "referat": {"minutes": m.minutes, "decisions": m.decisions, "next_step": m.next_step},
    }


def reply(row, _names: Names) -> dict:
    """The person's reply to a meeting invitation."""
    r, kind, starts_at = row
    return {
        "meeting": meeting(kind, starts_at),
        "answer": r.answer.value,
        "reason": r.reason,
        "wish": r.wish,
        "updated_at": r.updated_at,
    }


def question(row, _names: Names) -> dict:
    """A question the person asked for a meeting."""
    q, kind, starts_at = row
    return {"meeting": meeting(kind, starts_at), "text": q.text, "created_at": q.created_at}


def suggestion(row, _names: Names) -> dict:
    """Someone the person suggested inviting to a meeting."""
    s, kind, starts_at, invite = row
    return {"meeting": meeting(kind, starts_at), "invite": invite or "", "created_at": s.created_at}


def answer(row, names: Names) -> dict:
    """One of the person's own answers to a questionnaire, with the questions asked."""
    r, data, kind, starts_at = row
    given = r.answers or {}
    return {
        "scale": data.get("key", ""),
        "title": data.get("title", {}),
        "about": names.person(r.about_person_id),
        "meeting": meeting(kind, starts_at),
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


def consent(row, names: Names) -> dict:
    """One of the person's consents: what, to whom, why, about which child and meeting, as shown at the time.

    Older records kept no snapshot: then the request and the text tell it (the recipient's name as it is now).
    """
    record, request, template, recipient, meeting_at = row
    data, language = template.data, record.language

    def text(name: str) -> str:
        return data[name].get(language) or data[name]["da"]

    told = {
        "title": text("title"),
        "to": recipient.name if recipient else "",
        "to_who": recipient.role if recipient else "",
        "why": text("purpose"),
        "note": request.note,
        "about": names.person(request.about_person_id),
        "meeting_at": meeting_at,
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


def link(row, _names: Names) -> dict:
    """An address through which a partner can see what the family has consented to share."""
    found, recipient, kind, starts_at = row
    return {
        "to": recipient.name if recipient else "",
        "to_who": recipient.role if recipient else "",
        "meeting_invitation": found.meeting_id is not None,
        "meeting": meeting(kind, starts_at),
        "created_at": found.created_at,
        "expires_at": found.expires_at,
        "revoked_at": found.revoked_at,
    }


def visit(event, partners: dict[str, str]) -> dict:
    """A time a partner opened their link: when, who, and what it showed.

    :param partners: the name behind each link, by the link's id as text (``export_rows.link_names``).
    """
    return {
        "at": event.at,
        "who": partners.get(event.object_id or "", ""),
        "shown": list((event.data or {}).get("shown", [])),
    }


def you(view, names: Names) -> dict:
    """The "About you" section (the household is loaded once for the request)."""
    people, _consultants = family_queries.household(view.family)
    return _you(view.viewer, people)


def family(view, names: Names | None) -> dict:
    """The "Your family" section, with the family tree named (``names``: the household's, else loaded here)."""
    people, consultants = family_queries.household(view.family)
    relations = network_queries.list_relations(view.family)
    names = names or names_of(view.family)
    return _family(view.family, people, consultants, relations, tree_names(view.family, relations, names))


def plan(view, _names: Names) -> dict:
    """The plan as the family sees it, with the readiness plan."""
    return _plan(view.family)


def year_wheel(view, _names: Names) -> list[dict]:
    """The family's activities in the year wheel."""
    return _rows(_year_wheel(view.family), ("year", "month", "title", "purpose"))


def network_map(view, _names: Names) -> list[dict]:
    """The people on the map today."""
    return _rows(
        network_queries.list_people(view),
        ("name", "relation", "organisation", "helps_with", "phone", "email", "decides"),
    )


def cases(view, _names: Names) -> list[dict]:
    """The family's cases at the authorities."""
    return _rows(network_queries.list_cases(view.family), ("authority", "about", "decided_by", "next_step"))
