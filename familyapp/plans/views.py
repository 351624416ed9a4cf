"""Familiens plan: one set of screens for the family and, mirrored with edit controls, for its consultant."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from .. import db, locking, paging
from ..access import FamilyView, family_screen_or_404, get_in_family_or_404, parse_id
from ..auth.models import User
from ..families import queries as family_queries
from . import queries, services
from .forms import AgreementForm, GoalForm, GoalNoteForm, ReadinessForm, StampForm, StepForm, WordsForm
from .models import Agreement, Goal, GoalStep, PlanRevision, ReadinessItem, WhoKind

bp = Blueprint("plans", __name__, url_prefix="/families/<family_id>/plan")

#: Versions of the plan shown a page: the latest ones first, older ones a link away.
HISTORY_PER_PAGE = 10


def _to_plan(view: FamilyView, anchor: str = ""):
    return redirect(url_for("plans.detail", family_id=view.family.id, _anchor=anchor or None))


def _person_choices(view: FamilyView) -> list[SelectChoice]:
    people, _consultants = family_queries.household(view.family)
    return [SelectChoice("", _("The whole family"))] + [SelectChoice(str(p.id), p.name) for p, _u, _m in people]


def _who_choices(view: FamilyView) -> list[SelectChoice]:
    people, consultants = family_queries.household(view.family)
    return (
        [SelectChoice(f"member:{p.id}", p.name) for p, _u, _m in people]
        + [SelectChoice(f"consultant:{a.consultant_id}", a.consultant.name) for a in consultants]
        + [SelectChoice("other", _("Someone else (write the name)"))]
    )


def _goal_form(view: FamilyView, cls=GoalForm, **kwargs) -> GoalForm:
    form = cls(**kwargs)
    form.person.choices = _person_choices(view)
    return form


def _agreement_form(view: FamilyView, **kwargs) -> AgreementForm:
    form = AgreementForm(**kwargs)
    form.who.choices = _who_choices(view)
    return form


def _who(form: AgreementForm) -> tuple[WhoKind, object]:
    """Turn the chosen "who" into (kind, person id / consultant id / name); the choices were validated."""
    if form.who.data == "other":
        return WhoKind.OTHER, form.who_name.data
    kind, _sep, raw = form.who.data.partition(":")
    return WhoKind(kind), parse_id(raw)


def _plan_page(view: FamilyView, goal_form=None, agreement_form=None, step_forms=None, status: int = 200):
    """The plan, with empty add forms unless a failed one is passed back with what was typed."""
    family = view.family
    goals = queries.list_goals(family)
    agreements = queries.list_agreements(family)
    names = _with_former_consultants(family_queries.names(view.family), agreements)
    return render_template(
        "plans/detail.html",
        view=view,
        family=family,
        plan=queries.get_plan(family),
        goals=goals,
        agreements=[(a, queries.who_label(a, names)) for a in agreements],
        names=names,
        today=db.local_today(),
        goal_form=goal_form or _goal_form(view, prefix="goal"),
        agreement_form=agreement_form or (_agreement_form(view, prefix="agreement") if view.can_edit else None),
        step_forms=step_forms or {},
        new_step_form=StepForm,
    ), status


@bp.get("")
@login_required
def detail(family_id: str):
    """The plan: dreams, goals and steps, agreements, what works and what worries."""
    return _plan_page(family_screen_or_404(family_id, "plan"))


@bp.route("/words", methods=["GET", "POST"])
@login_required
def words(family_id: str):
    """Write the dreams, what works and what worries (family and consultant)."""
    view = family_screen_or_404(family_id, "plan_words")
    plan = queries.get_plan(view.family)
    form = WordsForm(obj=plan)
    conflict = None
    if form.validate_on_submit():
        if locking.save(
            lambda: services.update_words(view.family, form.data, actor=current_user, version=form.version.data)
        ):
            flash(_("Saved."), "success")
            return _to_plan(view, "dreams")
        plan = conflict = queries.get_plan(view.family)
    return locking.edit_page("plans/words.html", form, conflict, view=view, family=view.family, plan=plan)


@bp.post("/goals")
@login_required
def add_goal(family_id: str):
    """Add a goal in the family's own words."""
    view = family_screen_or_404(family_id)
    form = _goal_form(view, prefix="goal")
    if not form.validate_on_submit():
        return _plan_page(view, goal_form=form, status=400)
    services.add_goal(view.family, _goal_data(form), actor=current_user)
    db.session.commit()
    flash(_("The goal is added."), "success")
    return _to_plan(view, "goals")


def _goal_data(form: GoalForm) -> dict:
    data = {k: form[k].data for k in ("title", "term", "status", "green_looks_like")}
    data["person_id"] = parse_id(form.person.data) if form.person.data else None
    if "private_note" in form:
        data["private_note"] = form.private_note.data
    return data


