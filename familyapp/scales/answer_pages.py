"""Pages of the sent answers: the results history of a family (the latest answers per scale and person, further
back page by page) and the consultant's review queue (what waits to be talked through, a page at a time). Each page
is one query that stops at what it shows, whatever the family's history.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import defer

from .. import db, paging
from ..auth.models import Role, User
from ..families.models import Family
from .models import ScaleResponse

#: Answers shown per scale and person on a page of the results history (the chart is drawn over them too).
HISTORY_PAGE = 10


@dataclass
class History:
    """A page of a family's sent answers: the latest HISTORY_PAGE per scale and person, further back page by page.

    ``answers`` are the page's, newest first; ``ends`` holds each scale and person's first and latest answer ever
    (the consultant sees the change from one to the other on every page); ``last_page`` is the page with the
    oldest answers.
    """

    answers: list[ScaleResponse]
    ends: dict[tuple, tuple[ScaleResponse, ScaleResponse]]
    page: int
    last_page: int


def _history_rows(family: Family, user: User | None, hide_alliance: bool, page: int) -> list:
    """The rows of a page of the history, each with its place counted from the newest and from the oldest of its
    scale and person, and how many they have: one query, the page's answers and the first and latest of each."""
    part = (ScaleResponse.purpose, ScaleResponse.about_person_id, ScaleResponse.user_id)
    newest_first = (ScaleResponse.submitted_at.desc(), ScaleResponse.id)
    oldest_first = (ScaleResponse.submitted_at, ScaleResponse.id)
    inner = select(
        ScaleResponse.id,
        func.row_number().over(partition_by=part, order_by=newest_first).label("newest"),
        func.row_number().over(partition_by=part, order_by=oldest_first).label("oldest"),
        func.count().over(partition_by=part).label("many"),
    ).where(ScaleResponse.family_id == family.id, ScaleResponse.submitted_at.is_not(None))
    if user is not None:
        inner = inner.where(ScaleResponse.user_id == user.id)
    if hide_alliance:
        inner = inner.where(ScaleResponse.purpose != "alliance")
    ranked = inner.subquery()
    low = (page - 1) * HISTORY_PAGE
    stmt = (
        select(ScaleResponse, ranked.c.newest, ranked.c.oldest, ranked.c.many)
        .join(ranked, ranked.c.id == ScaleResponse.id)
        # The answers behind the chart and the list are not needed here: only their totals and alerts.
        .options(defer(ScaleResponse.answers), defer(ScaleResponse.pending))
        .where(or_(ranked.c.newest.between(low + 1, low + HISTORY_PAGE), ranked.c.newest == 1, ranked.c.oldest == 1))
        .order_by(ScaleResponse.submitted_at.desc(), ScaleResponse.id)
    )
    return db.session.execute(stmt).all()


def history(family: Family, user: User | None, page: int, hide_alliance: bool = False) -> History:
    """A page of the sent answers in the family: one person's (a family member sees only their own), or
    everyone's. One query; a page past the end shows the last page (then two).

    :param page: 1 for the latest answers, 2 for the ones before them, and so on.
    :param hide_alliance: leave out the answers about the collaboration (the person has chosen not to see them).
    """
    page = min(max(page, 1), paging.MAX_PAGE)
    rows = _history_rows(family, user, hide_alliance, page)
    last_page = max([-(-many // HISTORY_PAGE) for _r, _n, _o, many in rows] or [1])
    if page > last_page:
        page = last_page
        rows = _history_rows(family, user, hide_alliance, page)
    low = (page - 1) * HISTORY_PAGE
    first, latest = {}, {}
    for response, newest, oldest, _many in rows:
        scale = (response.purpose, response.about_person_id, response.user_id)
        if newest == 1:
            latest[scale] = response
        if oldest == 1:
            first[scale] = response
    return History(
        answers=[response for response, newest, _o, _m in rows if low < newest <= low + HISTORY_PAGE],
        ends={scale: (first[scale], latest[scale]) for scale in latest},
        page=page,
        last_page=last_page,
    )


def waiting_for_review() -> tuple:
    """What makes an answer wait for review: sent, not yet talked through, and written by a family member (a
    professional's own rating is not reviewed)."""
    # Asked of the answer's own author (not "among every family member's login", which SQLite would try one login
    # at a time for every family of a caseload).
    by_family = exists().where(User.id == ScaleResponse.user_id, User.role.in_((Role.PARENT, Role.YOUNG_PERSON)))
    return ScaleResponse.submitted_at.is_not(None), ScaleResponse.discussed_at.is_(None), by_family


def query_to_review(family_ids: list[uuid.UUID], *columns) -> Select:
    """The one query of what waits for review, behind the caseload's counts and the review queue (so they can
    never differ)."""
    return select(*columns).where(ScaleResponse.family_id.in_(family_ids), *waiting_for_review())


#: Answers shown on a page of the review queue.
REVIEW_PAGE = 20


def _review_rows(family_ids: list[uuid.UUID], page: int) -> list:
    # The families in the order given, each family's answers newest first; every row carries the queue's length.
    order = case({family_id: place for place, family_id in enumerate(family_ids)}, value=ScaleResponse.family_id)
    stmt = (
        query_to_review(family_ids, ScaleResponse, func.count().over().label("waiting"))
        .options(defer(ScaleResponse.answers), defer(ScaleResponse.pending))
        .order_by(order, ScaleResponse.submitted_at.desc(), ScaleResponse.id)
        .limit(REVIEW_PAGE)
        .offset((page - 1) * REVIEW_PAGE)
    )
    return db.session.execute(stmt).all()


def review_page(family_ids: list[uuid.UUID], page: int) -> tuple[list[ScaleResponse], int, int]:
    """A page of the review queue (REVIEW_PAGE answers): the families in the order given, each family's answers
    newest first. One query; a page past the end shows the last page (then three).

    :param family_ids: the consultant's families, the one to talk to first first.
    :return: (the page's answers, how many wait in all, the page shown).
    """
    if not family_ids:
        return [], 0, 1
    page = min(max(page, 1), paging.MAX_PAGE)
    rows = _review_rows(family_ids, page)
    if not rows and page > 1:
        waiting = db.session.scalar(query_to_review(family_ids, func.count()))
        page = max(1, -(-waiting // REVIEW_PAGE))
        rows = _review_rows(family_ids, page) if waiting else []
    waiting = rows[0].waiting if rows else 0
    return [row[0] for row in rows], waiting, page
