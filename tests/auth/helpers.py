"""Helpers for driving the passkey ceremonies through the test client."""

from __future__ import annotations

from familyapp import db
from familyapp.auth.services import issue_activation


def new_activation(app, user) -> tuple[str, str]:
    """Issue an activation for a user; return (token, code)."""
    with app.app_context():
        _a, token, code = issue_activation(db.session.merge(user), actor=None)
        db.session.commit()
        return token, code


def register(client, authenticator, label: str = "Min telefon", **create_kwargs):
    """Run begin + finish of a registration after an activation was opened in this client."""
    options = client.post("/auth/activate/register/begin").get_json()
    credential = authenticator.create(options, **create_kwargs)
    return client.post("/auth/activate/register/finish", json={"credential": credential, "label": label})


def sign_in(client, authenticator, cred_id=None, **get_kwargs):
    """Run begin + finish of a passkey sign-in."""
    options = client.post("/auth/login/begin").get_json()
    credential = authenticator.get(options, cred_id, **get_kwargs)
    return client.post("/auth/login/finish", json={"credential": credential})
