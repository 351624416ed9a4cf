"""The consultant's caseload (``/caseload``): one page of their families at a time, searched, filtered by what
needs doing and ordered by what needs attention; the state of every family is worked out in SQL
(``overview.caseload``), and the words of the page are looked up once, not for every family."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import db
from ..access import roles_required
from ..auth.models import Role
from ..consent import queries as consent_queries
from ..families.labels import phase_name
from ..families.models import AssignmentRole, Phase
from ..meetings import queries as meeting_queries
from ..recovery import services as recovery
from . import caseload as caseload_queries
from .views import bp

#: A withdrawn consent is pointed out in the caseload this long.
WITHDRAWALS_SHOWN = timedelta(days=14)


@bp.get("/caseload")
@roles_required(Role.CONSULTANT)
def caseload():
    """The consultant's own families, a page at a time; odd search words or page numbers are taken calmly."""
    ask, now = caseload_queries.ask_from(request.args), db.utcnow()
    page = caseload_queries.caseload_page(current_user, ask, now, db.local_date(now))
    ids = [row.id for row in page.rows]
    return render_template(
        "overview/caseload.html",
        ask=ask,
        page=page,
        link=lambda **changes: caseload_link(ask, **changes),
        words=_words(),
        withdrawn=consent_queries.recent_withdrawals(ids, now - WITHDRAWALS_SHOWN),
        late=meeting_queries.late_referats(ids, now, current_app.config["REFERAT_DEADLINE_WORKING_DAYS"]),
        to_confirm=recovery.waiting_for(current_user, now),
    )


def caseload_link(ask: caseload_queries.Ask, **changes) -> str:
    """The caseload's address for ``ask`` with some of it changed (a new filter or order starts on page 1);
    defaults are left out of the address."""
    wanted = {"q": ask.search, "show": ask.show, "sort": ask.sort, "page": ask.page}
    if "page" not in changes:
        changes["page"] = 1
    wanted.update(changes)
    kept = {k: v for k, v in wanted.items() if v and not (k == "sort" and v == "attention") and (k, v) != ("page", 1)}
    return url_for("overview.caseload", **kept)


def _words() -> dict:
    """The page's words, each looked up once (a caseload's rows reuse them; dates are filled in per row)."""
    return {
        "phase": {phase: _("phase: %(phase)s", phase=phase_name(phase)) for phase in Phase},
        "role": {
            AssignmentRole.PRIMARY: _("You are the family consultant"),
            AssignmentRole.CO_CONSULTANT: _("You are the co-consultant"),
        },
        "overdue": _("Follow-up overdue since %(date)s"),
        "due": _("Follow-up due %(date)s"),
        "next": _("Next meeting: %(when)s"),
        "no_meeting": _("No meeting planned"),
        "meetings": _("Meetings"),
        "people": _("People and access"),
    }