@bp.route("/goals/<goal_id>", methods=["GET", "POST"])
@login_required
def edit_goal(family_id: str, goal_id: str):
    """Edit a goal (consultant), with its private note."""
    view = family_screen_or_404(family_id, "plan_goal", consultant_only=True)
    goal = get_in_family_or_404(Goal, goal_id, view.family)
    form = _goal_form(
        view, GoalNoteForm, obj=goal, person=str(goal.person_id or ""), term=goal.term.value, status=goal.status.value
    )
    conflict = None
    if form.validate_on_submit():
        data = _goal_data(form)
        if locking.save(
            lambda: services.update_goal(view.family, goal, data, actor=current_user, version=form.version.data)
        ):
            flash(_("Saved."), "success")
            return _to_plan(view, f"goal-{goal.id}")
        goal = conflict = get_in_family_or_404(Goal, goal_id, view.family)
    return locking.edit_page("plans/goal.html", form, conflict, view=view, family=view.family, goal=goal)


@bp.post("/goals/<goal_id>/delete")
@login_required
def delete_goal(family_id: str, goal_id: str):
    """Remove a goal (consultant); the history keeps it."""
    view = family_screen_or_404(family_id, consultant_only=True)
    services.delete_goal(view.family, get_in_family_or_404(Goal, goal_id, view.family), actor=current_user)
    db.session.commit()
    flash(_("The goal is removed. It can still be seen in the history."), "success")
    return _to_plan(view, "goals")


@bp.post("/goals/<goal_id>/steps")
@login_required
def add_step(family_id: str, goal_id: str):
    """Add a small step to a goal (family and consultant)."""
    view = family_screen_or_404(family_id)
    goal = get_in_family_or_404(Goal, goal_id, view.family)
    form = StepForm(prefix=f"step-{goal.id}")
    if not form.validate_on_submit():
        return _plan_page(view, step_forms={goal.id: form}, status=400)
    services.add_step(view.family, goal, form.text.data, actor=current_user)
    db.session.commit()
    return _to_plan(view, f"goal-{goal.id}")


@bp.post("/steps/<step_id>/done")
@login_required
def toggle_step(family_id: str, step_id: str):
    """Tick a step off, or back on."""
    view = family_screen_or_404(family_id)
    step = get_in_family_or_404(GoalStep, step_id, view.family)
    services.set_step_done(view.family, step, not step.done, actor=current_user)
    db.session.commit()
    return _to_plan(view, f"goal-{step.goal_id}")


@bp.post("/steps/<step_id>/delete")
@login_required
def delete_step(family_id: str, step_id: str):
    """Remove a step (consultant)."""
    view = family_screen_or_404(family_id, consultant_only=True)
    step = get_in_family_or_404(GoalStep, step_id, view.family)
    goal_id = step.goal_id
    services.delete_step(view.family, step, actor=current_user)
    db.session.commit()
    return _to_plan(view, f"goal-{goal_id}")


def _warn_if_past(form: AgreementForm) -> None:
    if form.due.data and form.due.data < db.local_today():
        flash(_("Note: the date has already passed. The agreement is saved."), "info")


@bp.post("/agreements")
@login_required
def add_agreement(family_id: str):
    """Add an agreement (consultant): who does what by when."""
    view = family_screen_or_404(family_id, consultant_only=True)
    form = _agreement_form(view, prefix="agreement")
    if not form.validate_on_submit():
        return _plan_page(view, agreement_form=form, status=400)
    services.add_agreement(
        view.family, {"what": form.what.data, "who": _who(form), "due": form.due.data}, actor=current_user
    )
    db.session.commit()
    _warn_if_past(form)
    flash(_("The agreement is added."), "success")
    return _to_plan(view, "agreements")


def _who_value(agreement: Agreement) -> str:
    if agreement.who_kind is WhoKind.OTHER:
        return "other"
    return f"{agreement.who_kind.value}:{agreement.who_person_id or agreement.who_user_id}"


@bp.route("/agreements/<agreement_id>", methods=["GET", "POST"])
@login_required
def edit_agreement(family_id: str, agreement_id: str):
    """Edit an agreement (consultant)."""
    view = family_screen_or_404(family_id, "plan_agreement", consultant_only=True)
    agreement = get_in_family_or_404(Agreement, agreement_id, view.family)
    form = _agreement_form(view, obj=agreement, who=_who_value(agreement))
    if _who_value(agreement) not in {c.value for c in form.who.choices}:
        # The agreement names a consultant no longer assigned: keep them selectable, never swap silently.
        former = _with_former_consultants({}, [agreement]).get(agreement.who_user_id, "")
        form.who.choices.insert(0, SelectChoice(_who_value(agreement), former))
    conflict = None
    if form.validate_on_submit():
        data = {"what": form.what.data, "who": _who(form), "due": form.due.data}
        if locking.save(
            lambda: services.update_agreement(
                view.family, agreement, data, actor=current_user, version=form.version.data
            )
        ):
            _warn_if_past(form)
            flash(_("Saved."), "success")
            return _to_plan(view, "agreements")
        agreement = conflict = get_in_family_or_404(Agreement, agreement_id, view.family)
    return locking.edit_page("plans/agreement.html", form, conflict, view=view, family=view.family, agreement=agreement)


