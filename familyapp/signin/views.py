"""Sign-in with passkeys, activation of new passkeys, sign-out and "Mine adgangsnøgler"."""

from __future__ import annotations

import uuid
from functools import wraps

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from .. import db
from ..access import deny, parse_id
from ..audit import record_event
from ..auth import ceremony, notices, ratelimit, services
from ..auth import webauthn as wa
from ..auth.messages import message
from ..auth.models import Passkey, User
from ..auth.sessions import end_all_sessions, signed_in_at, signed_out_cookie
from ..i18n import offered_here, safe_next
from ..recovery import services as recovery
from .forms import ActivationCodeForm, RenamePasskeyForm

bp = Blueprint("signin", __name__, url_prefix="/auth")


def _json_error(key: str, status: int = 400):
    return jsonify({"error": message(key), "key": key}), status


class Refused(Exception):
    """A ceremony step that fails; ``key`` is a message key, ``status`` the HTTP status."""

    def __init__(self, key: str, status: int = 400):
        super().__init__(key)
        self.key, self.status = key, status


def _sign_in(user: User) -> None:
    """Start a fresh signed-in session with a new id (ASVS 7.2.4); only the language and messages carry over,
    so nothing of a previous person's visit on a shared phone follows the next one."""
    keep = {k: session[k] for k in ("language", "_flashes") if k in session}
    session.clear()
    session.update(keep)
    login_user(user)
    session.mark_signed_in()
    if notices.has_unread(user):
        # Asked once here, so that other pages cost nothing: the notice shows until it is read.
        session["notice"] = True


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
            return redirect(url_for("signin.login", next=safe_next(back, url_for("overview.index"))))
        return view(*args, **kwargs)

    return wrapped


@bp.get("/login")
def login():
    """The sign-in page: one button, plus passkey autofill where the browser supports it."""
    if current_user.is_authenticated and not request.args.get("next"):
        return redirect(url_for("overview.index"))
    return render_template("signin/login.html", next=safe_next(request.args.get("next"), ""))


@bp.post("/login/begin")
def login_begin():
    """Options for a passkey sign-in; the challenge is kept in the server-side session."""
    options, challenge = wa.authentication_options()
    ceremony.store_challenge("webauthn_login", challenge)
    return current_app.response_class(options, mimetype="application/json")


def _verified_sign_in(ceremony_name: str = "webauthn_login") -> tuple[User, Passkey, int]:
    """Check the posted sign-in (or confirmation) response completely before anything about the account is
    revealed."""
    try:
        credential, _label = ceremony.credential_body()
    except wa.RegistrationRejected as exc:
        raise Refused("passkey_rejected") from exc
    state = ceremony.take_challenge(ceremony_name, credential)
    if state is None:
        raise Refused("passkey_expired_prompt")
    passkey = services.passkey_by_credential_id(wa.credential_id_of(credential))
    if passkey is None:
        raise Refused("passkey_unknown")
    user = db.session.get(User, passkey.user_id)
    try:
        wa.check_user_handle(credential, user.webauthn_handle)
        count = wa.verify_authentication(
            credential, state["challenge"], public_key=passkey.public_key, sign_count=passkey.sign_count
        )
    except wa.AuthenticationRejected as exc:
        raise Refused("passkey_rejected") from exc
    if not user.active:
        raise Refused("account_inactive", 403)
    return user, passkey, count


@bp.post("/login/finish")
def login_finish():
    """Verify the passkey and sign in; failures are counted and audited."""
    # Failures count per address and per passkey, so guessing from many addresses meets a limit too.
    claimed = ceremony.posted_credential_id()
    if ratelimit.blocked("login", claimed):
        return _json_error("too_many_attempts", 429)
    try:
        user, passkey, count = _verified_sign_in()
    except (Refused, wa.AuthenticationRejected) as exc:
        key = getattr(exc, "key", "passkey_rejected")
        db.session.rollback()
        record_event(None, "auth.failed", data={"reason": key})
        ratelimit.record_failure("login", claimed)
        return _json_error(key, getattr(exc, "status", 400))
    services.record_sign_in(user, passkey, count)
    db.session.commit()
    _sign_in(user)
    target = safe_next(request.args.get("next"), url_for("overview.index"))
    return jsonify({"redirect": target})


