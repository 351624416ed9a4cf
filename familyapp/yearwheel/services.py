"""Changing the årshjul, and the plan suggested from the family's cadence and phase.

Every change flushes and writes an audit event; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from .. import db
from ..audit import record_event
from ..families.models import Family, Phase
from ..meetings import cadence
from ..meetings.models import Meeting
from . import queries
from .models import YearActivity

#: A netværksmøde every half year, counted from the month the course started.
NETWORK_EVERY_MONTHS = 6


def add_activity(family: Family, data: dict, *, actor) -> YearActivity:
    """Put an activity in a month.

    :param family: the family whose årshjul it is.
    :param data: ``year``, ``month``, ``title`` and optionally ``purpose``.
    :param actor: the consultant.
    :return: the new activity.
    """
    activity = YearActivity(
        family_id=family.id,
        year=data["year"],
        month=data["month"],
        title=data["title"],
        purpose=data.get("purpose") or "",
    )
    db.session.add(activity)
    db.session.flush()
    record_event(actor, "yearwheel.added", family=family, obj=activity, data={"month": _key(activity)})
    return activity


def move_activity(family: Family, activity: YearActivity, year: int, month: int, *, actor) -> None:
    """Move an activity to another month (nothing happens when it is already there).

    :param family: the activity's family.
    :param activity: the activity, loaded within the family.
    :param year: the new year.
    :param month: the new month, 1-12.
    :param actor: the consultant.
    """
    before = _key(activity)
    if (activity.year, activity.month) == (year, month):
        return
    activity.year, activity.month = year, month
    db.session.flush()
    record_event(actor, "yearwheel.moved", family=family, obj=activity, data={"from": before, "to": _key(activity)})


def remove_activity(family: Family, activity: YearActivity, *, actor) -> None:
    """Take an activity out of the årshjul.

    :param family: the activity's family.
    :param activity: the activity, loaded within the family.
    :param actor: the consultant.
    """
    record_event(actor, "yearwheel.removed", family=family, obj=activity, data={"month": _key(activity)})
    db.session.delete(activity)
    db.session.flush()


def link_meeting(family: Family, activity: YearActivity, meeting: Meeting | None, *, actor) -> None:
    """Link an activity to the dated meeting that carries it out, or unlink it (``meeting=None``).

    :param family: the activity's family.
    :param activity: the activity, loaded within the family.
    :param meeting: a meeting of the same family (the caller loads it within the family), or None.
    :param actor: the consultant.
    """
    if meeting is not None and meeting.family_id != family.id:
        raise ValueError("the meeting belongs to another family")
    new_id = meeting.id if meeting is not None else None
    if activity.meeting_id == new_id:
        return
    activity.meeting_id = new_id
    db.session.flush()
    if meeting is None:
        record_event(actor, "yearwheel.unlinked", family=family, obj=activity)
    else:
        record_event(actor, "yearwheel.linked", family=family, obj=activity, data={"meeting": str(meeting.id)})


@dataclass(frozen=True)
class Suggestion:
    """An activity the consultant may add to the årshjul."""

    year: int
    month: int
    title: str
    purpose: str
    #: "follow_up", "network" or "readiness".
    kind: str

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)


def suggest_plan(family: Family, today: date) -> list[Suggestion]:
    """The year suggested by the family's cadence and phase, in month order (translated for the current user).

    Follow-ups come from the cadence (one per month, even when the rhythm is weekly); a netværksmøde every
    half year from the start month; in the maintenance phase the readiness plan, next month.

    :param family: the family.
    :param today: the day that counts as now; the window is its month and the 11 after it.
    :return: the suggestions.
    """
    months = queries.month_window(today)
    shown = {(m.year, m.month) for m in months}
    found: dict[tuple, Suggestion] = {}

    def suggest(day: date, kind: str, title: str, purpose: str) -> None:
        if (day.year, day.month) in shown:
            found.setdefault((day.year, day.month, title), Suggestion(day.year, day.month, title, purpose, kind))

    follow_up = _("We look at how things are going, and at the agreements in your plan.")
    for day in cadence.suggested_months(family, today):
        suggest(day, "follow_up", _("Follow-up"), follow_up)
    start = family.start_date.year * 12 + family.start_date.month
    for month in months:
        if (month.year * 12 + month.month - start) % NETWORK_EVERY_MONTHS == 0:
            suggest(
                month,
                "network",
                _("Network meeting"),
                _("You, your network and the professionals meet: what goes well, and who helps with what."),
            )
    if family.phase is Phase.MAINTENANCE:
        suggest(
            months[1],
            "readiness",
            _("Readiness plan"),
            _("We make the readiness plan together: what you do if old troubles come back."),
        )
    return sorted(found.values(), key=lambda s: (s.year, s.month, s.kind))


def missing_suggestions(suggestions: list[Suggestion], activities: list[YearActivity]) -> list[Suggestion]:
    """The suggestions not yet in the årshjul: no activity with the same month and title."""
    present = {(a.year, a.month, a.title.strip().casefold()) for a in activities}
    return [s for s in suggestions if (s.year, s.month, s.title.casefold()) not in present]


def accept_suggestions(family: Family, today: date, *, actor) -> list[YearActivity]:
    """Add the suggested activities that are not there yet; accepting twice adds nothing the second time.

    :param family: the family.
    :param today: the day that counts as now.
    :param actor: the consultant.
    :return: the activities added.
    """
    existing = queries.list_activities(family, queries.month_window(today))
    missing = missing_suggestions(suggest_plan(family, today), existing)
    added = [
        YearActivity(family_id=family.id, year=s.year, month=s.month, title=s.title, purpose=s.purpose) for s in missing
    ]
    db.session.add_all(added)
    db.session.flush()
    for activity, s in zip(added, missing, strict=True):
        record_event(actor, "yearwheel.accepted", family=family, obj=activity, data={"kind": s.kind})
    return added


def _key(activity: YearActivity) -> str:
    return queries.month_key(activity.year, activity.month)
