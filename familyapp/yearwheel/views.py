"""Årshjul: the family's coming year by month, as a wheel and as a list; the consultant plans it through the mirror."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import format_date, ngettext, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from .. import db
from ..access import FamilyView, family_screen_or_404, get_in_family_or_404
from ..dates import add_months
from ..families.models import Cadence
from ..meetings import cadence
from ..meetings.labels import meeting_type
from ..meetings.models import Meeting
from . import queries, services, svg
from .forms import ActivityForm, LinkForm, MoveForm, parse_month
from .models import YearActivity

bp = Blueprint("yearwheel", __name__, url_prefix="/families/<family_id>/yearwheel")

#: How the follow-up rule is explained on the suggestions page.
RULES = {
    Cadence.SIX_WEEKS: _l("Follow-up every 6 weeks."),
    Cadence.THREE_MONTHS: _l("Follow-up every 3 months."),
    Cadence.PHASE: _l("Follow-up in the rhythm of the family's phase."),
}


def _today() -> date:
    """Today in Danish local time (the month turns at midnight in Denmark, not in UTC)."""
    return to_user_timezone(db.utcnow()).date()


def _to_wheel(view: FamilyView, anchor: str = ""):
    return redirect(url_for("yearwheel.wheel", family_id=view.family.id, _anchor=anchor or None))


def _month_choices(months: list[date]) -> list[SelectChoice]:
    return [SelectChoice(queries.month_key(m.year, m.month), format_date(m, "LLLL yyyy")) for m in months]


def _meeting_choices(meetings: list[Meeting]) -> list[SelectChoice]:
    choices = [SelectChoice("", _("No meeting"))]
    for m in meetings:
        label = f"{format_date(m.starts_at, 'medium')} · {meeting_type(m.type)}"
        choices.append(SelectChoice(str(m.id), _("%(meeting)s (cancelled)", meeting=label) if m.cancelled else label))
    return choices


def _add_form(months: list[date], **kwargs) -> ActivityForm:
    form = ActivityForm(prefix="add", **kwargs)
    form.month.choices = _month_choices(months)
    return form


def _edit_forms(activities, months, meetings, failed: dict) -> dict:
    """Each activity's move and link forms, showing where it is now; a form that failed comes back as typed."""
    month_choices, meeting_choices = _month_choices(months), _meeting_choices(meetings)
    forms = {}
    for a in activities:
        move = failed.get(("move", a.id)) or MoveForm(
            prefix=f"move-{a.id}", formdata=None, month=queries.month_key(a.year, a.month)
        )
        link = failed.get(("link", a.id)) or LinkForm(
            prefix=f"link-{a.id}", formdata=None, meeting=str(a.meeting_id or "")
        )
        move.month.choices, link.meeting.choices = month_choices, meeting_choices
        forms[a.id] = (move, link)
    return forms