@bp.post("/confirm/begin")
@login_required
def confirm_begin():
    """Options for a fresh passkey confirmation before a sensitive step (giving or withdrawing consent)."""
    options, challenge = wa.authentication_options()
    ceremony.store_challenge("webauthn_confirm", challenge)
    return current_app.response_class(options, mimetype="application/json")


@bp.post("/confirm/finish")
@login_required
def confirm_finish():
    """Check the confirmation: the signed-in person's own passkey, now. It counts once, for two minutes."""
    claimed = ceremony.posted_credential_id()
    if ratelimit.blocked("login", claimed):
        return _json_error("too_many_attempts", 429)
    try:
        user, passkey, count = _verified_sign_in("webauthn_confirm")
        if user.id != current_user.id:
            raise Refused("passkey_not_yours")
    except (Refused, wa.AuthenticationRejected) as exc:
        key = getattr(exc, "key", "passkey_rejected")
        db.session.rollback()
        record_event(current_user, "auth.confirm_failed", data={"reason": key})
        ratelimit.record_failure("login", claimed)
        db.session.commit()
        return _json_error(key, getattr(exc, "status", 400))
    passkey.sign_count, passkey.last_used_at = count, db.utcnow()
    record_event(current_user, "auth.confirmed", obj=passkey)
    db.session.commit()
    session["confirmed_at"] = db.utcnow().isoformat()
    return jsonify({"confirmed": True})


