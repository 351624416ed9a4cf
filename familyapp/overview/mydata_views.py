"""Mine oplysninger and "Hvem har set vores oplysninger": a family member's right to see (and download) what the
app holds about them and their children, and who among the professionals has looked at the family's pages."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from .. import db, paging
from ..access import family_screen_or_404
from . import looked, sections
from .views import bp

#: The family's pages as the audit names them, in the words of "who has looked".
PAGES = {
    "home": _l("your home page"),
    "plan": _l("your plan"),
    "meeting": _l("your meetings"),
    "meetings": _l("your meetings"),
    "yearwheel": _l("your year wheel"),
    "network": _l("your network map"),
    "cases": _l("your cases"),
    "case": _l("your cases"),
    "family": _l("your family tree"),
    "scale": _l("your answers to the questionnaires"),
    "scales": _l("your answers to the questionnaires"),
    "review": _l("your answers to the questionnaires"),
    "consent": _l("your consents"),
    "readiness": _l("your readiness plan"),
    "people": _l("who is in the family and their logins"),
    "admin": _l("the family's case details"),
    "who_looked": _l("the list of who has looked at your information"),
}
#: Changes by the first part of the audit's action, in plain words.
CHANGES = {
    "plan": _l("changed your plan"),
    "readiness": _l("changed your readiness plan"),
    "meeting": _l("planned or changed a meeting"),
    "yearwheel": _l("changed your year wheel"),
    "network": _l("changed your network map"),
    "consent": _l("asked you for consent"),
    "partner_link": _l("made or stopped a link for a partner"),
    "scale": _l("noted that one of your answers was talked through"),
    "family": _l("changed the family's details"),
    "activation": _l("gave someone a new way to sign in"),
    "calendar": _l("saw your meetings in their calendar"),
}
#: The steps of a new activation for someone who already has a passkey (a lost phone).
RECOVERY = {
    "recovery.requested": _l("asked for a new way to sign in for someone in the family"),
    "recovery.confirmed": _l("confirmed a new way to sign in for someone in the family"),
    "recovery.completed": _l("added a new phone to their login"),
}
ROLES = {
    "consultant": _l("family consultant"),
    "admin": _l("administrator"),
    "leader": _l("team leader"),
    "parent": _l("parent"),
    "young_person": _l("young person"),
}


def _family_member(family_id: str):
    # A parent's or young person's own data; the consultant has the family's pages.
    return family_screen_or_404(family_id, family_only=True)


@bp.get("/families/<family_id>/my-data")
@login_required
def my_data(family_id: str):
    """What the app holds about you and your children: each kind of information with how much there is of it,
    each a page of its own, and all of it as a file to download."""
    view = _family_member(family_id)
    return render_template(
        "overview/my_data.html",
        view=view,
        family=view.family,
        sections=sections.SECTIONS,
        counts=sections.counts(view),
        generated_at=db.utcnow(),
    )


@bp.get("/families/<family_id>/my-data/<section>")
@login_required
def my_data_section(family_id: str, section: str):
    """One kind of information: all of it when it is only as long as the family is today, else the latest
    entries a page at a time (a page past the end is the last one; odd input is the first)."""
    view = _family_member(family_id)
    found = sections.BY_SLUG.get(section)
    if found is None:
        abort(404)
    shown = (
        sections.page(view, found, paging.page_number(request.args.get("page")))
        if found.listed
        else found.whole(view, None)  # each section shown whole loads the names it needs
    )
    return render_template("overview/my_data_section.html", view=view, family=view.family, section=found, shown=shown)


@bp.get("/families/<family_id>/my-data.json")
@login_required
def my_data_json(family_id: str):
    """Everything, as a file to download: written while it is sent, never held whole in memory."""
    view = _family_member(family_id)
    return current_app.response_class(
        sections.download(view),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="mine-oplysninger.json"'},
    )


def describe(event, about: dict | None = None) -> str:
    """One audit event in plain words ("looked at your plan", "changed your network map").

    :param about: the names of the people events are about, by id (a consultant assigned to the family).
    """
    if event.action == "family.consultant_assigned":
        name = (about or {}).get(str((event.data or {}).get("consultant")))
        if name:
            return _("added %(name)s as a consultant for your family", name=name)
        return _("added a consultant for your family")
    if event.action == "family.viewed":
        page = (event.data or {}).get("page", "")
        what = PAGES.get(page) or PAGES.get(page.split("_")[0])
        return _("looked at %(what)s", what=what or _("your pages"))
    if event.action == "partner.viewed":
        return _("saw what you have consented to share, through their link")
    if event.action in RECOVERY:
        return str(RECOVERY[event.action])
    return str(CHANGES.get(event.action.split(".")[0], _l("changed something in your details")))


def _before() -> datetime | None:
    """The "show older" cursor from the address: a time; anything else is a 404, never a 500."""
    value = request.args.get("before", "")
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
        # In UTC, as stored: a time at the calendar's very edge cannot be, and is a 404 like any other.
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        abort(404)


@bp.get("/families/<family_id>/who-looked")
@login_required
def who_looked(family_id: str):
    """Who among the professionals has looked at or changed the family's pages, and which partners have used
    their link: newest first, a page at a time. A professional opening it is audited like any family page."""
    before = _before()  # first: a broken address is not a visit
    view = family_screen_or_404(family_id, "who_looked")
    page = looked.who_looked(view.family, before)
    rows = [
        {
            "at": event.at,
            "who": name or _("a partner"),
            "role": ROLES.get(event.actor_role or "", _("through a link")),
            "what": describe(event, page.about),
        }
        for event, name in page.rows
    ]
    return render_template(
        "overview/who_looked.html", view=view, family=view.family, rows=rows, older=page.older, paged=before is not None
    )
