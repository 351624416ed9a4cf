"""Sager og aktører: the family's cases at each authority, who the contact is, who decides, and what comes next.
Kept by the consultant; the family reads the same page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from .. import db
from ..access import FamilyView, family_screen_or_404, get_in_family_or_404, parse_id
from . import queries, services
from .forms import CaseForm
from .models import AgencyCase
from .views import bp


def _form(professionals, gone=None, **kwargs) -> CaseForm:
    """The case form; ``gone`` is the case's contact who has left the map since, kept as a choice so that saving
    the case does not drop them."""
    form = CaseForm(**kwargs)
    choices = [SelectChoice("", _("No contact person chosen"))] + [
        SelectChoice(str(p.id), p.label) for p in professionals
    ]
    if gone is not None:
        choices.append(SelectChoice(str(gone.id), _("%(name)s (no longer on the map)", name=gone.name)))
    form.contact.choices = choices
    return form


def _professionals(view: FamilyView) -> list:
    return [p for p in queries.list_people(view) if p.is_professional]


def _case_data(form: CaseForm) -> dict:
    data = {k: form[k].data for k in ("authority", "about", "decided_by", "next_step")}
    data["contact_id"] = parse_id(form.contact.data) if form.contact.data else None
    return data


def _page(view: FamilyView, form=None, status: int = 200):
    cases = queries.list_cases(view.family)
    contacts = queries.people_by_id(view.family, {c.contact_id for c in cases if c.contact_id})
    return render_template(
        "network/cases.html",
        view=view,
        family=view.family,
        cases=cases,
        contacts=contacts,
        form=(form or _form(_professionals(view), formdata=None)) if view.can_edit else None,
    ), status


@bp.get("/cases")
@login_required
def cases(family_id: str):
    """The family's cases at the authorities, each with its contact, who decides and what happens next."""
    return _page(family_screen_or_404(family_id, "cases"))


@bp.post("/cases")
@login_required
def add_case(family_id: str):
    """Add a case (consultant)."""
    view = family_screen_or_404(family_id, consultant_only=True)
    form = _form(_professionals(view))
    if not form.validate_on_submit():
        return _page(view, form=form, status=400)
    case = services.add_case(view.family, _case_data(form), actor=current_user)
    db.session.commit()
    flash(_("The case is added. The family can see it now."), "success")
    return redirect(url_for("network.cases", family_id=view.family.id, _anchor=f"case-{case.id}"))


@bp.route("/cases/<case_id>", methods=["GET", "POST"])
@login_required
def edit_case(family_id: str, case_id: str):
    """Change a case: its contact, who decides, what happens next (consultant)."""
    view = family_screen_or_404(family_id, "case_edit", consultant_only=True)
    case = get_in_family_or_404(AgencyCase, case_id, view.family)
    professionals = _professionals(view)
    gone = None
    if case.contact_id and case.contact_id not in {p.id for p in professionals}:
        gone = queries.people_by_id(view.family, {case.contact_id}).get(case.contact_id)
    if request.method == "GET":
        form = _form(professionals, gone, obj=case, contact=str(case.contact_id or ""))
    else:
        form = _form(professionals, gone)
    if form.validate_on_submit():
        services.update_case(view.family, case, _case_data(form), actor=current_user)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("network.cases", family_id=view.family.id, _anchor=f"case-{case.id}"))
    status = 400 if form.errors else 200
    return render_template("network/case.html", view=view, family=view.family, case=case, form=form), status


@bp.post("/cases/<case_id>/delete")
@login_required
def remove_case(family_id: str, case_id: str):
    """Take a case off the list when it has ended (consultant)."""
    view = family_screen_or_404(family_id, consultant_only=True)
    case = get_in_family_or_404(AgencyCase, case_id, view.family)
    services.remove_case(view.family, case, actor=current_user)
    db.session.commit()
    flash(_("The case is removed from the list."), "success")
    return redirect(url_for("network.cases", family_id=view.family.id))
