"""The sections of Mine oplysninger: what kinds of information the app holds about a family member, with a count
of each (one query), a page of the latest entries of one section at a time, and the whole as a JSON download
written piece by piece while the rows are read in batches, so neither the screen nor the file holds a long history
in memory at once. What each entry says: ``export.py``; the rows, for one family and person: ``export_rows.py``."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from .. import db, paging
from ..access import FamilyView
from ..families.models import Person
from ..meetings.models import MeetingQuestion, MeetingReply, MeetingSuggestion
from ..network.models import AgencyCase, NetworkPerson
from ..plans.models import Goal
from ..yearwheel.models import YearActivity
from . import export
from . import export_rows as rows

#: Entries on one page of a section, newest first.
PER_PAGE = 10
#: Rows read from the database at a time while the download is written.
BATCH = 200
#: The download is sent in pieces of about this many characters.
PIECE = 16_384


@dataclass(frozen=True)
class Section:
    """One kind of information: its key in the download (and, with dashes, in the address), its title, and either
    the rows it lists (``base``: which rows, ``named``: the same with what they point to, ``entry``: one row in
    words) or, for what is only ever as long as the family is today, ``whole``: the section at once."""

    key: str
    title: object
    base: Callable | None = None
    named: Callable | None = None
    entry: Callable | None = None
    whole: Callable | None = None
    #: For a section shown whole: its rows, counted (None: nothing to count, e.g. the account).
    counted: Callable | None = None

    @property
    def slug(self) -> str:
        return self.key.replace("_", "-")

    @property
    def listed(self) -> bool:
        """True for a history that grows: shown a page at a time."""
        return self.base is not None


def _counting(model, *where):
    return lambda family, _user: select(model).where(model.family_id == family.id, *where)


#: In the order of the download (its keys and their order are the file's shape).
SECTIONS = (
    Section("you", _l("About you"), whole=export.you),
    Section("family", _l("Your family"), whole=export.family, counted=_counting(Person)),
    Section("plan", _l("Your plan"), whole=export.plan, counted=_counting(Goal)),
    Section(
        "plan_history", _l("Changes to the plan"), rows.plan_revisions, rows.named_plan_revisions, export.plan_revision
    ),
    # Meetings are told with who comes, and partners' visits with the name behind the link: both are read beside
    # their rows (``page``, ``_entries``) rather than by an entry of one row.
    Section("meetings", _l("Meetings"), rows.meetings, rows.ordered_meetings),
    Section(
        "your_meeting_answers",
        _l("Your replies to meeting invitations"),
        rows.own_rows(MeetingReply),
        rows.with_meeting(MeetingReply),
        export.reply,
    ),
    Section(
        "your_meeting_questions",
        _l("Your questions for meetings"),
        rows.own_rows(MeetingQuestion),
        rows.with_meeting(MeetingQuestion),
        export.question,
    ),
    Section(
        "your_meeting_suggestions",
        _l("People you suggested inviting"),
        rows.own_rows(MeetingSuggestion),
        rows.with_meeting(MeetingSuggestion),
        export.suggestion,
    ),
    Section("year_wheel", _l("Activities in the year wheel"), whole=export.year_wheel, counted=_counting(YearActivity)),
    Section(
        "network_map",
        _l("People on the network map"),
        whole=export.network_map,
        counted=_counting(NetworkPerson, NetworkPerson.removed_at.is_(None)),
    ),
    Section(
        "network_map_history",
        _l("Changes to the map"),
        rows.map_revisions,
        rows.named_map_revisions,
        export.map_revision,
    ),
    Section("cases", _l("Cases at the authorities"), whole=export.cases, counted=_counting(AgencyCase)),
    Section("your_answers", _l("Your answers to questionnaires"), rows.answers, rows.named_answers, export.answer),
    Section("consents", _l("Your consents given and withdrawn"), rows.consents, rows.named_consents, export.consent),
    Section("partner_links", _l("Links for partners"), rows.links, rows.named_links, export.link),
    Section("partner_visits", _l("When partners used their link"), rows.visits, rows.named_visits),
)
BY_SLUG = {s.slug: s for s in SECTIONS}


def _base(section: Section, view) -> Select | None:
    make = section.base or section.counted
    return make(view.family, view.viewer) if make else None


def counts(view) -> dict[str, int]:
    """How many entries each section has, by key (one query for them all; a section with nothing to count is
    left out). For a co-consultant the viewer's rules would apply here as anywhere, but only the family sees it."""
    bases = {s.key: _base(s, view) for s in SECTIONS}
    columns = [
        select(func.count()).select_from(base.subquery()).scalar_subquery().label(key)
        for key, base in bases.items()
        if base is not None
    ]
    return dict(db.session.execute(select(*columns)).one()._mapping)


