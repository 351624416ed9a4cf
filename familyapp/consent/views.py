"""The consent centre: one set of screens for the family and, mirrored, for its consultant. Parents give and
withdraw with one tap each, after a fresh passkey confirmation; the consultant asks, and makes partner links."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from .. import db, gate, paging
from ..access import FamilyView, deny, family_screen_or_404, get_in_family_or_404, parse_id
from ..auth.ceremony import fresh_confirmation
from ..auth.models import Role
from ..families import queries as family_queries
from ..families.models import Person, PersonKind
from ..gate.models import ConsentRecord, ConsentRequest, ConsentTemplate, PartnerLink
from ..i18n import safe_next, when
from ..meetings.models import Meeting
from ..network import queries as network_queries
from . import queries, services
from .forms import LinkForm, RequestForm

bp = Blueprint("consent", __name__, url_prefix="/families/<family_id>")

MESSAGES = {
    "outdated": _l("The text has changed since we asked. Your contact person asks again with the new text."),
    "already_given": _l("You have already given this consent. Nothing was changed."),
    "not_given": _l("There is no consent to withdraw. Nothing was changed."),
    "not_parent": _l("Only a parent can give or withdraw this consent."),
    "not_custodian": _l(
        "Only a parent with custody can give this consent. Talk to your contact person if this is not right."
    ),
    "custody_unknown": _l(
        "Your contact person has not yet noted who has custody, so your consent cannot count yet. "
        "Ask your contact person to note it."
    ),
    "already_asked": _l("The family has already been asked exactly this. Nothing new was sent."),
    "meeting_needed": _l("Choose the network meeting the invitation is for."),
    "no_meeting": _l("A meeting can only be chosen for an invitation to a network meeting."),
}


def _language() -> str:
    return str(get_locale() or "da")


#: Records of the history shown at a time, newest first.
HISTORY_PER_PAGE = 10


def _recipient_choices(people: list) -> list[SelectChoice]:
    return [SelectChoice("", _("Choose"))] + [SelectChoice(str(p.id), p.label) for p in people]


def _request_form(view: FamilyView, people=None, household=None, **kwargs) -> RequestForm:
    """The form to ask for consent, its choices from the people and household given (else loaded)."""
    household = household if household is not None else family_queries.household(view.family)[0]
    form = RequestForm(**kwargs)
    form.template.choices = [
        SelectChoice(str(t.id), t.data["title"].get(_language()) or t.data["title"]["da"])
        for t in queries.active_templates()
    ]
    form.recipient.choices = _recipient_choices(people if people is not None else network_queries.list_people(view))
    form.about.choices = [SelectChoice("", _("No, the whole family"))] + [
        SelectChoice(str(p.id), p.name) for p, _u, _m in household if p.kind is PersonKind.CHILD
    ]
    form.meeting.choices = [SelectChoice("", _("No meeting"))] + [
        SelectChoice(str(m.id), when(m.starts_at, "EEEE d. MMMM y 'kl.' HH:mm", with_time=True))
        for m in queries.coming_network_meetings(view.family, db.utcnow())
    ]
    return form


def _link_form(view: FamilyView, people=None, **kwargs) -> LinkForm:
    form = LinkForm(**kwargs)
    form.recipient.choices = _recipient_choices(people if people is not None else network_queries.list_people(view))
    return form


def _centre(view: FamilyView, request_form=None, link_form=None, status: int = 200):
    """Each request with each parent's latest answer, the latest part of the history (older pages on request),
    and (for the consultant) the forms; a fixed number of queries, however long the history is."""
    family, now = view.family, db.utcnow()
    # A co-consultant does not see consents about people the family hides from them: the viewer's rules
    # (consent.queries) leave those requests, records and links out of the queries.
    asked = queries.requests_with_states(family)
    # What waits for this parent's answer comes first.
    asked.sort(key=lambda a: view.viewer.id in a.latest)
    history, page, pages = queries.history_page(
        family, paging.page_number(request.args.get("history")), HISTORY_PER_PAGE
    )
    household = family_queries.list_people(family)
    people, links, recipients = queries.people_and_links(family) if view.can_edit else ([], [], {})
    custody = {u.id: m.custody for _p, u, m in household if u is not None and m is not None}
    return render_template(
        "consent/index.html",
        view=view,
        family=family,
        asked=asked,
        history=history,
        history_page=page,
        history_pages=pages,
        parents=[u for _p, u, m in household if u is not None and u.role is Role.PARENT and m and m.custody],
        messages=MESSAGES,
        my_custody=custody.get(view.viewer.id) if view.viewer.role is Role.PARENT else None,
        children={p.id: p.name for p, _u, _m in household},
        names={u.id: p.name for p, u, _m in household if u is not None},
        active=lambda record: gate.active(record, now),
        language=_language(),
        request_form=(request_form or _request_form(view, people, household, formdata=None)) if view.can_edit else None,
        link_form=(link_form or _link_form(view, people, formdata=None)) if view.can_edit else None,
        links=links,
        recipients=recipients,
        now=now,
    ), status


@bp.get("/consent")
@login_required
def index(family_id: str):
    """What may be shared with whom and why: each request, each parent's answer, and the history."""
    return _centre(family_screen_or_404(family_id, "consent"))