@bp.post("/logout")
def logout():
    """Sign out: the server-side session is deleted, and the browser's cache and the pages kept offline go."""
    language = session.get("language")
    if current_user.is_authenticated:
        language = current_user.language or language
        record_event(current_user, "user.signed_out", obj=current_user)
        db.session.commit()
    logout_user()
    session.clear()
    if language:
        # The sign-in page keeps the language the person chose; nothing else survives sign-out,
        # and the session id is new.
        session["language"] = language
        session.regenerate()
    response = redirect(url_for("signin.login", signed_out=1))
    # Not "storage": that would also delete answers waiting on the phone to be sent (anyone's, not only this
    # person's). The pages kept for offline reading go anyway: the page removes them before signing out, and the
    # service worker removes them when the sign-in page (nobody's) arrives.
    response.headers["Clear-Site-Data"] = '"cache"'
    # The note the phone's script left when "Log ud" was tapped has done its work.
    response.delete_cookie(signed_out_cookie(current_app), path="/", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/activate", methods=["GET", "POST"])
def activate():
    """Type the code from the contact person, then continue to passkey registration."""
    form = ActivationCodeForm()
    if form.validate_on_submit():
        if ratelimit.blocked("activate"):
            form.code.errors.append(message("too_many_attempts"))
        else:
            try:
                activation = services.activation_by_code(form.code.data)
            except services.ActivationError as exc:
                ratelimit.record_failure("activate")
                form.code.errors.append(message(exc.key))
            else:
                session["activation_id"] = str(activation.id)
                return redirect(url_for("signin.register"))
    return render_template("signin/activate.html", form=form)


@bp.get("/activate/<token>")
def activate_link(token: str):
    """Open an activation link; the secret leaves the address bar straight away."""
    if ratelimit.blocked("activate"):
        return render_template("signin/activation_problem.html", problem=message("too_many_attempts")), 429
    try:
        activation = services.activation_by_token(token)
    except services.ActivationError as exc:
        ratelimit.record_failure("activate")
        return render_template("signin/activation_problem.html", problem=message(exc.key)), 404
    session["activation_id"] = str(activation.id)
    return redirect(url_for("signin.register"))


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
        return redirect(url_for("signin.activate"))
    user = db.session.get(User, activation.user_id)
    return render_template("signin/register.html", user=user)


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
    ceremony.store_challenge("webauthn_register", challenge, activation_id=str(activation.id))
    return current_app.response_class(options, mimetype="application/json")


def _keep_language(user: User) -> None:
    """The language chosen while activating becomes the person's own (it follows them to other phones); one
    they had already chosen stays."""
    chosen = session.get("language")
    if user.language is None and chosen in {language.code for language in offered_here()}:
        user.language = chosen
        record_event(user, "user.language_changed", obj=user, data={"language": chosen})


@bp.post("/activate/register/finish")
def register_finish():
    """Verify the new passkey, spend the activation and sign the person in."""
    if ratelimit.blocked("activate"):
        return _json_error("too_many_attempts", 429)
    try:
        user, had_passkeys = _register_from_activation()
    except Refused as exc:
        db.session.rollback()
        ratelimit.record_failure("activate")
        return _json_error(exc.key, exc.status)
    if had_passkeys:
        # Recovery after a lost phone: whoever else is still signed in as this person is signed out now.
        end_all_sessions(user.id)
    _keep_language(user)
    db.session.commit()
    _sign_in(user)
    flash(message("passkey_added"), "success")
    # After a lost phone, go where the old passkeys can be removed.
    target = url_for("signin.passkeys") if had_passkeys else url_for("overview.index")
    return jsonify({"redirect": target})


def _register_from_activation() -> tuple[User, bool]:
    """Check the registration response against the session's activation and store the new passkey.

    :return: the user, and whether they had passkeys before (the lost-phone path).
    """
    try:
        credential, label = ceremony.credential_body()
    except wa.RegistrationRejected as exc:
        raise Refused("passkey_rejected") from exc
    state = ceremony.take_challenge("webauthn_register", credential)
    activation = _current_activation()
    if state is None or activation is None or state.get("activation_id") != str(activation.id):
        raise Refused("passkey_expired_prompt")
    user = db.session.get(User, activation.user_id)
    had_passkeys = bool(services.list_passkeys(user))
    try:
        new = wa.verify_registration(credential, state["challenge"])
        services.add_passkey(user, new, label, activation=activation)
        if had_passkeys:
            recovery.told_new_passkey(user, activation)
    except wa.RegistrationRejected as exc:
        raise Refused("passkey_rejected") from exc
    except (services.PasskeyError, services.ActivationError) as exc:
        raise Refused(exc.key, 409) from exc
    return user, had_passkeys


@bp.get("/passkeys")
@login_required
def passkeys():
    """Mine adgangsnøgler: list, rename and remove."""
    items = services.list_passkeys(current_user)
    forms = {p.id: RenamePasskeyForm(prefix=str(p.id), label=p.label) for p in items}
    return render_template("signin/passkeys.html", passkeys=items, forms=forms)


def _own_passkey_or_404(passkey_id: str):
    passkey = services.get_own_passkey(current_user, parse_id(passkey_id))
    if passkey is None:
        deny()
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
        return redirect(url_for("signin.passkeys"))
    items = services.list_passkeys(current_user)
    forms = {p.id: (form if p.id == passkey.id else RenamePasskeyForm(prefix=str(p.id), label=p.label)) for p in items}
    return render_template("signin/passkeys.html", passkeys=items, forms=forms), 400


@bp.post("/passkeys/<passkey_id>/delete")
@recent_signin_required
def delete_passkey(passkey_id: str):
    """Remove one of my passkeys (not the last one)."""
    passkey = _own_passkey_or_404(passkey_id)
    try:
        services.remove_passkey(passkey, actor=current_user)
    except services.PasskeyError as exc:
        flash(message(exc.key), "error")
        return redirect(url_for("signin.passkeys"))
    # A removed passkey may be on a lost phone that is still signed in: end every other session.
    end_all_sessions(current_user.id, keep=session.row.id if session.row is not None else None)
    db.session.commit()
    flash(message("passkey_removed"), "success")
    return redirect(url_for("signin.passkeys"))
