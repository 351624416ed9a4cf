"""Meetings: the same screens for the family and, mirrored with planning controls, for its consultant;
and each user's calendar export."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from .. import db, gate, locking, paging
from ..access import FamilyView, deny, family_screen_or_404, forbid, get_in_family_or_404
from ..families import queries as family_queries
from ..families.models import AssignmentRole
from ..network import queries as network_queries
from . import ics, planning, queries, services
from .forms import CancelForm, QuestionForm, ReferatForm, ReplyForm, SuggestForm
from .labels import meeting_type
from .models import Answer, Meeting, MeetingType

bp = Blueprint("meetings", __name__, url_prefix="/families/<family_id>/meetings")

LOCAL = ZoneInfo("Europe/Copenhagen")
#: Earlier meetings shown a page: the latest ones first, older ones a link away.
EARLIER_PER_PAGE = 10

MESSAGES = {
    "ends_before_start": _l("The meeting must end after it starts."),
    "too_far": _l("The date is more than two years away. Check the year."),
    "cancelled": _l("The meeting is cancelled and cannot be changed."),
    "reply_cancelled": _l("The meeting is cancelled, so there is nothing to answer. Your text is kept below."),
    "reply_past": _l("The meeting is over. Your text is kept below; you can tell your contact person."),
    "not_invited": _l("Only the people invited to the meeting can answer here. Nothing was saved."),
}


def _now() -> datetime:
    return db.utcnow()


@bp.get("")
@login_required
def index(family_id: str):
    """Coming meetings first, then the latest earlier ones, a page at a time ("Show older meetings"); cancelled
    and moved meetings stay, marked as such."""
    view = family_screen_or_404(family_id, "meetings")
    now, number = _now(), paging.page_number(request.args.get("page"))
    earlier = paging.fetch_page(queries.query_earlier(view.family, now), number, EARLIER_PER_PAGE)
    return render_template(
        "meetings/index.html",
        view=view,
        family=view.family,
        # The coming meetings head the first page only; an older page goes on with the earlier ones.
        coming=queries.list_coming(view.family, now) if earlier.number == 1 else None,
        earlier=earlier,
    )


def _meeting_page(
    view: FamilyView, meeting: Meeting, reply_form=None, question_form=None, suggest_form=None, status=200
):
    my_reply = None
    replies = queries.replies_for(meeting)
    now, deadline = _now(), current_app.config["REFERAT_DEADLINE_WORKING_DAYS"]
    invited = view.is_family and queries.invites(meeting, view.viewer)
    # Only those the meeting invites are asked whether they come, and may ask or suggest people.
    open_for_family = invited and not meeting.cancelled and meeting.ends_at >= now
    if suggest_form is None:
        suggest_form = SuggestForm(formdata=None)
    suggestions, on_map = _people_of(view, meeting, whole_map=open_for_family)
    suggest_form.people.choices = planning.map_choices(on_map) if open_for_family else []
    if view.is_family:
        my_reply = next((r for r in replies if r.user_id == view.viewer.id), None)
    saved = {"answer": my_reply.answer.value, "reason": my_reply.reason, "wish": my_reply.wish} if my_reply else None
    form = reply_form or ReplyForm(data=saved)
    questions = queries.questions_for(meeting)
    return render_template(
        "meetings/detail.html",
        view=view,
        family=view.family,
        meeting=meeting,
        names=family_queries.names(view.family),
        replies=replies,
        questions=questions,
        reply_form=form,
        question_form=question_form or QuestionForm(formdata=None),
        suggest_form=suggest_form,
        suggestions=suggestions,
        # For the consultant: something from the family not yet marked as seen (it waits in the caseload).
        unseen=view.can_edit and any(x.seen_at is None for x in [*replies, *questions, *(s for s, _n in suggestions)]),
        on_map={p.id for p in on_map},
        my_reply=my_reply,
        invited=invited,
        open_for_family=open_for_family,
        past=meeting.ends_at < now,
        referat_due=queries.referat_due(meeting, deadline),
        referat_late=queries.referat_late(meeting, deadline, now),
        ask=_contact_person(view),
        invitees=(invitees := _invitees(view, meeting)),
        invitation_text=gate.invitation_template() if any(not ok for _p, ok, _a in invitees) else None,
    ), status


def _contact_person(view: FamilyView):
    """Whom the family asks about a late referat: the family consultant (the household is loaded once a request)."""
    _people, consultants = family_queries.household(view.family)
    primary = [a for a in consultants if a.role is AssignmentRole.PRIMARY]
    return next((a.consultant for a in primary or consultants), None)


def _invitees(view: FamilyView, meeting: Meeting) -> list[tuple]:
    """For the consultant of a network meeting: each person invited from the map, whether the parents have
    consented to inviting them to this meeting (the consent gate, asked for all at once), and whether they have
    been asked."""
    if not view.can_edit or meeting.type is not MeetingType.NETWORK or meeting.cancelled:
        return []
    people = queries.invited_from_map(view, meeting)
    allowed = gate.permissions(view.family, {p.id for p in people}, _now())
    asked = gate.asked_about_meeting(meeting)
    return [(p, allowed[p.id].allows("meeting_invitation", meeting.id), p.id in asked) for p in people]


def _people_of(view: FamilyView, meeting: Meeting, whole_map: bool) -> tuple[list[tuple], list]:
    """The family's suggestions with the suggested person's name, and the people on the map the page links or
    offers (the viewer's rules leave out hidden people). The whole map only when the family can suggest from it;
    otherwise just the meeting's own people (one query, none without any), so a page does not grow with the map.

    :return: ([(suggestion, name)], the people on the map: all of them, or those of the meeting)
    """
    suggestions = queries.suggestions_for(meeting)
    wanted = {s.network_person_id for s in suggestions}
    if whole_map:
        on_map = network_queries.list_people(view)
        people = {p.id: p for p in on_map}
        # A suggested person since removed from the map keeps their name (rarely a query).
        people |= network_queries.people_by_id(view.family, wanted - set(people))
    else:
        wanted |= {p.network_person_id for p in meeting.participants if p.network_person_id}
        people = network_queries.people_by_id(view.family, wanted)
        on_map = [p for p in people.values() if p.removed_at is None]
    return [(s, people[s.network_person_id].name) for s in suggestions], on_map


def _meeting_or_404(view: FamilyView, meeting_id: str) -> Meeting:
    # With its participants in the same statement (every meeting page shows them).
    return get_in_family_or_404(Meeting, meeting_id, view.family, joinedload(Meeting.participants))


@bp.get("/<meeting_id>")
@login_required
def detail(family_id: str, meeting_id: str):
    """When, where, who comes and why, how to prepare, the family's answers and questions, and the referat."""
    view = family_screen_or_404(family_id, "meeting")
    return _meeting_page(view, _meeting_or_404(view, meeting_id))


@bp.post("/<meeting_id>/seen")
@login_required
def mark_seen(family_id: str, meeting_id: str):
    """The consultant has seen the family's new answers, questions and suggestions: they stop waiting in the
    caseload. A button of its own, as opening the meeting writes nothing (a GET stores only the audit of a read)."""
    view = family_screen_or_404(family_id, consultant_only=True)
    meeting = _meeting_or_404(view, meeting_id)
    # Suggestions of people hidden from this consultant stay waiting for the one who may see them (the viewer's
    # rules keep the update away from them).
    services.mark_seen(meeting, _now())
    db.session.commit()
    flash(_("Marked as seen."), "success")
    return redirect(url_for("meetings.detail", family_id=view.family.id, meeting_id=meeting.id, _anchor="answers"))


def _invited_or_403(meeting: Meeting) -> None:
    """A family member's answer, question or suggestion for a meeting that does not invite them is refused (403,
    audited) before anything is read from the form; the services refuse it too."""
    if not queries.invites(meeting, current_user):
        forbid(str(MESSAGES["not_invited"]))


def _family_change(view: FamilyView, meeting: Meeting, form, act):
    """Run a family member's reply or question; a refusal keeps what was typed."""
    try:
        act()
    except services.MeetingError as exc:
        if exc.key == "not_invited":
            forbid(str(MESSAGES[exc.key]))
        db.session.rollback()
        form.form_errors.append(str(MESSAGES[exc.key]))
        return None
    db.session.commit()
    flash(_("Thank you. Your contact person can see it now."), "success")
    return redirect(url_for("meetings.detail", family_id=view.family.id, meeting_id=meeting.id))


@bp.post("/<meeting_id>/reply")
@login_required
def reply(family_id: str, meeting_id: str):
    """A family member answers: coming, or cannot come with a reason and a wish for another time."""
    view = family_screen_or_404(family_id, family_only=True)
    meeting = _meeting_or_404(view, meeting_id)
    _invited_or_403(meeting)
    form = ReplyForm()
    if form.validate_on_submit():
        answer = Answer(form.answer.data)
        done = _family_change(
            view,
            meeting,
            form,
            lambda: services.reply(
                view.family, meeting, current_user, answer, form.reason.data, form.wish.data, now=_now()
            ),
        )
        if done is not None:
            return done
    return _meeting_page(view, meeting, reply_form=form, status=400)


@bp.post("/<meeting_id>/questions")
@login_required
def add_question(family_id: str, meeting_id: str):
    """A family member adds a question or topic before the meeting."""
    view = family_screen_or_404(family_id, family_only=True)
    meeting = _meeting_or_404(view, meeting_id)
    _invited_or_403(meeting)
    form = QuestionForm()
    if form.validate_on_submit():
        done = _family_change(
            view,
            meeting,
            form,
            lambda: services.add_question(view.family, meeting, current_user, form.text.data, now=_now()),
        )
        if done is not None:
            return done
    return _meeting_page(view, meeting, question_form=form, status=400)


@bp.post("/<meeting_id>/suggestions")
@login_required
def suggest(family_id: str, meeting_id: str):
    """A family member suggests people from the network map to invite; the consultant decides."""
    view = family_screen_or_404(family_id, family_only=True)
    meeting = _meeting_or_404(view, meeting_id)
    _invited_or_403(meeting)
    on_map = network_queries.list_people(view)
    form = SuggestForm()
    form.people.choices = planning.map_choices(on_map)
    if form.validate_on_submit():
        chosen = [p for p in on_map if str(p.id) in set(form.people.data)]
        done = _family_change(
            view,
            meeting,
            form,
            lambda: services.suggest_participants(view.family, meeting, current_user, chosen, now=_now()),
        )
        if done is not None:
            return done
    return _meeting_page(view, meeting, suggest_form=form, status=400)


def _warn_overlaps(view: FamilyView, meeting: Meeting) -> None:
    users = tuple(p.user_id for p in meeting.participants if p.user_id)
    if services.overlapping(view.family, meeting.starts_at, meeting.ends_at, exclude=meeting, user_ids=users):
        flash(
            _("Note: the family or someone who comes has another meeting at the same time. The meeting is saved."),
            "info",
        )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(family_id: str):
    """Plan a meeting (consultant)."""
    view = family_screen_or_404(family_id, "meeting_new", consultant_only=True)
    # The methods' questions, as a start the consultant can change.
    prepare = _("Why is this meeting important for you? What do you want to get out of it?")
    form = planning.meeting_form(view, preparation=prepare, consultants=[str(current_user.id)])
    if form.validate_on_submit() and planning.check_clock(form):
        data, participants = planning.meeting_data(view, form)
        try:
            meeting = services.create_meeting(view.family, data, participants, actor=current_user, now=_now())
        except services.MeetingError as exc:
            form.form_errors.append(str(MESSAGES[exc.key]))
        else:
            db.session.commit()
            _warn_overlaps(view, meeting)
            flash(_("The meeting is planned."), "success")
            return redirect(url_for("meetings.detail", family_id=view.family.id, meeting_id=meeting.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "meetings/form.html", view=view, family=view.family, form=form, meeting=None, suggested=set()
    ), status


@bp.route("/<meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(family_id: str, meeting_id: str):
    """Change or move a meeting (consultant); a moved meeting shows its old time."""
    view = family_screen_or_404(family_id, "meeting_edit", consultant_only=True)
    meeting = _meeting_or_404(view, meeting_id)
    form = planning.prefill(view, meeting) if request.method == "GET" else planning.meeting_form(view, meeting)
    conflict = None
    if form.validate_on_submit() and planning.check_clock(form):
        data, participants = planning.meeting_data(view, form)
        try:
            saved = locking.save(
                lambda: services.update_meeting(
                    view.family, meeting, data, participants, actor=current_user, now=_now(), version=form.version.data
                )
            )
        except services.MeetingError as exc:
            db.session.rollback()
            form.form_errors.append(str(MESSAGES[exc.key]))
        else:
            if saved:
                _warn_overlaps(view, meeting)
                flash(_("Saved."), "success")
                return redirect(url_for("meetings.detail", family_id=view.family.id, meeting_id=meeting.id))
            meeting = conflict = _meeting_or_404(view, meeting_id)
    suggested = {str(s.network_person_id) for s in queries.suggestions_for(meeting)}
    return locking.edit_page(
        "meetings/form.html", form, conflict, view=view, family=view.family, meeting=meeting, suggested=suggested
    )


@bp.post("/<meeting_id>/cancel")
@login_required
def cancel(family_id: str, meeting_id: str):
    """Cancel a meeting (consultant); it stays visible as cancelled."""
    view = family_screen_or_404(family_id, consultant_only=True)
    meeting = _meeting_or_404(view, meeting_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel_meeting(view.family, meeting, form.reason.data or "", actor=current_user)
            db.session.commit()
            flash(_("The meeting is cancelled. The family can see that."), "success")
        except services.MeetingError as exc:
            flash(str(MESSAGES[exc.key]), "error")
    else:
        flash(_("The reason is too long. The meeting is not cancelled."), "error")
    return redirect(url_for("meetings.detail", family_id=view.family.id, meeting_id=meeting.id))


@bp.route("/<meeting_id>/referat", methods=["GET", "POST"])
@login_required
def referat(family_id: str, meeting_id: str):
    """Write the referat (consultant); the family gets it in full."""
    view = family_screen_or_404(family_id, "meeting_referat", consultant_only=True)
    meeting = _meeting_or_404(view, meeting_id)
    if meeting.cancelled and not meeting.referat_at:
        deny()  # a cancelled meeting has no referat to write (one written before it was cancelled stays editable)
    form = ReferatForm(obj=meeting)
    conflict = None
    if form.validate_on_submit():
        if locking.save(
            lambda: services.save_referat(
                view.family, meeting, form.data, actor=current_user, version=form.version.data
            )
        ):
            flash(_("The referat is saved. The family can read it now."), "success")
            anchor = "referat"
            return redirect(url_for("meetings.detail", family_id=view.family.id, meeting_id=meeting.id, _anchor=anchor))
        # The co-consultant saved meanwhile: keep this text, show theirs, let them merge.
        meeting = conflict = _meeting_or_404(view, meeting_id)
    return locking.edit_page("meetings/referat.html", form, conflict, view=view, family=view.family, meeting=meeting)


def ics_event(meeting: Meeting, family_name: str | None, with_details: bool) -> list[str]:
    """One meeting for a calendar: its type and time; the place and purpose only when chosen."""
    title = meeting_type(meeting.type)
    details = None
    if with_details:
        url = current_app.config["WEBAUTHN_ORIGIN"].rstrip("/") + url_for(
            "meetings.detail", family_id=meeting.family_id, meeting_id=meeting.id
        )
        description = meeting.purpose if family_name is None else f"{family_name}\n{meeting.purpose}"
        details = {"place": meeting.place, "description": description, "url": url}
    return ics.event(meeting, title=title, stamp=_now(), details=details)


@bp.get("/<meeting_id>/calendar.ics")
@login_required
def meeting_ics(family_id: str, meeting_id: str):
    """One meeting as a calendar file, with the details the person sees on the screen."""
    view = family_screen_or_404(family_id, "meeting_ics")
    meeting = _meeting_or_404(view, meeting_id)
    body = ics.calendar([ics_event(meeting, None, True)], "Familieoverblik")
    return current_app.response_class(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="moede.ics"', "Cache-Control": "no-store"},
    )
