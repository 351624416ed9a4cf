"""Self-report scales: filling on the phone, the trend, and (mirrored) the consultant's review of every answer.

A family member sees and fills only their own; the family's consultants see everyone's, and fill a professional's
rating of the children.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import db, paging
from ..access import FamilyView, deny, family_screen_or_404, get_in_family_or_404
from ..families import queries as family_queries
from . import answer_pages, forms, queries, scoring, services, svg
from .definitions import PURPOSES
from .models import ScaleResponse

bp = Blueprint("scales", __name__, url_prefix="/families/<family_id>/scales")


def _now():
    return db.utcnow()


def _language() -> str:
    return str(get_locale() or "da")


def _own_window(view: FamilyView, key: str, sending: bool = False):
    """One of the viewer's own windows with their answer row in it (or None), or a 404 (another person's or a
    made-up key).

    :param sending: an answer arriving (perhaps long after it was filled offline): a window that has since given
        way to the next one is still found through the person's own answer row, so the answer is kept, as late.
    :return: (window, definition row, response or None).
    """
    found = queries.window_of(view.family, view.viewer, key, _now())
    if found is None and sending:
        found = queries.earlier_window(view.family, view.viewer, key, _now())
    if found is None:
        deny()
    return found


#: An answer that arrives this long after its window closed is still kept (marked late): it may have been filled
#: in time on a phone without a connection and waited in the outbox.
SEND_GRACE = timedelta(days=90)


def _usable(window, sending: bool = False) -> bool:
    """Open now, or closed lately (an answer is then marked late); a window not yet open or long closed takes
    no draft and no "no thanks". An answer that arrives is taken up to SEND_GRACE after the window closed."""
    if sending:
        return window.opens_at <= _now() < window.closes_at + SEND_GRACE
    return window.opens_at <= _now() < window.closes_at + queries.LATE_GRACE


def _graphs(history, definitions: dict, names: dict) -> list[dict]:
    """Trend graphs over a page of the history, one per scale (and per child), one line per person who answered.
    Answers share a graph when their scales measure alike (same purpose, range and cutoff): a child's and an
    adult's wellbeing do not, the parents' and the young person's own functioning ratings do. The change from a
    person's first answer to their latest is told from the history's ends, on every page."""
    groups: dict[tuple, list] = {}
    for r in reversed(history.answers):
        if r.total is None:
            continue
        definition = definitions[r.definition_id]
        groups.setdefault((r.purpose, r.about_person_id, definition.total_range, definition.cutoff), []).append(r)
    graphs = []
    for (purpose, about, (low, high), cutoff), answers in sorted(
        groups.items(), key=lambda kv: (PURPOSES.index(kv[0][0]), str(kv[0][1]), kv[0][3] or 0)
    ):
        definition = definitions[answers[-1].definition_id]
        by_person: dict = {}
        for r in answers:
            by_person.setdefault(r.user_id, []).append((r.submitted_at, r.total))
        series = [(names.get(uid, "?"), points) for uid, points in by_person.items()]
        ends = {uid: history.ends.get((purpose, about, uid)) for uid in by_person}
        outcomes = {
            names.get(uid, "?"): scoring.outcome(definition, first.total, latest.total)
            for uid, (first, latest) in ((uid, pair) for uid, pair in ends.items() if pair)
            if first.id != latest.id and first.total is not None and latest.total is not None
        }
        graphs.append(
            {
                "purpose": purpose,
                "about": about,
                "definition": definition,
                "chart": svg.chart(series, low, high, cutoff),
                "outcomes": outcomes,
            }
        )
    return graphs


def _index_page(view: FamilyView, alliance_form=None, status: int = 200):
    """What to fill now, the trends, and a page of the answers, the latest first (the consultant also marks them
    discussed)."""
    now = _now()
    mine_only = view.is_family
    show_alliance = queries.show_alliance(view.viewer) if mine_only else True
    whose = view.viewer if mine_only else None
    page = paging.page_number(request.args.get("page"))
    history = answer_pages.history(view.family, whose, page, hide_alliance=not show_alliance)
    definitions = queries.parsed_by_id({r.definition_id for r in history.answers})
    people, _consultants = family_queries.household(view.family)
    names = family_queries.names(view.family)
    # Someone no longer in the family keeps their name on their answers (asked only when there is such a one).
    names |= queries.names_of({r.user_id for r in history.answers} - names.keys())
    to_fill = queries.to_fill(view.family, view.viewer, now, late=True)
    return render_template(
        "scales/index.html",
        view=view,
        family=view.family,
        to_fill=[(window, queries.parsed(row), response) for window, row, response in to_fill],
        graphs=_graphs(history, definitions, names),
        sent=history.answers,
        history=history,
        definitions=definitions,
        names=names,
        children={p.id: p.name for p, _u, _m in people},
        show_alliance=show_alliance,
        alliance_form=alliance_form or forms.AllianceForm(show=show_alliance),
        discussed_form=forms.DiscussedForm if view.can_edit else None,
        language=_language(),
        now=now,
    ), status


@bp.get("")
@login_required
def index(family_id: str):
    """How it is going: scales to fill now, the trend over time, and the answers."""
    return _index_page(family_screen_or_404(family_id, "scales"))


def _fill_page(view, window, row, response, typed=None, skips=None, errors=None, status=200):
    definition = queries.parsed(row)
    if typed is None:
        typed, skips = forms.from_draft(definition, response.pending)
    return render_template(
        "scales/fill.html",
        view=view,
        family=view.family,
        window=window,
        definition=definition,
        response=response,
        typed=typed,
        skips=skips or set(),
        errors=errors or {},
        client_id=str(uuid.uuid4()),
        language=_language(),
        closed=window.is_late(_now()),
    ), status


@bp.route("/fill/<key>", methods=["GET", "POST"])
@login_required
def fill(family_id: str, key: str):
    """Fill a scale in one of the viewer's windows; a sent answer is read-only afterwards."""
    view = family_screen_or_404(family_id, "scale_fill")
    sending = request.method == "POST"
    window, row, response = _own_window(view, key, sending)
    if not _usable(window, sending):
        if _outbox():
            deny()
        early = _now() < window.opens_at
        return render_template("scales/not_yet.html", view=view, family=view.family, window=window, early=early)
    if sending:
        return _send(view, window, row, response)
    return _show(view, window, row, response)


