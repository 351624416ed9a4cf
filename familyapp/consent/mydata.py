"""Mine oplysninger (GDPR art. 15): everything the app holds about a family member and their children, as plain
data for a JSON download and a printable page; and "who has looked", the professionals' reads and changes.

Left out on purpose, and said so on the page: the other parent's own answers (each parent's are theirs), and the
consultants' internal notes (working notes; the municipality answers aktindsigt in them separately).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select

from .. import db
from ..audit import AuditEvent
from ..auth.models import Passkey, User
from ..families import queries as family_queries
from ..families.models import Family, PersonKind
from ..meetings import queries as meeting_queries
from ..meetings.models import CalendarFeed, MeetingQuestion, MeetingReply
from ..network import queries as network_queries
from ..plans import queries as plan_queries
from ..scales import queries as scale_queries
from ..yearwheel.models import YearActivity
from . import queries


def _plain(value):
    """Dates and times as ISO text, so the export is plain JSON."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(objects, fields: tuple[str, ...]) -> list[dict]:
    return [{f: _plain(getattr(o, f)) for f in fields} for o in objects]


def export(view) -> dict:
    """Everything about the viewer and their children, from every part of the app (a fixed number of queries).

    :param view: the FamilyView of a family member looking at their own data.
    :return: plain data (JSON-ready).
    """
    family: Family = view.family
    user: User = view.viewer
    people, consultants = family_queries.household(family)
    names = family_queries.names(family)
    meetings = meeting_queries.list_meetings(family)
    replies = db.session.scalars(select(MeetingReply).where(MeetingReply.user_id == user.id))
    questions = db.session.scalars(select(MeetingQuestion).where(MeetingQuestion.user_id == user.id))
    answers = scale_queries.responses_of(family, user)
    definitions = scale_queries.definitions_by_id({r.definition_id for r in answers})
    requests = {r.id: r for r in queries.list_requests(family)}
    templates = queries.templates_by_id({r.template_id for r in requests.values()})
    mine = [r for r in queries.history(family) if r.user_id == user.id]
    plan = plan_queries.get_plan(family)
    return {
        "generated_at": db.utcnow().isoformat(),
        "you": {
            "name": user.name,
            "role": user.role.value,
            "language": user.language,
            "created_at": _plain(user.created_at),
            "passkeys": _rows(
                db.session.scalars(select(Passkey).where(Passkey.user_id == user.id)),
                ("label", "created_at", "last_used_at"),
            ),
            "calendar_subscription": db.session.scalar(select(CalendarFeed.id).where(CalendarFeed.user_id == user.id))
            is not None,
        },
        "family": {
            "name": family.name,
            "case_type": family.case_type.value,
            "phase": family.phase.value,
            "start_date": _plain(family.start_date),
            "members": [
                {
                    "name": p.name,
                    "kind": p.kind.value,
                    "relation": m.relation if m else ("child" if p.kind is PersonKind.CHILD else ""),
                    "birth_date": _plain(p.birth_date),
                }
                for p, _u, m in people
            ],
            "consultants": [{"name": a.consultant.name, "role": a.role.value} for a in consultants],
        },
        "plan": {
            "dreams": plan.dreams,
            "works": plan.works,
            "worries": plan.worries,
            # Internal notes are left out (see the module's docstring).
            "goals": [
                {
                    "title": g.title,
                    "term": g.term.value,
                    "status": g.status.value,
                    "green_looks_like": g.green_looks_like,
                    "steps": [{"text": s.text, "done": s.done} for s in g.steps],
                }
                for g in plan_queries.list_goals(family)
            ],
            "agreements": [
                {"what": a.what, "who": plan_queries.who_label(a, names), "due": _plain(a.due), "done": a.done}
                for a in plan_queries.list_agreements(family)
            ],
            "readiness": _rows(plan_queries.list_readiness(family), ("situation", "what_we_do", "who_we_call")),
        },
        "meetings": [
            {
                "type": m.type.value,
                "starts_at": _plain(m.starts_at),
                "ends_at": _plain(m.ends_at),
                "place": m.place,
                "purpose": m.purpose,
                "preparation": m.preparation,
                "cancelled": m.cancelled,
                "participants": [p.name if p.name else names.get(p.person_id or p.user_id, "") for p in m.participants],
                "referat": {"minutes": m.minutes, "decisions": m.decisions, "next_step": m.next_step},
            }
            for m in meetings
        ],
        "your_meeting_answers": _rows(replies, ("meeting_id", "answer", "reason", "wish", "updated_at")),
        "your_meeting_questions": _rows(questions, ("meeting_id", "text", "created_at")),
        "year_wheel": _rows(
            db.session.scalars(select(YearActivity).where(YearActivity.family_id == family.id)),
            ("year", "month", "title", "purpose"),
        ),
        "network_map": _rows(
            network_queries.list_people(view),
            ("name", "relation", "organisation", "helps_with", "phone", "email", "decides"),
        ),
        "cases": _rows(network_queries.list_cases(family), ("authority", "about", "decided_by", "next_step")),
        "your_answers": [
            {
                "scale": definitions[r.definition_id].key,
                "about": names.get(r.about_person_id, ""),
                "opened_at": _plain(r.opens_at),
                "shown_at": _plain(r.shown_at),
                "sent_at": _plain(r.submitted_at),
                "declined_at": _plain(r.declined_at),
                "late": r.late,
                "answers": r.answers,
                "total": r.total,
            }
            for r in answers
        ],
        "consents": [
            {
                "text": templates[requests[c.request_id].template_id].key,
                "action": c.action,
                "at": _plain(c.at),
                "expires_at": _plain(c.expires_at),
                "text_shown": c.text,
                "text_sha256": c.text_hash,
            }
            for c in mine
        ],
    }


def who_looked(family: Family, limit: int = 300) -> list[tuple[AuditEvent, str]]:
    """Professionals' reads and changes on the family, and partners' visits through a link, newest first,
    with the name of who did it (two queries)."""
    stmt = (
        select(AuditEvent)
        .where(
            AuditEvent.family_id == family.id,
            or_(AuditEvent.actor_role.in_(("consultant", "admin")), AuditEvent.action == "partner.viewed"),
        )
        .order_by(AuditEvent.at.desc())
        .limit(limit)
    )
    events = list(db.session.scalars(stmt))
    ids = {e.actor_id for e in events if e.actor_id}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
    return [(e, names.get(e.actor_id, "")) for e in events]
