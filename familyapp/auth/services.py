"""Accounts, activations and passkeys. Services add and flush; the caller commits once."""

from __future__ import annotations

import secrets
from datetime import datetime

import segno
from flask import current_app, url_for
from sqlalchemy import func, select, update

from .. import db, tenancy
from ..audit import record_event
from .models import Activation, Passkey, Role, User
from .sessions import end_all_sessions
from .webauthn import NewCredential

#: Letters and digits that cannot be mistaken for each other when read aloud or typed from paper.
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
CODE_LENGTH = 8


class ActivationError(Exception):
    """An activation that cannot be used. Unknown, used, replaced and expired all give the same message key
    (auth.messages "activation_invalid"), so whoever tries codes or links cannot tell which ones exist."""

    key = "activation_invalid"


class PasskeyError(Exception):
    """A passkey change that is not allowed; ``key`` is a message key."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def normalise_code(code: str) -> str:
    """Upper-case the code and drop spaces and dashes, as people type it in many ways."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def format_code(code: str) -> str:
    """Show a code in two groups of four: easier to read aloud."""
    return f"{code[:4]}-{code[4:]}"


def create_user(
    role: Role, name: str, *, actor, person=None, family=None, phone: str | None = None, active: bool = True
) -> User:
    """Create a login.

    :param role: what the login is for.
    :param name: the name shown to others.
    :param actor: who creates it (None from the CLI).
    :param person: the family member it belongs to, for parents and young people.
    :param family: that member's family, for the audit trail.
    :param phone: a phone number shown to families (consultants).
    :param active: False for a login that waits for a second person's confirmation (``recovery.ask_to_confirm``).
    :return: the new user.
    """
    user = User(
        role=role,
        name=name.strip(),
        person=person,
        phone=phone or None,
        webauthn_handle=secrets.token_bytes(64),
        active=active,
    )
    db.session.add(user)
    db.session.flush()
    record_event(actor, "user.created", family=family, obj=user, data={"role": role.value})
    return user