def _kept_or_blank(view: FamilyView, window, row, response) -> ScaleResponse:
    """The person's answer row in the window (a draft, or one already sent), or a blank one that is not stored."""
    return response or services.blank_response(view.family, view.viewer, window, row)


def _show(view: FamilyView, window, row, kept):
    """The form, with the draft if there is one. Showing it stores nothing (a GET writes nothing): the answer row
    is made by the first draft, answer or "no thanks" (services.open_response)."""
    response = _kept_or_blank(view, window, row, kept)
    if response.submitted_at:
        if request.headers.get("X-Offline-Prefetch"):
            # Nothing to keep on the phone for filling offline. A plain 404, not deny(): this is not a refused
            # attempt, so there is nothing to audit.
            abort(404)
        return redirect(url_for("scales.answer", family_id=view.family.id, response_id=response.id))
    return _fill_page(view, window, row, response)


_SENT = _l("Thank you. Your answer is sent. Your contact person will talk it through with you.")
_SENT_LATE = _l("Thank you. Your answer is sent. It came after the time was up, so it is marked as late.")


def _outbox() -> str | None:
    """How the phone sends: "submit" (the page itself, answering in JSON), "replay" (the outbox, later), or None
    (an ordinary form post, without JavaScript)."""
    mode = request.headers.get("X-Outbox")
    return mode if mode in ("submit", "replay") else None


def _send(view: FamilyView, window, row, kept):
    """Take a sent answer: an error page (or 422) for bad values, which stores nothing; else the answer row (made
    now if no draft made it earlier) is sent once."""
    definition = queries.parsed(row)
    answers, typed, errors = forms.read_answers(definition, request.form)
    skips = {i.key for i in definition.items if request.form.get(f"skip-{i.key}")}
    mode = _outbox()
    if errors:
        if mode:
            return jsonify({"errors": {k: str(v) for k, v in errors.items()}}), 422
        response = _kept_or_blank(view, window, row, kept)
        return _fill_page(view, window, row, response, typed, skips, errors, status=400)
    response = _kept_or_blank(view, window, row, kept)
    client_id = (request.form.get("client_id") or "")[:36] or None
    try:
        # The window as it is now: a meeting moved since the draft was kept moves it.
        services.submit(
            view.family,
            response,
            definition,
            answers,
            actor=current_user,
            now=_now(),
            window=window,
            client_id=client_id,
        )
    except services.AlreadySent as exc:
        db.session.rollback()
        if mode:
            return jsonify({"already": True}), 409
        return render_template(
            "scales/already_sent.html", view=view, family=view.family, response=exc.response, definition=definition
        ), 409
    db.session.commit()
    url = url_for("scales.answer", family_id=view.family.id, response_id=response.id)
    if mode != "replay":
        # A replay from the outbox is told on the page that sent it, not on the next page the person opens.
        flash(str(_SENT_LATE if response.late else _SENT), "success")
    if mode:
        return jsonify({"sent": True, "late": response.late, "url": url})
    return redirect(url)


