"""The family's home screen (the same template for the family and, mirrored, for its consultant) and everyone's
way in: screens that combine what the features offer. The consultant's caseload is in caseload_views."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam

from .. import db
from ..access import family_screen_or_404, family_view_or_404, home_family_id, is_admin, is_consultant
from ..auth import notices
from ..auth.models import Role
from ..consent import queries as consent_queries
from ..families import queries, services
from ..families.forms import CadenceForm, PhaseForm
from ..families.models import Cadence, Phase
from ..meetings import queries as meeting_queries
from ..meetings.cadence import Rules, follow_up
from ..plans import queries as plan_queries
from ..scales import queries as scale_queries

bp = Blueprint("overview", __name__)


@bp.get("/")
def index():
    """Send everyone to their own start page."""
    if not current_user.is_authenticated:
        return redirect(url_for("signin.login"))
    if is_admin(current_user):
        return redirect(url_for("admin.index"))
    if is_consultant(current_user):
        return redirect(url_for("overview.caseload"))
    if current_user.role is Role.LEADER:
        return redirect(url_for("leader.index"))
    if current_user.role is Role.OPERATOR:
        return redirect(url_for("operator.index"))
    family_id = home_family_id(current_user)
    if family_id is None:
        return render_template("families/no_family.html")
    return redirect(url_for("overview.home", family_id=family_id))


@bp.get("/families/<family_id>/")
@login_required
def home(family_id: str):
    """The family's home screen: the same template for the family and, mirrored, for its consultant."""
    view = family_view_or_404(family_id, current_user._get_current_object(), page="home")
    family, user, today, now = view.family, view.viewer, db.local_today(), db.utcnow()
    meeting, follow, consents_waiting, unread, switchboard = _meeting_part(view, now)
    return render_template(
        "overview/home.html",
        # What the family member has not read yet (a new consultant, a new phone on their login) stays on their
        # home until they have; other pages show it only after sign-in (recovery.views.notices_for_page).
        security_notices=notices.unread_notices(user) if unread else [],
        security_contact=current_app.config.get("SECURITY_CONTACT") or "",
        view=view,
        family=family,
        meeting=meeting,
        invited=view.is_family and meeting is not None and meeting_queries.invites(meeting, user),
        to_fill=scale_queries.to_fill(family, user, now) if view.is_family else [],
        consents_waiting=consents_waiting,
        consultants=queries.household(family)[1],
        switchboard=switchboard,
        goals=plan_queries.goal_progress(family),
        due=plan_queries.agreements_due(family, today),
        names=queries.names(family),
        today=today,
        phase_form=PhaseForm(phase=family.phase.value) if view.can_edit else None,
        cadence_form=CadenceForm(cadence=family.cadence.value) if view.can_edit else None,
        follow_up=follow,
    )


def _meeting_part(view, now) -> tuple:
    """The next meeting, when the next follow-up is due (by the municipality's rules, loaded with the family), what
    waits for the family member (consent requests to answer, security notices to read) and the municipality's
    number for families: one statement, whatever the family's history.

    :return: (next meeting or None, the follow-up, consent requests waiting, whether notices are unread, the
        municipality's number or None)
    """
    parent, member = view.viewer.role is Role.PARENT, view.is_family
    family, viewer = view.family, view.viewer
    values = {"family": family.id, "viewer": viewer.id, "now": now}
    meeting, last, nxt, *figures = meeting_queries.read_next_with_contacts(_meeting_statement(parent, member), values)
    figures = iter(figures)  # the statement's figures, in the order _meeting_statement adds them
    consents = (next(figures) or 0) if parent else 0
    unread = bool(next(figures)) if member else False
    last_day, next_day = (db.local_date(t) if t else None for t in (last, nxt))
    follow = follow_up(family, last_day, next_day, db.local_date(now), Rules.of(view.municipality))
    return meeting, follow, consents, unread, view.municipality.phone


@cache
def _meeting_statement(parent: bool, member: bool) -> Select:
    """``_meeting_part``'s statement for a parent, another family member or a professional, built once a process
    (the home screen asks it on every visit): the family, the viewer and the time are its parameters."""
    family, viewer = db.stand_in(id="family"), db.stand_in(id="viewer")
    figures = []
    if parent:
        figures.append(consent_queries.count_waiting(family, viewer))
    if member:
        figures.append(notices.any_unread(viewer))
    return meeting_queries.query_next_with_contacts(family, bindparam("now"), *figures)


def _family_setting(family_id: str, form, change, done: str, refused: str):
    """A consultant's one-choice setting on the family's home (its cadence, its phase): checked, changed by the
    service (which audits it), and back to the home screen with a message."""
    view = family_screen_or_404(family_id, consultant_only=True)
    if form.validate_on_submit():
        change(view.family)
        db.session.commit()
        flash(done, "success")
    else:
        flash(refused, "error")
    return redirect(url_for("overview.home", family_id=view.family.id, _anchor="phase"))


@bp.post("/families/<family_id>/cadence")
@login_required
def change_cadence(family_id: str):
    """The consultant sets how often the family is followed up (audited)."""
    form = CadenceForm()
    change = lambda family: services.change_cadence(family, Cadence(form.cadence.data), actor=current_user)  # noqa: E731
    return _family_setting(family_id, form, change, _("Saved."), _("Choose one of the rules."))


@bp.post("/families/<family_id>/phase")
@login_required
def change_phase(family_id: str):
    """The consultant moves the family to another phase (audited)."""
    form = PhaseForm()
    change = lambda family: services.change_phase(family, Phase(form.phase.data), actor=current_user)  # noqa: E731
    return _family_setting(family_id, form, change, _("The phase is changed."), _("Choose one of the phases."))
