"""The team leader's pages: consultants, families and who is assigned where. No family content here."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from .. import db, i18n, tenancy
from ..access import (
    deny,
    family_for_management_or_404,
    get_in_family_or_404,
    in_own_municipality,
    parse_id,
    roles_required,
)
from ..audit import record_event
from ..auth.models import Role, User
from ..auth.pages import issue_and_show
from ..auth.services import create_user, has_passkeys, with_passkeys
from ..families import queries as family_queries
from ..families import services as family_services
from ..families.models import Assignment, AssignmentRole, CaseType, Family
from ..meetings import cadence
from ..recovery import services as recovery
from .forms import AssignForm, ConsultantForm, ContactForm, FamilyForm, MunicipalityForm, rule_choices

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: What an admin sets of their municipality.
MUNICIPALITY_SETTINGS = ("phone", "cadence_support", "cadence_investigation")


def _consultants(*, confirmed_only: bool = False) -> list[User]:
    """Every consultant's login; with ``confirmed_only``, those in effect (a new one waits for its confirmation)."""
    stmt = select(User).where(User.role == Role.CONSULTANT, in_own_municipality(User, current_user)).order_by(User.name)
    if confirmed_only:
        stmt = stmt.where(User.active.is_(True))
    return list(db.session.scalars(stmt))


def _consultant(user_id: str):
    """The statement for one consultant of the admin's municipality."""
    return select(User).where(
        User.id == parse_id(user_id), User.role == Role.CONSULTANT, in_own_municipality(User, current_user)
    )


def _index_page(consultant_form=None, family_form=None, municipality_form=None, status=200):
    stmt = select(Family).where(in_own_municipality(Family, current_user)).order_by(Family.name)
    families, now = list(db.session.scalars(stmt)), db.utcnow()
    consultants = _consultants()
    municipality = tenancy.own_municipality(current_user)
    return render_template(
        "admin/index.html",
        municipality=municipality,
        municipality_form=municipality_form or _municipality_form(obj=municipality),
        consultants=consultants,
        with_passkeys=with_passkeys({c.id for c in consultants}),
        asked=recovery.asked_by(current_user, now),
        to_confirm=recovery.waiting_for(current_user, now),
        logins=recovery.logins_waiting_for(current_user),
        now=now,
        families=families,
        consultant_form=consultant_form or ConsultantForm(prefix="consultant"),
        family_form=family_form or FamilyForm(prefix="family"),
    ), status


@bp.get("/")
@roles_required(Role.ADMIN)
def index():
    """Consultants and families at a glance, with forms to add both."""
    return _index_page()


def _municipality_form(**kwargs) -> MunicipalityForm:
    form = MunicipalityForm(prefix="municipality", **kwargs)
    form.cadence_support.choices = rule_choices(cadence.installation_rule(CaseType.SUPPORT))
    form.cadence_investigation.choices = rule_choices(cadence.installation_rule(CaseType.INVESTIGATION))
    form.languages.choices = [(language.code, language.name) for language in i18n.offered()]
    if not form.is_submitted():
        own = kwargs.get("obj")
        form.languages.data = [language.code for language in i18n.offered(own.languages if own else None)]
    return form


@bp.post("/municipality")
@roles_required(Role.ADMIN)
def municipality():
    """The municipality's settings (audited, with the names of what changed): its number for families, which they
    see on their home beside their consultant, and its own follow-up rule per case type, which every family on
    the usual rule follows from now on (a family's own rule, set by its consultant, stays)."""
    form = _municipality_form()
    own = tenancy.own_municipality(current_user)
    if own is None:
        deny()
    if not form.validate_on_submit():
        return _index_page(municipality_form=form, status=400)
    values = {name: form[name].data or None for name in MUNICIPALITY_SETTINGS}
    if form.languages.name in request.form:  # the form always sends Danish; a post without it changes no language
        values["languages"] = _languages_setting(form.languages.data)
    changed = [name for name, value in values.items() if getattr(own, name) != value]
    for name in changed:
        setattr(own, name, values[name])
    if changed:
        record_event(current_user, "municipality.changed", obj=own, data={"changed": changed})
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("admin.index", _anchor="municipality"))


def _languages_setting(chosen: list[str]) -> str | None:
    """The languages setting as kept: None when every configured language is chosen (new ones come too), else
    the chosen codes; Danish always."""
    every = [language.code for language in i18n.offered()]
    codes = [code for code in every if code in set(chosen) | {"da"}]
    return None if codes == every else ",".join(codes)