@dataclass(frozen=True)
class Page:
    """One page of a section: its entries (newest first), which page it is, and how many there are."""

    entries: list
    number: int
    last: int
    total: int


def page(view, section: Section, number: int) -> Page:
    """A page of a listed section, newest first, counted in the same query (one query; two for meetings, with who
    comes); a page past the end is the last page."""
    base = _base(section, view)
    total = select(func.count()).select_from(base.subquery()).correlate(None).scalar_subquery()
    stmt = (
        section.named(base, newest=True)
        .add_columns(func.count().over())
        .limit(PER_PAGE)
        .offset(paging.page_offset(total, number, PER_PAGE))
    )
    found = db.session.execute(stmt).all()
    count = found[0][-1] if found else 0
    last = max(1, -(-count // PER_PAGE))
    names = rows.names_of(view.family)
    if section.key == "meetings":
        entries = [export.meeting_entry(m, who, names) for m, who in _with_participants([r[0] for r in found])]
    elif section.key == "partner_visits":
        partners = rows.link_names(view.family, {r[0].object_id for r in found if r[0].object_id})
        entries = [export.visit(r[0], partners) for r in found]
    else:
        entries = [section.entry(tuple(r)[:-1], names) for r in found]
    return Page(entries=entries, number=min(number, last), last=last, total=count)


def _with_participants(meetings: list) -> list[tuple]:
    """A page's meetings, each with who comes (one query for them all)."""
    if not meetings:
        return []
    who: dict = {m.id: [] for m in meetings}
    for participant, login in db.session.execute(rows.participants([m.id for m in meetings])):
        who[participant.meeting_id].append((participant, login))
    return [(m, who[m.id]) for m in meetings]


# ---- the download --------------------------------------------------------------------------------------------


def _streamed(stmt: Select):
    """The rows of a statement, read from the database in batches rather than all at once."""
    return db.session.execute(stmt.execution_options(yield_per=BATCH))


def _entries(view, section: Section, names) -> Iterator:
    """Every entry of a listed section, in the order of the download, one batch of rows at a time."""
    stmt = section.named(_base(section, view))
    if section.key == "meetings":
        # Meetings and who comes are read side by side, in the same order, and joined as they go.
        meetings = _streamed(stmt).scalars()
        who = itertools.groupby(_streamed(rows.participants(family=view.family)), key=lambda r: r[0].meeting_id)
        pending = next(who, None)
        for m in meetings:
            here = []
            if pending is not None and pending[0] == m.id:
                here = list(pending[1])
                pending = next(who, None)
            yield export.meeting_entry(m, here, names)
    elif section.key == "partner_visits":
        partners = rows.link_names(view.family)
        yield from (export.visit(e, partners) for e in _streamed(stmt).scalars())
    else:
        yield from (section.entry(row, names) for row in _streamed(stmt))


def _list(items: Iterator) -> Iterator[str]:
    """A JSON list, one item at a time, laid out as ``export.dump`` lays out a whole document."""
    empty = True
    for item in items:
        yield ("[" if empty else ",") + "\n    " + export.dump(item, 2)
        empty = False
    yield "[]" if empty else "\n  ]"


def _pieces(view) -> Iterator[str]:
    """The download after its first line, section by section, in the order and shape of ``SECTIONS``."""
    names = rows.names_of(view.family)
    for section in SECTIONS:
        yield ",\n  " + export.dump(section.key) + ": "
        if section.listed:
            yield from _list(_entries(view, section, names))
        else:
            yield export.dump(section.whole(view, names), 1)
    yield "\n}"


def _gathered(pieces: Iterator[str]) -> Iterator[str]:
    """Small pieces sent together, about ``PIECE`` characters at a time."""
    buffer, size = [], 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= PIECE:
            yield "".join(buffer)
            buffer, size = [], 0
    yield "".join(buffer)


def download(view) -> Iterator[str]:
    """Everything about the viewer and their children as one JSON document, written piece by piece while it is
    sent (a fixed number of queries, however much there is; the rows of each history are read in batches).

    The request is over by the time the rest is written, so it is written in an app context (and database
    session) of its own, entered only after the first line is taken: a download begun but never read (a closed
    tab, a test that looks only at the status) holds no context open.
    """
    app = current_app._get_current_object()
    first = '{\n  "generated_at": ' + export.dump(db.utcnow(), 1)
    # The viewer may be flask-login's proxy of the signed-in user, which lives only as long as the request.
    family, viewer = view.family, getattr(view.viewer, "_get_current_object", lambda: view.viewer)()

    def written() -> Iterator[str]:
        yield first
        with app.app_context():
            # It only reads: on SQLite it must not hold the write lock for as long as a slow phone takes to read.
            g.reading_only = True
            here = FamilyView(db.session.merge(family, load=False), db.session.merge(viewer, load=False))
            yield from _gathered(_pieces(here))

    return written()
