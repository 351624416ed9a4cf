"""User-visible sign-in and activation messages, keyed so that tests assert on keys, not on wording."""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    # One answer for an unknown, used, replaced or expired code or link: a prober learns nothing from it.
    "activation_invalid": _l(
        "This code or link cannot be used. It may be mistyped, used or too old. Ask your contact person for a new one."
    ),
    "activation_needed": _l("Open your activation link or type your code first."),
    "too_many_attempts": _l("Too many attempts. Wait a few minutes and try again."),
    "passkey_rejected": _l("Your passkey could not be checked. Please try again."),
    "passkey_unknown": _l("This passkey is not known here. Use the activation link from your contact person."),
    "passkey_duplicate": _l("This device already has a passkey for you. You can sign in with it."),
    "passkey_expired_prompt": _l("The sign-in took too long. Please try again."),
    "passkey_added": _l("Your passkey is ready. You are signed in."),
    "passkey_renamed": _l("The passkey has a new name."),
    "passkey_removed": _l("The passkey has been removed."),
    "passkey_last": _l("You cannot remove your only passkey. Add a new one first."),
    "signed_in": _l("You are signed in."),
    "signed_out": _l("You are signed out."),
    "confirm_signin": _l("Please confirm with your passkey that it is you."),
    "account_inactive": _l("This account is not active. Contact your contact person."),
    "passkey_not_yours": _l("That passkey belongs to someone else. Use your own passkey."),
    "recovery_not_yours": _l("You cannot do this step. Another person must confirm a new activation."),
    "recovery_waiting": _l("The new activation still waits for a second person to confirm it."),
    "recovery_confirmed": _l("The new activation is already confirmed."),
    "recovery_done": _l("The new activation has already been handed out. Ask again if it is needed."),
    "recovery_cancelled": _l("A newer request has replaced this one."),
    "recovery_expired": _l("The request has expired. Ask again if it is still needed."),
}


def message(key: str) -> str:
    """The translated text for a message key."""
    return str(MESSAGES[key])