@bp.post("/consent/requests")
@login_required
def ask(family_id: str):
    """The consultant asks the family for consent, from a text in use, for a recipient on the map."""
    view = family_screen_or_404(family_id, consultant_only=True)
    form = _request_form(view)
    if not form.validate_on_submit() or not form.recipient.data:
        if not form.recipient.data and not form.recipient.errors:
            form.recipient.errors.append(_("Choose someone from the family's network map."))
        return _centre(view, request_form=form, status=400)
    template = db.session.get(ConsentTemplate, parse_id(form.template.data))
    recipient = network_queries.get_person_or_404(view, form.recipient.data)
    about = get_in_family_or_404(Person, form.about.data, view.family) if form.about.data else None
    meeting = get_in_family_or_404(Meeting, form.meeting.data, view.family) if form.meeting.data else None
    try:
        services.create_request(
            view.family, template, recipient, actor=current_user, about=about, note=form.note.data, meeting=meeting
        )
    except services.ConsentError as exc:
        db.session.rollback()
        if exc.key == "already_asked":
            flash(str(MESSAGES[exc.key]), "info")
            return redirect(_back(view, form))
        target = form.meeting if exc.key in ("meeting_needed", "no_meeting") else form.template
        target.errors = [*target.errors, str(MESSAGES[exc.key])]
        return _centre(view, request_form=form, status=400)
    db.session.commit()
    flash(_("The family has been asked. They see the request under Consent."), "success")
    return redirect(_back(view, form))


def _back(view: FamilyView, form: RequestForm) -> str:
    """Where asking leads back to: the meeting it was asked from, or the consent centre."""
    if request.form.get("back") == "meeting" and form.meeting.data:
        return url_for("meetings.detail", family_id=view.family.id, meeting_id=form.meeting.data, _anchor="invite")
    return url_for("consent.index", family_id=view.family.id)


#: What each step does, and what the parent is told after it.
STEPS = {
    "give": (services.give, _l("Thank you. Your consent is given. You can withdraw it here at any time.")),
    "withdraw": (services.withdraw, _l("Your consent is withdrawn. From now on nothing more is shared.")),
}


def _parent_step(family_id: str, request_id: str, step: str):
    """Give or withdraw: only a parent, only after a fresh passkey confirmation (else sign in again first)."""
    view = family_screen_or_404(family_id)
    if view.viewer.role is not Role.PARENT:
        deny()
    consent_request = get_in_family_or_404(ConsentRequest, request_id, view.family)
    back = url_for("consent.index", family_id=view.family.id, _anchor=f"request-{consent_request.id}")
    confirmed_by = fresh_confirmation()
    if confirmed_by is None:
        flash(_("Please confirm with your passkey that it is you. Then tap again."), "info")
        return redirect(url_for("signin.login", next=safe_next(back, back)))
    act, thanks = STEPS[step]
    try:
        record = act(
            view.family, consent_request, current_user, language=_language(), now=db.utcnow(), confirmed_by=confirmed_by
        )
    except services.ConsentError as exc:
        db.session.rollback()
        flash(str(MESSAGES[exc.key]), "error")
        return redirect(back)
    db.session.commit()
    flash(str(thanks), "success")
    return redirect(url_for("consent.receipt", family_id=view.family.id, record_id=record.id))


@bp.post("/consent/requests/<request_id>/give")
@login_required
def give(family_id: str, request_id: str):
    """A parent consents, to the exact text shown, after confirming with their passkey."""
    return _parent_step(family_id, request_id, "give")


@bp.post("/consent/requests/<request_id>/withdraw")
@login_required
def withdraw(family_id: str, request_id: str):
    """A parent withdraws: it stops counting at once, and the consultant sees it in the caseload."""
    return _parent_step(family_id, request_id, "withdraw")


@bp.get("/consent/records/<record_id>")
@login_required
def receipt(family_id: str, record_id: str):
    """A receipt for one consent given or withdrawn: when, who, exactly which text, what, to whom, until when."""
    view = family_screen_or_404(family_id, "consent_receipt")
    own = () if view.can_edit else (ConsentRecord.user_id == view.viewer.id,)
    record = get_in_family_or_404(ConsentRecord, record_id, view.family, where=own)
    consent_request = db.session.get(ConsentRequest, record.request_id)
    template = db.session.get(ConsentTemplate, record.template_id)
    # What the parent was shown, as it was; records from before that was kept fall back to today's details.
    shown = record.shown or services.what_is_shown(view.family, consent_request, template, record.language)
    return render_template(
        "consent/receipt.html",
        view=view,
        family=view.family,
        record=record,
        template=template,
        shown=shown,
        names=family_queries.names(view.family),
    )


@bp.post("/consent/links")
@login_required
def make_link(family_id: str):
    """A partner link for someone on the map; the address is shown once (only its hash is kept)."""
    view = family_screen_or_404(family_id, consultant_only=True)
    form = _link_form(view)
    if not form.validate_on_submit() or not form.recipient.data:
        if not form.recipient.data and not form.recipient.errors:
            form.recipient.errors.append(_("Choose someone from the family's network map."))
        return _centre(view, link_form=form, status=400)
    recipient = network_queries.get_person_or_404(view, form.recipient.data)
    link, token = services.create_link(view.family, recipient, actor=current_user, now=db.utcnow())
    db.session.commit()
    return render_template(
        "consent/link_made.html",
        view=view,
        family=view.family,
        link=link,
        recipient=recipient,
        url=services.partner_url(token),
        shares=gate.permission(view.family, recipient.id, db.utcnow()).kinds,
    )


@bp.post("/consent/links/<link_id>/revoke")
@login_required
def revoke_link(family_id: str, link_id: str):
    """Stop a partner link from working at once."""
    view = family_screen_or_404(family_id, consultant_only=True)
    link = get_in_family_or_404(PartnerLink, link_id, view.family)
    gate.revoke_link(view.family, link, actor=current_user, now=db.utcnow())
    db.session.commit()
    flash(_("The link no longer works."), "success")
    return redirect(url_for("consent.index", family_id=view.family.id, _anchor="links"))
