"""Sign-in with passkeys, activation of new passkeys, sign-out and "Mine adgangsnøgler"."""

from __future__ import annotations

import time
import uuid
from functools import wraps

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from .. import db
from ..access import parse_id
from ..audit import record_event
from ..i18n import safe_next
from . import ratelimit, services
from . import webauthn as wa
from .forms import ActivationCodeForm, RenamePasskeyForm
from .messages import message
from .models import User
from .sessions import signed_in_at

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _json_error(key: str, status: int = 400):
    return jsonify({"error": message(key), "key": key}), status


def _store_challenge(name: str, challenge: str, **extra) -> None:
    session[name] = {"challenge": challenge, "expires": time.time() + wa.TIMEOUT_MS / 1000, **extra}


def _take_challenge(name: str) -> dict | None:
    """Pop a stored challenge: single use, and only within its lifetime."""
    state = session.pop(name, None)
    if not isinstance(state, dict) or state.get("expires", 0) < time.time():
        return None
    return state


def _credential_body() -> tuple[dict, str]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("credential"), dict):
        raise wa.RegistrationRejected("malformed body")
    label = body.get("label") if isinstance(body.get("label"), str) else ""
    return body["credential"], label


def _sign_in(user: User) -> None:
    """Start a fresh signed-in session with a new id (ASVS 7.2.4)."""
    login_user(user)
    session.mark_signed_in()


def recent_signin_required(view):
    """Ask for a new passkey confirmation before sensitive changes when the sign-in is not recent."""

    @login_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        started = signed_in_at(session)
        if started is None or db.utcnow() - started > current_app.config["RECENT_SIGNIN"]:
            flash(message("confirm_signin"), "info")
            # After confirming, come back to the page the form was on (a POST address cannot be re-opened).
            back = request.full_path.rstrip("?") if request.method == "GET" else request.form.get("next")
            return redirect(url_for("auth.login", next=safe_next(back, url_for("families.index"))))
        return view(*args, **kwargs)

    return wrapped


@bp.get("/login")
def login():
    """The sign-in page: one button, plus passkey autofill where the browser supports it."""
    if current_user.is_authenticated and not request.args.get("next"):
        return redirect(url_for("families.index"))
    return render_template("auth/login.html", next=safe_next(request.args.get("next"), ""))


@bp.post("/login/begin")
def login_begin():
    """Options for a passkey sign-in; the challenge is kept in the server-side session."""
    options, challenge = wa.authentication_options()
    _store_challenge("webauthn_login", challenge)
    return current_app.response_class(options, mimetype="application/json")


@bp.post("/login/finish")
def login_finish():
    """Verify the passkey and sign in."""
    if not ratelimit.allow("login"):
        return _json_error("too_many_attempts", 429)
    state = _take_challenge("webauthn_login")
    if state is None:
        return _json_error("passkey_expired_prompt")
    try:
        credential, _label = _credential_body()
        passkey = services.passkey_by_credential_id(wa.credential_id_of(credential))
        if passkey is None:
            record_event(None, "auth.failed", data={"reason": "unknown_passkey"})
            db.session.commit()
            return _json_error("passkey_unknown")
        user = db.session.get(User, passkey.user_id)
        if not user.active:
            return _json_error("account_inactive", 403)
        wa.check_user_handle(credential, user.webauthn_handle)
        count = wa.verify_authentication(
            credential, state["challenge"], public_key=passkey.public_key, sign_count=passkey.sign_count
        )
    except (wa.AuthenticationRejected, wa.RegistrationRejected):
        record_event(None, "auth.failed", data={"reason": "rejected"})
        db.session.commit()
        return _json_error("passkey_rejected")
    services.record_sign_in(user, passkey, count)
    db.session.commit()
    _sign_in(user)
    target = safe_next(request.args.get("next"), url_for("families.index"))
    return jsonify({"redirect": target})


@bp.post("/logout")
def logout():
    """Sign out: the server-side session is deleted and the browser told to clear its storage."""
    language = session.get("language")
    if current_user.is_authenticated:
        language = current_user.language or language
        record_event(current_user, "user.signed_out", obj=current_user)
        db.session.commit()
    logout_user()
    session.clear()
    if language:
        # The sign-in page keeps the language the person chose; nothing else survives sign-out.
        session["language"] = language
    response = redirect(url_for("auth.login", signed_out=1))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/activate", methods=["GET", "POST"])
def activate():
    """Type the code from the contact person, then continue to passkey registration."""
    form = ActivationCodeForm()
    if form.validate_on_submit():
        if not ratelimit.allow("activate"):
            form.code.errors.append(message("too_many_attempts"))
        else:
            try:
                activation = services.activation_by_code(form.code.data)
            except services.ActivationError as exc:
                form.code.errors.append(message(exc.key))
            else:
                session["activation_id"] = str(activation.id)
                return redirect(url_for("auth.register"))
    return render_template("auth/activate.html", form=form)


