"""The network map: one set of screens for the family and, mirrored, for its consultants.

The family and the consultant both add, move and remove people; the family decides whether a private person is
shown to the family's co-consultant ("makker"). Today's map can be compared with an earlier one.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import db, paging
from ..access import FamilyView, family_screen_or_404, get_in_family_or_404
from ..auth.models import Role
from ..families import queries as family_queries
from ..families.models import AssignmentRole
from . import compare, queries, services, svg
from .forms import PersonForm, ProfessionalForm
from .labels import RINGS, SECTOR_SHORT, SECTORS
from .models import NetworkPerson, NetworkRevision, PersonKind, Sector

bp = Blueprint("network", __name__, url_prefix="/families/<family_id>/network")

MESSAGES = {
    "duplicate": _l(
        "%(name)s is already on the map. If it is someone else, write something that tells them apart, "
        "for example the surname."
    ),
    "same_person": _l("Choose two different people."),
    "relation_exists": _l("That relation is already in the family tree."),
    "relation_impossible": _l("That cannot be right: check who is the parent of whom."),
    "consent_recipient": _l(
        "The family has been asked for consent to share with %(name)s, so the name and workplace stay as they are. "
        "If it is now someone else, take %(name)s off the map and add the new person."
    ),
}


def labels() -> dict:
    """The names of the rings and parts of life in the reader's language, translated once per page."""
    return {
        "rings": {ring.value: str(label) for ring, label in RINGS.items()},
        "sectors": {sector.value: str(label) for sector, label in SECTORS.items()},
    }


def _to_map(view: FamilyView, anchor: str = ""):
    return redirect(url_for("network.index", family_id=view.family.id, _anchor=anchor or None))


def _decides_visibility(view: FamilyView) -> bool:
    """Only the parents decide whether the co-consultant may see someone from their own life."""
    return view.viewer.role is Role.PARENT


def _person_form(view: FamilyView, kind: PersonKind, **kwargs):
    """The form for a kind of person, with "the co-consultant may see" for the parents only."""
    if kind is PersonKind.PROFESSIONAL:
        return ProfessionalForm(**kwargs)
    form = PersonForm(**kwargs)
    if not _decides_visibility(view):
        del form.co_consultant_may_see
    return form


def _co_consultant_names(view: FamilyView) -> list[str]:
    """The family's co-consultants, named in the hint beside "the co-consultant may see"."""
    _people, consultants = family_queries.household(view.family)
    return [a.consultant.name for a in consultants if a.role is AssignmentRole.CO_CONSULTANT]


def _by_sector(people: list[NetworkPerson]) -> list[tuple[str, str, list[NetworkPerson]]]:
    """The list under the map: each part of life with its people, closest first."""
    groups = {s.value: [] for s in Sector}
    for person in people:
        groups[person.sector.value].append(person)
    return [(sector.value, label, groups[sector.value]) for sector, label in SECTORS.items()]


def _map_page(view: FamilyView, private_form=None, professional_form=None, status: int = 200):
    """The map (SVG), the same people as a list, and the forms to add someone (one query for the people)."""
    people = queries.list_people(view)
    return render_template(
        "network/index.html",
        view=view,
        family=view.family,
        people=people,
        groups=_by_sector(people),
        deciders=[p for p in people if p.is_professional and p.decides],
        drawing=svg.layout([svg.item_from_person(p) for p in people], SECTOR_SHORT),
        viewbox=svg.VIEWBOX,
        labels=labels(),
        private_form=private_form or _person_form(view, PersonKind.PRIVATE, prefix="private", formdata=None),
        professional_form=professional_form
        or _person_form(view, PersonKind.PROFESSIONAL, prefix="professional", formdata=None),
        co_consultants=_co_consultant_names(view) if _decides_visibility(view) else [],
    ), status


@bp.get("")
@login_required
def index(family_id: str):
    """The network map: who is around the family, how close, in which part of life, and who decides."""
    return _map_page(family_screen_or_404(family_id, "network"))


def _person_data(form) -> dict:
    data = {k: form[k].data or "" for k in ("name", "relation", "helps_with")}
    data["ring"], data["sector"] = services.parse_place(form.ring.data, form.sector.data)
    data["phone"] = form.phone.data or ""
    if isinstance(form, ProfessionalForm):
        data |= {
            "organisation": form.organisation.data or "",
            "email": form.email.data or "",
            "decides": form.decides.data == "yes",
        }
    if "co_consultant_may_see" in form:
        data["co_consultant_may_see"] = bool(form.co_consultant_may_see.data)
    return data


def save(form, act):
    """Run a change and commit; a refusal becomes a message on the form, keeping what was typed.

    :return: what the change returned, or None when it was refused.
    """
    try:
        result = act()
    except services.NetworkError as exc:
        db.session.rollback()
        form.form_errors.append(str(MESSAGES[exc.key]) % {"name": exc.name})
        return None
    db.session.commit()
    return result