@bp.post("/agreements/<agreement_id>/done")
@login_required
def toggle_agreement(family_id: str, agreement_id: str):
    """Mark an agreement done or not done (family and consultant)."""
    view = family_screen_or_404(family_id)
    agreement = get_in_family_or_404(Agreement, agreement_id, view.family)
    services.set_agreement_done(view.family, agreement, not agreement.done, actor=current_user)
    db.session.commit()
    return _to_plan(view, "agreements")


@bp.post("/agreements/<agreement_id>/delete")
@login_required
def delete_agreement(family_id: str, agreement_id: str):
    """Remove an agreement (consultant)."""
    view = family_screen_or_404(family_id, consultant_only=True)
    services.delete_agreement(
        view.family, get_in_family_or_404(Agreement, agreement_id, view.family), actor=current_user
    )
    db.session.commit()
    return _to_plan(view, "agreements")


@bp.get("/history")
@login_required
def history(family_id: str):
    """Every change: who, when, what, the latest first and older ones a page at a time; earlier versions can be
    opened."""
    view = family_screen_or_404(family_id, "plan_history")
    page = paging.fetch_page(
        queries.query_revisions(view.family), paging.page_number(request.args.get("page")), HISTORY_PER_PAGE
    )
    return render_template("plans/history.html", view=view, family=view.family, revisions=page)


def _with_former_consultants(names: dict, agreements: list[Agreement]) -> dict:
    """Add the names of consultants who have an agreement but are no longer assigned (one query, if any)."""
    missing = {a.who_user_id for a in agreements if a.who_user_id and a.who_user_id not in names}
    if not missing:
        return names
    return names | dict(db.session.execute(select(User.id, User.name).where(User.id.in_(missing))).all())


@bp.route("/history/<revision_id>", methods=["GET", "POST"])
@login_required
def revision(family_id: str, revision_id: str):
    """One earlier version of the plan; the consultant can stamp it as agreed at a meeting."""
    view = family_screen_or_404(family_id, "plan_history")
    rev = get_in_family_or_404(PlanRevision, revision_id, view.family)
    form = StampForm(start=view.family.start_date, today=db.local_today()) if view.can_edit else None
    if form is not None and form.validate_on_submit():
        services.stamp_agreed(view.family, rev, form.meeting.data, form.day.data, actor=current_user)
        db.session.commit()
        flash(_("The version is marked as agreed."), "success")
        return redirect(url_for("plans.revision", family_id=view.family.id, revision_id=rev.id))
    status = 400 if form is not None and form.errors else 200
    return render_template("plans/revision.html", view=view, family=view.family, rev=rev, form=form), status


@bp.get("/print")
@login_required
def print_view(family_id: str):
    """The plan on one A4 page, for the fridge (never the private notes)."""
    view = family_screen_or_404(family_id, "plan_print")
    board = services.snapshot(view.family)
    return render_template("plans/print.html", view=view, family=view.family, board=board, today=db.local_today())


@bp.route("/readiness", methods=["GET", "POST"])
@login_required
def readiness(family_id: str):
    """Beredskabsplan: what we do if old troubles come back. Always visible to the family."""
    view = family_screen_or_404(family_id, "readiness")
    form = ReadinessForm()
    if form.validate_on_submit():
        services.add_readiness_item(view.family, _readiness_data(form), actor=current_user)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("plans.readiness", family_id=view.family.id))
    items = queries.list_readiness(view.family)
    status = 400 if form.errors else 200
    return render_template("plans/readiness.html", view=view, family=view.family, items=items, form=form), status


def _readiness_data(form: ReadinessForm) -> dict:
    return {k: form[k].data or "" for k in ("situation", "what_we_do", "who_we_call")}


@bp.post("/readiness/<item_id>/delete")
@login_required
def delete_readiness(family_id: str, item_id: str):
    """Remove a situation from the readiness plan (consultant)."""
    view = family_screen_or_404(family_id, consultant_only=True)
    services.delete_readiness_item(
        view.family, get_in_family_or_404(ReadinessItem, item_id, view.family), actor=current_user
    )
    db.session.commit()
    return redirect(url_for("plans.readiness", family_id=view.family.id))