@bp.get("/activate/<token>")
def activate_link(token: str):
    """Open an activation link; the secret leaves the address bar straight away."""
    if not ratelimit.allow("activate"):
        return render_template("auth/activation_problem.html", problem=message("too_many_attempts")), 429
    try:
        activation = services.activation_by_token(token)
    except services.ActivationError as exc:
        return render_template("auth/activation_problem.html", problem=message(exc.key)), 404
    session["activation_id"] = str(activation.id)
    return redirect(url_for("auth.register"))


def _current_activation():
    """The activation opened earlier in this session, if it can still be used."""
    try:
        return services.activation_by_id(uuid.UUID(str(session.get("activation_id"))))
    except (ValueError, services.ActivationError):
        return None


@bp.get("/activate/register")
def register():
    """Name and create a passkey for the person the activation is for."""
    activation = _current_activation()
    if activation is None:
        flash(message("activation_needed"), "error")
        return redirect(url_for("auth.activate"))
    user = db.session.get(User, activation.user_id)
    return render_template("auth/register.html", user=user)


@bp.post("/activate/register/begin")
def register_begin():
    """Registration options for the activated person; existing passkeys are excluded."""
    activation = _current_activation()
    if activation is None:
        return _json_error("activation_needed")
    user = db.session.get(User, activation.user_id)
    existing = [p.credential_id for p in services.list_passkeys(user)]
    options, challenge = wa.registration_options(
        user_handle=user.webauthn_handle, user_name=user.name, display_name=user.name, exclude=existing
    )
    _store_challenge("webauthn_register", challenge, activation_id=str(activation.id))
    return current_app.response_class(options, mimetype="application/json")


@bp.post("/activate/register/finish")
def register_finish():
    """Verify the new passkey, spend the activation and sign the person in."""
    if not ratelimit.allow("activate"):
        return _json_error("too_many_attempts", 429)
    state = _take_challenge("webauthn_register")
    activation = _current_activation()
    if state is None or activation is None or state.get("activation_id") != str(activation.id):
        return _json_error("passkey_expired_prompt")
    user = db.session.get(User, activation.user_id)
    had_passkeys = bool(services.list_passkeys(user))
    try:
        credential, label = _credential_body()
        new = wa.verify_registration(credential, state["challenge"])
        services.add_passkey(user, new, label, activation=activation)
    except wa.RegistrationRejected:
        return _json_error("passkey_rejected")
    except (services.PasskeyError, services.ActivationError) as exc:
        db.session.rollback()
        return _json_error(exc.key, 409)
    db.session.commit()
    session.pop("activation_id", None)
    _sign_in(user)
    flash(message("passkey_added"), "success")
    # After a lost phone, go where the old passkeys can be removed.
    target = url_for("auth.passkeys") if had_passkeys else url_for("families.index")
    return jsonify({"redirect": target})


@bp.get("/passkeys")
@login_required
def passkeys():
    """Mine adgangsnøgler: list, rename and remove."""
    items = services.list_passkeys(current_user)
    forms = {p.id: RenamePasskeyForm(prefix=str(p.id), label=p.label) for p in items}
    return render_template("auth/passkeys.html", passkeys=items, forms=forms)


def _own_passkey_or_404(passkey_id: str):
    passkey = services.get_own_passkey(current_user, parse_id(passkey_id))
    if passkey is None:
        abort(404)
    return passkey


@bp.post("/passkeys/<passkey_id>/rename")
@login_required
def rename_passkey(passkey_id: str):
    """Rename one of my passkeys."""
    passkey = _own_passkey_or_404(passkey_id)
    form = RenamePasskeyForm(prefix=str(passkey.id))
    if form.validate_on_submit():
        services.rename_passkey(passkey, form.label.data, actor=current_user)
        db.session.commit()
        flash(message("passkey_renamed"), "success")
        return redirect(url_for("auth.passkeys"))
    items = services.list_passkeys(current_user)
    forms = {p.id: (form if p.id == passkey.id else RenamePasskeyForm(prefix=str(p.id), label=p.label)) for p in items}
    return render_template("auth/passkeys.html", passkeys=items, forms=forms), 400


@bp.post("/passkeys/<passkey_id>/delete")
@recent_signin_required
def delete_passkey(passkey_id: str):
    """Remove one of my passkeys (not the last one)."""
    passkey = _own_passkey_or_404(passkey_id)
    try:
        services.remove_passkey(passkey, actor=current_user)
    except services.PasskeyError as exc:
        flash(message(exc.key), "error")
        return redirect(url_for("auth.passkeys"))
    db.session.commit()
    flash(message("passkey_removed"), "success")
    return redirect(url_for("auth.passkeys"))