@bp.post("/people")
@login_required
def add_person(family_id: str):
    """Put someone on the map: a person from the family's own life, or a professional."""
    view = family_screen_or_404(family_id)
    kind = PersonKind.PROFESSIONAL if request.form.get("kind") == "professional" else PersonKind.PRIVATE
    form = _person_form(view, kind, prefix=kind.value)
    if form.validate_on_submit():
        data = _person_data(form)
        if kind is PersonKind.PRIVATE and queries.is_co_consultant(view):
            data["co_consultant_may_see"] = True  # the co-consultant added them, so may see them
        person = save(
            form,
            lambda: services.add_person(view.family, kind, data, actor=current_user, among=queries.list_people(view)),
        )
        if person is not None:
            flash(_("%(name)s is on the map.", name=person.name), "success")
            return _to_map(view, f"person-{person.id}")
    forms = {"private_form": form} if kind is PersonKind.PRIVATE else {"professional_form": form}
    return _map_page(view, status=400, **forms)


def _prefill(view: FamilyView, person: NetworkPerson):
    values = {
        "name": person.name,
        "relation": person.relation,
        "helps_with": person.helps_with,
        "phone": person.phone,
        "ring": person.ring.value,
        "sector": person.sector.value,
    }
    if person.is_professional:
        values |= {
            "organisation": person.organisation,
            "email": person.email,
            "decides": "yes" if person.decides else "no",
        }
    else:
        values["co_consultant_may_see"] = person.co_consultant_may_see
    return _person_form(view, person.kind, formdata=None, **values)


@bp.route("/people/<person_id>", methods=["GET", "POST"])
@login_required
def edit_person(family_id: str, person_id: str):
    """Change someone's details, or move them closer or further away."""
    view = family_screen_or_404(family_id, "network_person")
    person = queries.get_person_or_404(view, person_id)
    form = _prefill(view, person) if request.method == "GET" else _person_form(view, person.kind)
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.update_person(
                view.family, person, _person_data(form), actor=current_user, among=queries.list_people(view)
            ),
        )
        if saved is not None:
            flash(_("Saved."), "success")
            return _to_map(view, f"person-{person.id}")
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "network/person.html",
        view=view,
        family=view.family,
        person=person,
        form=form,
        co_consultants=_co_consultant_names(view) if _decides_visibility(view) else [],
    ), status


@bp.post("/people/<person_id>/delete")
@login_required
def remove_person(family_id: str, person_id: str):
    """Take someone off the map; meetings they were in and the map's history keep their name."""
    view = family_screen_or_404(family_id)
    person = queries.get_person_or_404(view, person_id)
    services.remove_person(view.family, person, actor=current_user)
    db.session.commit()
    flash(_("%(name)s is no longer on the map.", name=person.name), "success")
    return _to_map(view)


#: Versions listed to choose from at a time, newest first.
VERSIONS_PER_PAGE = 12


def _chosen_revision(view: FamilyView, wanted: str | None):
    """The version to compare with: the one asked for (loaded within the family, and within what the viewer may
    see, so another family's or one about a hidden person is a 404), else the newest that is at least 30 days
    old, else the oldest."""
    if wanted:
        return get_in_family_or_404(NetworkRevision, wanted, view.family)
    return queries.default_revision(view, db.utcnow() - compare.DEFAULT_AGE)


@bp.get("/history")
@login_required
def history(family_id: str):
    """Today's map beside an earlier one: who is new, who came closer, who moved away, who is gone. The versions
    to choose from are listed a page at a time, newest first."""
    view = family_screen_or_404(family_id, "network_history")
    versions = queries.versions_page(view, paging.page_number(request.args.get("versions")), VERSIONS_PER_PAGE)
    revisions, newest = versions.listed, versions.newest
    earlier = _chosen_revision(view, request.args.get("version"))
    if earlier is not None and all(r.id != earlier.id for r in revisions):
        revisions = sorted([*revisions, earlier], key=lambda r: r.at, reverse=True)
    now_items = [svg.item_from_person(p) for p in queries.list_people(view)]
    then_items = [svg.item_from_snapshot(e) for e in queries.snapshot_entries(view, earlier)] if earlier else []
    names = family_queries.names(view.family)
    return render_template(
        "network/history.html",
        view=view,
        family=view.family,
        revisions=revisions,
        versions_page=versions.number,
        more_versions=versions.more,
        earlier=earlier,
        names=names,
        # Today's map is the newest version the viewer may see.
        then_version=compare.version_of(earlier, names),
        now_version=compare.version_of(newest, names),
        newest=newest,
        diff=compare.compare(then_items, now_items),
        then_drawing=svg.layout(then_items, SECTOR_SHORT),
        now_drawing=svg.layout(now_items, SECTOR_SHORT),
        viewbox=svg.VIEWBOX,
        labels=labels(),
    )
