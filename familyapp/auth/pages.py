"""View helpers other features use to hand out an activation (families' people page, the admin pages)."""

from __future__ import annotations

from flask import render_template

from .. import db
from .services import activation_display, issue_activation


def issue_and_show(user, *, actor, family=None, back: str | None = None, back_text: str | None = None):
    """Issue a new activation for a user, commit, and show its link, code and QR code once.

    :param user: who the activation is for.
    :param actor: the consultant or admin handing it out.
    :param family: the family the person belongs to (for the audit trail and the way back), if any.
    :param back: the way back when it is neither the family's people nor the admin's page (the operator's).
    :return: a response tuple; never cached, as the secrets are shown only here.
    """
    _activation, token, code = issue_activation(user, actor=actor, family=family)
    db.session.commit()
    shown = activation_display(token, code)
    page = render_template(
        "auth/activation_issued.html", family=family, user=user, back=back, back_text=back_text, **shown
    )
    return page, 200, {"Cache-Control": "no-store"}
