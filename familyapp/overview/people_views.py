"""Personer og adgang: a family's members and their logins, for its consultants. Only the primary consultant
vouches for a login (adds an adult with one, gives one to someone already in the family, records custody, hands
out an activation); a recovery needs a second person. Adding a person and giving a login are two acts: a name
already in the family is asked about ("Is this the same Freja?") before anyone is added.
Combines the family (core), the logins (core) and whether each person has reminders on a phone."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import db
from ..access import deny, family_screen_or_404, forbid, get_in_family_or_404, roles_required
from ..auth import services as auth_services
from ..auth.models import Role, User
from ..auth.pages import issue_and_show
from ..auth.services import has_passkeys
from ..families import queries, services
from ..families.forms import CUSTODY, AdultForm, ChildForm, LoginForm, custody_choices
from ..families.models import Membership, Person
from ..i18n import known
from ..recovery import services as recovery
from ..reminders import queries as reminder_queries
from .views import bp


def _people_page(family, adult_form=None, child_form=None, status=200, *, login=None, same=None):
    """The page; a form that was posted comes back with what was typed.

    :param login: (person id, login form) posted for that person, with its errors.
    :param same: ("adult" or "child", the person already in the family under the name just typed, their login or
        None): the form asks whether it is the same person before anyone is added.
    """
    people, now = queries.list_people(family), db.utcnow()
    users = {user.id for _p, user, _m in people if user}
    can_vouch = recovery.may_vouch(current_user, family)
    today = db.local_date(now)
    # A login is offered to each person of the family who has none and is old enough, never as a new person.
    offer_login = (
        {p.id for p, user, _m in people if user is None and p.old_enough_for_login(today)} if can_vouch else set()
    )
    return render_template(
        "overview/people.html",
        family=family,
        people=people,
        # Whether each person has reminders on a phone: only that, never what they are reminded of.
        with_reminders=reminder_queries.with_reminders(users),
        with_passkeys=auth_services.with_passkeys(users),
        consultants=queries.list_consultants(family),
        adult_form=adult_form or AdultForm(prefix="adult"),
        child_form=child_form or ChildForm(prefix="child"),
        login=login or (None, None),
        new_login_form=LoginForm,
        offer_login=offer_login,
        same=same,
        custody_choices=custody_choices(),
        interpreter_choices=[
            ("yes", _("Needs an interpreter")),
            ("no", _("No interpreter")),
            ("unknown", _("Not known yet")),
        ],
        languages=known(),
        can_vouch=can_vouch,
        asked=recovery.asked_by(current_user, now),
        to_confirm=recovery.waiting_for(current_user, now, family),
        now=now,
    ), status


#: Why a login cannot be given to a person (families.services.why_no_login), said to the consultant.
NO_LOGIN = {
    "has_login": lambda name: _("%(name)s already has a login.", name=name),
    "too_young": lambda name: _("%(name)s is under 11. Children under 11 do not get a login.", name=name),
}


def _family_to_vouch_for(family_id: str):
    """The family, for its primary consultant: the one who vouches for its logins. Another consultant of the
    family is told why not (403, audited); anyone else gets a 404."""
    family = family_screen_or_404(family_id, consultant_only=True).family
    if not recovery.may_vouch(current_user, family):
        forbid(_("Only the family's primary consultant can add logins, record custody or hand out activations."))
    return family


@bp.get("/families/<family_id>/people")
@roles_required(Role.CONSULTANT)
def people(family_id: str):
    """The family's members and their logins, for its consultants (audited)."""
    return _people_page(family_screen_or_404(family_id, "people", consultant_only=True).family)


@bp.post("/families/<family_id>/people/adults")
@roles_required(Role.CONSULTANT)
def add_adult(family_id: str):
    """Add an adult with a login, and show their activation link and code once. When the family already has
    someone of that name, ask first whether it is the same person (nothing is added until answered)."""
    family = _family_to_vouch_for(family_id)
    form = AdultForm(prefix="adult")
    if not form.validate_on_submit():
        return _people_page(family, adult_form=form, status=400)
    if not form.different.data and (same := queries.namesake(family, form.name.data)):
        return _people_page(family, adult_form=form, same=("adult", *same))
    user = services.add_adult(
        family, form.name.data, form.relation.data, actor=current_user, custody=CUSTODY[form.custody.data]
    )
    return issue_and_show(user, actor=current_user, family=family)


