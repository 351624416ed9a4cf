"""The national operator: adds municipalities and gives each its first administrator. The operator works in no
municipality (tenancy.NATIONAL) and enters one only to create its admin; no family is ever shown."""

from __future__ import annotations

import uuid

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import db, tenancy
from ..access import roles_required
from ..audit import record_event
from ..auth.models import Role
from ..auth.pages import issue_and_show
from ..auth.services import create_user
from .forms import AdminForm, MunicipalityForm

bp = Blueprint("operator", __name__, url_prefix="/operator")


def _admin_form(municipalities: list) -> AdminForm:
    """The form for a municipality's first administrator, choosing among ``municipalities``."""
    form = AdminForm(prefix="admin")
    form.municipality.choices = [SelectChoice(str(m.id), m.name) for m in municipalities]
    return form


def _page(municipality_form=None, admin_form=None, status: int = 200):
    """The operator's page; the municipalities are read once, for the list and the admin form's choices."""
    municipalities = tenancy.municipalities()
    return render_template(
        "operator/index.html",
        municipalities=municipalities,
        municipality_form=municipality_form or MunicipalityForm(prefix="municipality"),
        admin_form=admin_form or _admin_form(municipalities),
    ), status


@bp.get("/")
@roles_required(Role.OPERATOR)
def index():
    """The municipalities, and the forms to add one and to give one its administrator."""
    return _page()


@bp.post("/municipalities")
@roles_required(Role.OPERATOR)
def add_municipality():
    """Add a municipality; its first administrator is made next."""
    form = MunicipalityForm(prefix="municipality")
    if not form.validate_on_submit():
        return _page(municipality_form=form, status=400)
    municipality = tenancy.add_municipality(form.code.data, form.name.data, form.phone.data)
    record_event(current_user, "municipality.added", obj=municipality, data={"code": municipality.code})
    db.session.commit()
    return redirect(url_for("operator.index") + "#new-admin")


@bp.post("/admins")
@roles_required(Role.OPERATOR)
def add_admin():
    """Make a municipality's administrator and show the activation once. The login, its activation and their
    audit belong to that municipality."""
    form = _admin_form(tenancy.municipalities())
    if not form.validate_on_submit():
        return _page(admin_form=form, status=400)
    with tenancy.entered(uuid.UUID(form.municipality.data)):
        admin = create_user(Role.ADMIN, form.name.data, actor=current_user)
        return issue_and_show(admin, actor=current_user, back=url_for("operator.index"), back_text=_("Back"))