def _meetings_by_month(months: list[date], meetings: list[Meeting], activities) -> dict[str, list[Meeting]]:
    """The meetings of each shown month (in Danish time) that no activity points to: the wheel is linked to the
    meetings, so a month with a meeting but no activity shows the meeting, never "Nothing planned". A cancelled
    meeting is not planned any more."""
    zone, linked = _zone(), {a.meeting_id for a in activities}
    result: dict[str, list[Meeting]] = {queries.month_key(m.year, m.month): [] for m in months}
    for meeting in meetings:
        local = meeting.starts_at.astimezone(zone)
        key = queries.month_key(local.year, local.month)
        if key in result and meeting.id not in linked and not meeting.cancelled:
            result[key].append(meeting)
    return result


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _window(months: list[date]) -> tuple[datetime, datetime]:
    """The shown months as moments in UTC: from midnight in Denmark on the first day to the month after."""
    zone = _zone()
    start = datetime.combine(months[0], time(), tzinfo=zone)
    end = datetime.combine(add_months(months[-1], 1), time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _wheel_page(view: FamilyView, add_form=None, failed: dict | None = None, status: int = 200):
    """The wheel and its text list; at most one query for activities and one for meetings, however many."""
    family, today, failed = view.family, _today(), failed or {}
    months = queries.month_window(today)
    activities = queries.list_activities(family, months)
    by_month = {queries.month_key(m.year, m.month): [] for m in months}
    for a in activities:
        by_month[queries.month_key(a.year, a.month)].append(a)
    start, end = _window(months)
    # The shown months' meetings and those the activities point to: also the consultant's choices to link an
    # activity to, so the wheel does not grow with the family's history.
    shown = queries.meetings_for_wheel(family, {a.meeting_id for a in activities if a.meeting_id}, start, end)
    meetings = {m.id: m for m in shown}
    edit_forms = {}
    if view.can_edit:
        add_form = add_form or _add_form(months, month=queries.month_key(today.year, today.month))
        edit_forms = _edit_forms(activities, months, shown, failed)
    month_meetings = _meetings_by_month(months, shown, activities)
    return render_template(
        "yearwheel/wheel.html",
        view=view,
        family=family,
        today=today,
        months=months,
        by_month=by_month,
        month_meetings=month_meetings,
        total=len(activities),
        total_meetings=sum(len(v) for v in month_meetings.values()),
        segments=svg.segments(
            months, {k: len(v) for k, v in by_month.items()}, today, {k: len(v) for k, v in month_meetings.items()}
        ),
        viewbox=svg.VIEWBOX,
        meetings=meetings,
        add_form=add_form,
        edit_forms=edit_forms,
        failed=failed,
    ), status


@bp.get("")
@login_required
def wheel(family_id: str):
    """The årshjul: the coming 12 months, what will happen in each, and why."""
    return _wheel_page(family_screen_or_404(family_id, "yearwheel"))


@bp.post("/activities")
@login_required
def add(family_id: str):
    """Put an activity in a month (consultant)."""
    view = family_screen_or_404(family_id, consultant_only=True)
    form = _add_form(queries.month_window(_today()))
    if not form.validate_on_submit():
        return _wheel_page(view, add_form=form, status=400)
    year, month = parse_month(form.month.data)
    data = {"year": year, "month": month, "title": form.title.data, "purpose": form.purpose.data}
    activity = services.add_activity(view.family, data, actor=current_user)
    db.session.commit()
    flash(_("The activity is added."), "success")
    return _to_wheel(view, f"activity-{activity.id}")


@bp.post("/activities/<activity_id>/move")
@login_required
def move(family_id: str, activity_id: str):
    """Move an activity to another month (consultant)."""
    view = family_screen_or_404(family_id, consultant_only=True)
    activity = get_in_family_or_404(YearActivity, activity_id, view.family)
    form = MoveForm(prefix=f"move-{activity.id}")
    form.month.choices = _month_choices(queries.month_window(_today()))
    if not form.validate_on_submit():
        return _wheel_page(view, failed={("move", activity.id): form}, status=400)
    services.move_activity(view.family, activity, *parse_month(form.month.data), actor=current_user)
    db.session.commit()
    flash(_("The activity is moved."), "success")
    return _to_wheel(view, f"activity-{activity.id}")


@bp.post("/activities/<activity_id>/meeting")
@login_required
def link(family_id: str, activity_id: str):
    """Link an activity to one of the family's meetings, or unlink it (consultant)."""
    view = family_screen_or_404(family_id, consultant_only=True)
    activity = get_in_family_or_404(YearActivity, activity_id, view.family)
    form = LinkForm(prefix=f"link-{activity.id}")
    if not form.validate_on_submit():
        return _wheel_page(view, failed={("link", activity.id): form}, status=400)
    # Loaded within the family: another family's meeting id is a 404 like any foreign id.
    meeting = get_in_family_or_404(Meeting, form.meeting.data, view.family) if form.meeting.data else None
    services.link_meeting(view.family, activity, meeting, actor=current_user)
    db.session.commit()
    flash(_("The activity is linked to the meeting.") if meeting else _("The meeting is no longer linked."), "success")
    return _to_wheel(view, f"activity-{activity.id}")


@bp.post("/activities/<activity_id>/delete")
@login_required
def remove(family_id: str, activity_id: str):
    """Take an activity out of the årshjul (consultant)."""
    view = family_screen_or_404(family_id, consultant_only=True)
    activity = get_in_family_or_404(YearActivity, activity_id, view.family)
    anchor = f"month-{queries.month_key(activity.year, activity.month)}"
    services.remove_activity(view.family, activity, actor=current_user)
    db.session.commit()
    flash(_("The activity is removed."), "success")
    return _to_wheel(view, anchor)


@bp.get("/suggestions")
@login_required
def suggestions(family_id: str):
    """The year suggested by the family's cadence and phase, minus what is already in the wheel (consultant)."""
    view = family_screen_or_404(family_id, "yearwheel_suggestions", consultant_only=True)
    today = _today()
    activities = queries.list_activities(view.family, queries.month_window(today))
    missing = services.missing_suggestions(services.suggest_plan(view.family, today), activities)
    return render_template(
        "yearwheel/suggestions.html",
        view=view,
        family=view.family,
        suggestions=missing,
        rule=RULES[cadence.rule(view.family, cadence.Rules.of(view.municipality))],
    )


@bp.post("/suggestions/accept")
@login_required
def accept_suggestions(family_id: str):
    """Add every suggestion not yet in the wheel (consultant); accepting again adds nothing twice."""
    view = family_screen_or_404(family_id, consultant_only=True)
    added = services.accept_suggestions(view.family, _today(), actor=current_user)
    db.session.commit()
    if added:
        flash(ngettext("%(num)d activity is added.", "%(num)d activities are added.", len(added)), "success")
    else:
        flash(_("Everything suggested is already in the year wheel."), "info")
    return _to_wheel(view)