@bp.post("/consultants")
@roles_required(Role.ADMIN)
def add_consultant():
    """Create a consultant's login, waiting for a second person (the team leader or another admin) to confirm it;
    its activation can be shown once it is confirmed."""
    form = ConsultantForm(prefix="consultant")
    if not form.validate_on_submit():
        return _index_page(consultant_form=form, status=400)
    user = create_user(Role.CONSULTANT, form.name.data, actor=current_user, phone=form.phone.data, active=False)
    user.reachable = form.reachable.data or None
    recovery.ask_to_confirm(user, actor=current_user, now=db.utcnow())
    db.session.commit()
    flash(
        _(
            "The login for %(name)s is made. It waits for a second person to confirm it: the team leader or "
            "another administrator. Then you can show the activation here.",
            name=user.name,
        ),
        "success",
    )
    return redirect(url_for("admin.index", _anchor="consultants"))


@bp.post("/consultants/<user_id>/activation")
@roles_required(Role.ADMIN)
def consultant_activation(user_id: str):
    """A consultant's first activation is shown at once; a new one for a consultant who has a passkey (a lost
    phone) is asked for here and handed out after a team leader or a second admin has confirmed it."""
    user = db.session.scalar(_consultant(user_id))
    if user is None:
        deny()
    if not user.active:
        flash(_("The login for %(name)s waits for a second person to confirm it.", name=user.name), "error")
        return redirect(url_for("admin.index", _anchor="consultants"))
    if not has_passkeys(user):
        return issue_and_show(user, actor=current_user)
    recovery.request_recovery(user, actor=current_user, family=None, now=db.utcnow())
    db.session.commit()
    flash(
        _(
            "Asked. When the team leader or another administrator has confirmed it, you can show the new "
            "activation here."
        ),
        "success",
    )
    return redirect(url_for("admin.index", _anchor="consultants"))


@bp.route("/consultants/<user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def consultant(user_id: str):
    """Change how families reach a consultant: phone number and when they can call."""
    user = db.session.scalar(_consultant(user_id))
    if user is None:
        deny()
    form = ContactForm(obj=user)
    if form.validate_on_submit():
        user.phone, user.reachable = form.phone.data or None, form.reachable.data or None
        record_event(current_user, "user.contact_changed", obj=user)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("admin.index"))
    return render_template("admin/consultant.html", user=user, form=form), 400 if form.errors else 200


@bp.post("/families")
@roles_required(Role.ADMIN)
def add_family():
    """Open a new case and go to its assignments."""
    form = FamilyForm(prefix="family")
    if not form.validate_on_submit():
        return _index_page(family_form=form, status=400)
    family = family_services.create_family(
        form.name.data, CaseType(form.case_type.data), form.start_date.data, actor=current_user
    )
    db.session.commit()
    return redirect(url_for("admin.family", family_id=family.id))


def _assign_form() -> AssignForm:
    form = AssignForm(prefix="assign")
    # Only logins in effect: a consultant still waiting for a second person's confirmation has no family yet.
    form.consultant.choices = [SelectChoice(str(c.id), c.name) for c in _consultants(confirmed_only=True)]
    return form


def _family_page(fam: Family, form: AssignForm, status: int = 200):
    consultants = family_queries.list_consultants(fam)
    return render_template("admin/family.html", family=fam, consultants=consultants, form=form), status


@bp.get("/families/<family_id>")
@roles_required(Role.ADMIN)
def family(family_id: str):
    """A family's consultants and the form to assign one."""
    fam = family_for_management_or_404(family_id, current_user)
    record_event(current_user, "family.viewed", family=fam, data={"page": "admin"})
    db.session.commit()
    return _family_page(fam, _assign_form())


@bp.post("/families/<family_id>/assignments")
@roles_required(Role.ADMIN)
def assign(family_id: str):
    """Assign a consultant to the family as primary or partner."""
    fam = family_for_management_or_404(family_id, current_user)
    form = _assign_form()
    if not form.validate_on_submit():
        return _family_page(fam, form, 400)
    consultant = db.session.get(User, parse_id(form.consultant.data))
    family_services.assign_consultant(fam, consultant, AssignmentRole(form.role.data), actor=current_user)
    db.session.commit()
    return redirect(url_for("admin.family", family_id=fam.id))


@bp.post("/families/<family_id>/assignments/<assignment_id>/delete")
@roles_required(Role.ADMIN)
def unassign(family_id: str, assignment_id: str):
    """Take a consultant off the family."""
    fam = family_for_management_or_404(family_id, current_user)
    assignment = get_in_family_or_404(Assignment, assignment_id, fam)
    family_services.unassign_consultant(assignment, actor=current_user)
    db.session.commit()
    return redirect(url_for("admin.family", family_id=fam.id))
