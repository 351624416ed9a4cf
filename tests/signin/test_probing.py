"""An outside probe learns nothing from the activation pages: an unknown, used, replaced or expired code or link
gets the very same answer (status and page)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from familyapp import db
from familyapp.auth.models import Activation
from tests.auth.helpers import new_activation, register
from tests.fake_authenticator import SoftAuthenticator


def _probes(app, client, world) -> dict[str, tuple[str, str]]:
    """(link token, code) of each kind of activation that cannot be used."""
    replaced = new_activation(app, world.parent_a)
    used = new_activation(app, world.parent_a)
    client.get(f"/auth/activate/{used[0]}")
    assert register(client, SoftAuthenticator()).status_code == 200
    expired = new_activation(app, world.parent_a2)
    row = db.session.scalar(select(Activation).where(Activation.user_id == world.parent_a2.id))
    row.expires_at = db.utcnow() - timedelta(minutes=1)
    db.session.commit()
    return {"unknown": ("x" * 43, "ACDE-FGHJ"), "replaced": replaced, "used": used, "expired": expired}


def _same_apart_from(body: str, typed: str) -> str:
    """The page without what differs by nature: what was typed (kept in the field and the language form's way
    back) and the per-session CSRF token."""
    return re.sub(r'name="csrf_token" value="[^"]*"', "", body.replace(typed, "TYPED"))


def _stranger(app):
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return other


def test_every_unusable_link_and_code_gets_the_same_answer(app, client, world):
    probes = _probes(app, client, world)
    links, codes = {}, {}
    for kind, (token, code) in probes.items():
        response = _stranger(app).get(f"/auth/activate/{token}")
        links[kind] = (response.status_code, _same_apart_from(response.get_data(as_text=True), token))
        shown = f"{code[:4]}-{code[4:]}" if "-" not in code else code
        response = _stranger(app).post("/auth/activate", data={"code": shown})
        codes[kind] = (response.status_code, _same_apart_from(response.get_data(as_text=True), shown))
    assert len(set(links.values())) == 1, {k: v[0] for k, v in links.items()}
    assert len(set(codes.values())) == 1, {k: v[0] for k, v in codes.items()}
    status, page = links["used"]
    assert status == 404 and "cannot be used" in page and "Ask your contact person for a new one" in page
    status, page = codes["expired"]
    assert status == 200 and "cannot be used" in page