@bp.post("/fill/<key>/draft")
@login_required
def draft(family_id: str, key: str):
    """Keep what has been filled so far (the page sends it while the person fills)."""
    view = family_screen_or_404(family_id)
    window, row, kept = _own_window(view, key)
    if not _usable(window):
        deny()
    response = services.open_response(view.family, view.viewer, window, row, now=_now(), kept=kept)
    data = request.get_json(silent=True)
    data = data if isinstance(data, dict) else {}
    values = data.get("values") if isinstance(data.get("values"), dict) else {}
    skips = data.get("skips") if isinstance(data.get("skips"), list) else []
    keys = {i.key for i in queries.parsed(row).items}
    pending = {
        "values": {k: str(v)[:20] for k, v in values.items() if k in keys and isinstance(v, str | int | float)},
        "skips": [k for k in skips if isinstance(k, str) and k in keys],
    }
    services.save_draft(response, pending)
    db.session.commit()
    return jsonify({"saved": response.submitted_at is None})


@bp.post("/fill/<key>/decline")
@login_required
def decline(family_id: str, key: str):
    """Not this time: kept, and the person is not asked again for this window."""
    view = family_screen_or_404(family_id)
    window, row, kept = _own_window(view, key)
    if not _usable(window):
        deny()
    response = services.open_response(view.family, view.viewer, window, row, now=_now(), kept=kept)
    services.decline(view.family, response, actor=current_user, now=_now())
    db.session.commit()
    flash(_("That is fine. We will not ask you again this time."), "success")
    return redirect(url_for("scales.index", family_id=view.family.id))


def _answer_or_404(view: FamilyView, response_id: str) -> ScaleResponse:
    """A sent answer in the family: the family member's own, or anyone's for the family's consultant."""
    own = () if view.can_edit else (ScaleResponse.user_id == view.viewer.id,)
    response = get_in_family_or_404(ScaleResponse, response_id, view.family, where=own)
    if response.submitted_at is None:
        deny()
    return response


@bp.get("/answers/<response_id>")
@login_required
def answer(family_id: str, response_id: str):
    """One sent answer, item by item; read-only."""
    view = family_screen_or_404(family_id, "scale_answer")
    response = _answer_or_404(view, response_id)
    definition = queries.parsed_by_id({response.definition_id})[response.definition_id]
    # The family decides whether their own answers about the collaboration are shown back to them.
    hidden = response.purpose == "alliance" and view.is_family and not queries.show_alliance(view.viewer)
    return render_template(
        "scales/answer.html",
        view=view,
        family=view.family,
        response=response,
        definition=definition,
        values=forms.shown(definition, response.answers),
        names=family_queries.names(view.family) | queries.names_of({response.user_id}),
        discussed_form=forms.DiscussedForm(note=response.note) if view.can_edit else None,
        hidden=hidden,
        language=_language(),
    )


@bp.post("/answers/<response_id>/discussed")
@login_required
def discussed(family_id: str, response_id: str):
    """The consultant has talked the answer through with the family, with an optional note."""
    view = family_screen_or_404(family_id, consultant_only=True)
    response = _answer_or_404(view, response_id)
    form = forms.DiscussedForm()
    if form.validate_on_submit():
        services.mark_discussed(view.family, response, form.note.data or "", actor=current_user, now=_now())
        db.session.commit()
        flash(_("Marked as talked through."), "success")
    else:
        flash(_("The note is too long. Nothing was saved; shorten it and try again."), "error")
    if request.form.get("back") == "review":
        return redirect(url_for("review.queue"))
    return redirect(url_for("scales.answer", family_id=view.family.id, response_id=response.id))


@bp.post("/settings")
@login_required
def settings(family_id: str):
    """A family member chooses whether to see their own answers about the collaboration."""
    view = family_screen_or_404(family_id, family_only=True)
    form = forms.AllianceForm()
    if form.validate_on_submit():
        services.set_show_alliance(current_user, bool(form.show.data), family=view.family)
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("scales.index", family_id=view.family.id, _anchor="alliance"))