def issue_activation(user: User, *, actor, family=None, now: datetime | None = None) -> tuple[Activation, str, str]:
    """Issue a one-time activation link and code; earlier unused ones stop working.

    When the user already has passkeys this is the lost-phone path: their sessions end, so a lost phone
    that is still signed in is signed out.

    :param user: who may register a passkey with it.
    :param actor: the consultant or admin issuing it (None from the CLI).
    :param family: the family concerned, for the audit trail.
    :return: (activation, secret link token, short code) - the secrets are never stored and shown once.
    """
    now = now or db.utcnow()
    db.session.execute(
        update(Activation)
        .where(Activation.user_id == user.id, Activation.used_at.is_(None), Activation.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    recovery = has_passkeys(user)
    if recovery:
        end_all_sessions(user.id)
    token = secrets.token_urlsafe(32)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    activation = Activation(
        user_id=user.id,
        token_hash=db.secret_hash(token),
        code_hash=db.secret_hash(code),
        issued_by_id=actor.id if actor else None,
        created_at=now,
        expires_at=now + current_app.config["ACTIVATION_LIFETIME"],
    )
    db.session.add(activation)
    db.session.flush()
    record_event(actor, "activation.issued", family=family, obj=user, data={"recovery": recovery})
    return activation, token, code


def has_passkeys(user: User) -> bool:
    """Whether the user has registered at least one passkey."""
    return db.session.scalar(select(func.count()).where(Passkey.user_id == user.id)) > 0


def with_passkeys(user_ids: set) -> set:
    """Which of these logins have at least one passkey (one query)."""
    if not user_ids:
        return set()
    return set(db.session.scalars(select(Passkey.user_id).where(Passkey.user_id.in_(user_ids)).distinct()))


def _check(activation: Activation | None, now: datetime) -> Activation:
    """The activation if it can be used now; ActivationError (one and the same) for every reason it cannot."""
    if activation is None or activation.used_at is not None or activation.revoked_at is not None:
        raise ActivationError()
    if now >= activation.expires_at:  # the same answer: nothing tells an old code from a wrong one
        raise ActivationError()
    owner = db.session.get(User, activation.user_id)
    if owner is None or not owner.active:  # a login still waiting for its confirmation opens nothing
        raise ActivationError()
    return activation


def activation_by_token(token: str, now: datetime | None = None) -> Activation:
    """The usable activation behind a link, or ActivationError."""
    key = db.secret_hash(token[:100])
    found = tenancy.find_by_key("activation", key, select(Activation).where(Activation.token_hash == key))
    return _check(found, now or db.utcnow())


def activation_by_code(code: str, now: datetime | None = None) -> Activation:
    """The usable activation behind a typed code, or ActivationError."""
    normalised = normalise_code(code[:40])
    found = None
    if len(normalised) == CODE_LENGTH:
        key = db.secret_hash(normalised)
        found = tenancy.find_by_key("activation_code", key, select(Activation).where(Activation.code_hash == key))
    return _check(found, now or db.utcnow())


def activation_by_id(activation_id, now: datetime | None = None) -> Activation:
    """The usable activation remembered in the session (its signed cookie: the id is the server's own), or
    ActivationError; the work enters its municipality."""
    found = None
    if activation_id:
        found = tenancy.find_by_key(
            "activation_id", str(activation_id), select(Activation).where(Activation.id == activation_id)
        )
    return _check(found, now or db.utcnow())


def add_passkey(user: User, new: NewCredential, label: str, *, activation: Activation | None = None) -> Passkey:
    """Store a verified passkey; using an activation marks it spent.

    :param user: the owner.
    :param new: the verified credential.
    :param label: the owner's name for it ("Min telefon").
    :param activation: the activation that allowed the registration, if any.
    :return: the new passkey.
    """
    duplicate = db.session.scalar(select(Passkey.id).where(Passkey.credential_id == new.credential_id))
    if duplicate is not None:
        raise PasskeyError("passkey_duplicate")
    passkey = Passkey(
        user_id=user.id,
        credential_id=new.credential_id,
        public_key=new.public_key,
        sign_count=new.sign_count,
        transports=new.transports,
        backed_up=new.backed_up,
        label=label.strip()[:100] or "Adgangsnøgle",
        created_at=db.utcnow(),
    )
    if activation is not None:
        spend_activation(activation)
    db.session.add(passkey)
    db.session.flush()
    record_event(user, "passkey.added", obj=passkey)
    return passkey


def spend_activation(activation: Activation) -> None:
    """Mark an activation used, atomically: of two tabs finishing with the same activation, one wins."""
    now = db.utcnow()
    spent = db.session.execute(
        update(Activation)
        .where(Activation.id == activation.id, Activation.used_at.is_(None), Activation.revoked_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise ActivationError()
    activation.used_at = now


def passkey_by_credential_id(credential_id: bytes) -> Passkey | None:
    """The stored passkey for a credential id, or None; the work enters its owner's municipality."""
    return tenancy.find_by_key("passkey", credential_id, select(Passkey).where(Passkey.credential_id == credential_id))


def record_sign_in(user: User, passkey: Passkey, new_sign_count: int) -> None:
    """Remember the new signature counter and when the passkey was last used; audit the sign-in."""
    passkey.sign_count = new_sign_count
    passkey.last_used_at = db.utcnow()
    record_event(user, "user.signed_in", obj=passkey)


def list_passkeys(user: User) -> list[Passkey]:
    """The user's passkeys, oldest first."""
    return list(db.session.scalars(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.created_at)))


def get_own_passkey(user: User, passkey_id) -> Passkey | None:
    """One of the user's own passkeys; someone else's is None (a 404 for the view)."""
    return db.session.scalar(select(Passkey).where(Passkey.id == passkey_id, Passkey.user_id == user.id))


def rename_passkey(passkey: Passkey, label: str, *, actor: User) -> None:
    """Give a passkey a new name."""
    passkey.label = label.strip()[:100]
    record_event(actor, "passkey.renamed", obj=passkey)


def remove_passkey(passkey: Passkey, *, actor: User) -> None:
    """Remove a passkey; the only one left cannot go (the person would be locked out)."""
    count = db.session.scalar(select(func.count()).where(Passkey.user_id == passkey.user_id))
    if count <= 1:
        raise PasskeyError("passkey_last")
    record_event(actor, "passkey.removed", obj=passkey)
    db.session.delete(passkey)
    db.session.flush()


def activation_url(token: str) -> str:
    """The full link for an activation, on the configured public origin (also from the CLI)."""
    with current_app.test_request_context(base_url=current_app.config["WEBAUTHN_ORIGIN"]):
        return url_for("signin.activate_link", token=token, _external=True)


def qr_svg(url: str) -> str:
    """An inline SVG QR code for a link, so the phone's camera can open it."""
    return segno.make(url, error="m").svg_inline(scale=5, border=2, title="QR")


def activation_display(token: str, code: str) -> dict:
    """What the activation page shows once: the link, the code in groups and a QR code of the link."""
    url = activation_url(token)
    return {"url": url, "code": format_code(code), "qr": qr_svg(url)}
