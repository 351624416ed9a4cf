"""The consultant's review queue: new answers from every family on their caseload, with alerts, to talk through
before the next meeting. The consultant's own page; each answer opens in the family's mirrored screens."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from .. import db, paging
from ..access import roles_required
from ..audit import record_event
from ..auth.models import Role
from ..families import queries as family_queries
from ..meetings import queries as meeting_queries
from . import answer_pages, forms, queries

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.get("")
@roles_required(Role.CONSULTANT)
def queue():
    """Answers not yet talked through, grouped by family, the family with the soonest meeting first; a page at a
    time, with how many wait in all."""
    families = {family.id: family for family, _role in family_queries.caseload(current_user)}
    upcoming = meeting_queries.next_meetings(list(families), db.utcnow())
    order = sorted(families, key=lambda fid: (upcoming.get(fid) is None, upcoming.get(fid), families[fid].name))
    responses, waiting, page = answer_pages.review_page(order, paging.page_number(request.args.get("page")))
    by_family: dict = {}
    for r in responses:
        by_family.setdefault(r.family_id, []).append(r)
    for family_id in by_family:
        # Reading a family's answers is reading its content: audited per family shown, like its pages.
        record_event(current_user, "family.viewed", family=families[family_id], data={"page": "review"})
    db.session.commit()
    return render_template(
        "scales/review.html",
        groups=[(families[fid], upcoming.get(fid), answers) for fid, answers in by_family.items()],
        definitions=queries.parsed_by_id({r.definition_id for r in responses}),
        names=queries.names_of({r.user_id for r in responses}),
        discussed_form=forms.DiscussedForm,
        page=page,
        waiting=waiting,
        after=max(waiting - page * answer_pages.REVIEW_PAGE, 0),
    )