@bp.post("/families/<family_id>/people/<person_id>/login")
@roles_required(Role.CONSULTANT)
def give_login(family_id: str, person_id: str):
    """Give a login to someone already in the family (a child who has turned 11 or more), and show their
    activation once: the person is never added a second time."""
    family = _family_to_vouch_for(family_id)
    person = get_in_family_or_404(Person, person_id, family)
    refused = services.why_no_login(person, db.local_today())
    if refused:
        flash(NO_LOGIN[refused](person.name), "error")
        return redirect(url_for("overview.people", family_id=family.id, _anchor="members"))
    form = LoginForm(prefix=f"login-{person.id}")
    if not form.validate_on_submit():
        return _people_page(family, login=(person.id, form), status=400)
    user = services.give_login(family, person, form.relation.data, actor=current_user)
    return issue_and_show(user, actor=current_user, family=family)


@bp.post("/families/<family_id>/people/children")
@roles_required(Role.CONSULTANT)
def add_child(family_id: str):
    """Add a child without a login (any of the family's consultants); asked first when the name is taken."""
    family = family_screen_or_404(family_id, consultant_only=True).family
    form = ChildForm(prefix="child")
    if not form.validate_on_submit():
        return _people_page(family, child_form=form, status=400)
    if not form.different.data and (same := queries.namesake(family, form.name.data)):
        return _people_page(family, child_form=form, same=("child", *same))
    services.add_child(family, form.name.data, form.birth_date.data, actor=current_user)
    db.session.commit()
    return redirect(url_for("overview.people", family_id=family.id))


@bp.post("/families/<family_id>/people/<person_id>/activation")
@roles_required(Role.CONSULTANT)
def new_activation(family_id: str, person_id: str):
    """A first activation is shown at once. For someone who already has a passkey (a lost phone) it is asked for
    here and handed out only after a second person has confirmed it."""
    family = _family_to_vouch_for(family_id)
    person = get_in_family_or_404(Person, person_id, family)
    user = db.session.scalar(select(User).where(User.person_id == person.id))
    if user is None:
        deny()
    if not has_passkeys(user):
        return issue_and_show(user, actor=current_user, family=family)
    recovery.request_recovery(user, actor=current_user, family=family, now=db.utcnow())
    db.session.commit()
    flash(
        _(
            "Asked. When the family's other consultant or the team leader has confirmed it, you can show the new "
            "activation here."
        ),
        "success",
    )
    return redirect(url_for("overview.people", family_id=family.id, _anchor="members"))


@bp.post("/families/<family_id>/people/<person_id>/interpreter")
@roles_required(Role.CONSULTANT)
def set_interpreter(family_id: str, person_id: str):
    """A consultant of the family records whether a person needs an interpreter at meetings (audited)."""
    family = family_screen_or_404(family_id, consultant_only=True).family
    person = get_in_family_or_404(Person, person_id, family)
    choice = request.form.get("interpreter")
    if choice not in CUSTODY:
        flash(_("Choose whether the person needs an interpreter."), "error")
        return redirect(url_for("overview.people", family_id=family.id))
    services.set_interpreter(family, person, CUSTODY[choice], actor=current_user)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("overview.people", family_id=family.id, _anchor="person-" + str(person.id)))


@bp.post("/families/<family_id>/people/<person_id>/custody")
@roles_required(Role.CONSULTANT)
def set_custody(family_id: str, person_id: str):
    """The primary consultant records whether a parent has custody (consents about the children count theirs)."""
    family = _family_to_vouch_for(family_id)
    person = get_in_family_or_404(Person, person_id, family)
    membership = db.session.scalar(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.family_id == family.id, User.person_id == person.id, User.role == Role.PARENT)
    )
    if membership is None:
        deny()
    choice = request.form.get("custody")
    if choice not in CUSTODY:
        flash(_("Choose whether the parent has custody."), "error")
        return redirect(url_for("overview.people", family_id=family.id))
    services.set_custody(family, membership, CUSTODY[choice], actor=current_user)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("overview.people", family_id=family.id))
