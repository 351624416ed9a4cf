"""Handing out an activation from another feature's page: issued, committed and shown once, never cached."""

from __future__ import annotations

import re

from sqlalchemy import select

from familyapp import db
from familyapp.auth.models import Activation
from familyapp.auth.pages import issue_and_show
from familyapp.auth.services import format_code


def _show(app, world, user, **kwargs):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        page, status, headers = issue_and_show(db.session.merge(user), **kwargs)
    return page, status, headers


def _secrets(page) -> tuple[str, str]:
    token = re.search(r'href="http://[^"]*/auth/activate/([\w-]+)"', page).group(1)
    code = re.search(r'<p class="code"[^>]*>([A-Z0-9-]+)</p>', page).group(1)
    return token, code


def test_the_link_and_code_are_shown_never_cached_and_only_their_hashes_kept(app, world):
    actor = db.session.merge(world.consultant_a)
    page, status, headers = _show(app, world, world.parent_a, actor=actor, family=db.session.merge(world.family_a))
    assert status == 200 and headers == {"Cache-Control": "no-store"}
    assert "Activation for Sara A" in page and "<svg" in page  # the QR code
    token, code = _secrets(page)
    assert code == format_code(code.replace("-", ""))
    stored = db.session.scalar(select(Activation).where(Activation.user_id == world.parent_a.id))
    assert stored.token_hash == db.secret_hash(token) and stored.code_hash == db.secret_hash(code.replace("-", ""))
    assert stored.issued_by_id == world.consultant_a.id
    assert f"/families/{world.family_a.id}/people" in page  # the way back


def test_it_is_committed(app, world):
    _show(app, world, world.parent_a2, actor=db.session.merge(world.consultant_a), family=None)
    db.session.rollback()  # to the last commit: the activation is kept
    assert db.session.scalar(select(Activation).where(Activation.user_id == world.parent_a2.id)) is not None


def test_each_showing_is_a_new_activation_and_the_earlier_one_stops_working(app, world):
    actor = db.session.merge(world.admin)
    first, _s, _h = _show(app, world, world.consultant_b, actor=actor)
    second, _s, _h = _show(app, world, world.consultant_b, actor=actor)
    assert _secrets(first) != _secrets(second)
    rows = db.session.scalars(select(Activation).where(Activation.user_id == world.consultant_b.id)).all()
    assert len(rows) == 2 and sum(row.revoked_at is None for row in rows) == 1
    assert "/admin" in second  # a professional's way back is the admin page
