"""Reminders on the phone with Web Push: subscribing, choosing what to be reminded of, and sending what is due,
each reminder once. The message says only that something is there ("Du har et møde i morgen"): push messages
pass through the browser makers' push services, so no names, places or times go in them."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from fnmatch import fnmatch
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import db
from ..access import home_family_id
from ..audit import record_event
from ..auth.models import Role, SecurityNotice, User
from ..families.models import Family
from ..meetings import queries as meeting_queries
from ..scales import queries as scale_queries
from . import vapid
from .models import KINDS, PushSubscription, ReminderSent, ReminderSetting

#: How long a push service keeps trying to deliver a reminder before it is dropped (the message's TTL).
TTL = {"meeting": 12 * 3600, "scale": 24 * 3600, "referat": 24 * 3600, "security": 24 * 3600}
#: A notice about a login (a new phone on it) is pushed while it is this fresh and not yet read.
NOTICE_PUSHED_WITHIN = timedelta(days=3)
#: A new referat is worth a reminder this long after it is written.
REFERAT_NEWS = timedelta(days=3)
#: Reminders go out in the daytime only (Danish time): nobody is woken by one.
DAYTIME = range(8, 20)
#: Browsers per person with reminders on.
MAX_BROWSERS = 5


class BadSubscription(ValueError):
    """What the browser sent is not a push subscription."""


def _known_push_service(endpoint: str) -> bool:
    """Whether an endpoint is at one of the configured push services: the server posts to it, so a made-up
    address must not make it call anywhere else. Plain http only to this machine (a test receiver)."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    allowed = [h.strip().lower() for h in current_app.config["PUSH_SERVICE_HOSTS"].split(",") if h.strip()]
    if not any(fnmatch(host, pattern) for pattern in allowed):
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and host in ("localhost", "127.0.0.1"))


def _checked(data) -> tuple[str, str, str]:
    """The endpoint and keys of a subscription, checked for shape (the browser's PushSubscription.toJSON())."""
    if not isinstance(data, dict):
        raise BadSubscription("not an object")
    endpoint, keys = data.get("endpoint"), data.get("keys")
    if not isinstance(endpoint, str) or len(endpoint) > 2000 or not isinstance(keys, dict):
        raise BadSubscription("no endpoint or keys")
    if not _known_push_service(endpoint):
        raise BadSubscription("endpoint is not a known push service")
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not _valid_keys(p256dh, auth):
        raise BadSubscription("keys are not the browser's P-256 key and 16-byte secret")
    return endpoint, p256dh, auth


def _unb64(value) -> bytes | None:
    if not isinstance(value, str) or len(value) > 200 or not re.fullmatch(r"[A-Za-z0-9_\-]+=*", value):
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError:
        return None


def _valid_keys(p256dh, auth) -> bool:
    """Whether the keys can encrypt a message: a point on P-256 and a 16-byte secret (a bad key would make every
    sending to this browser fail)."""
    point, secret = _unb64(p256dh), _unb64(auth)
    if point is None or secret is None or len(secret) != 16:
        return False
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        return False
    return True


def _browser(endpoint: str) -> PushSubscription | None:
    """The subscription of one browser, whoever it belongs to."""
    return db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint_hash == db.secret_hash(endpoint)))


def subscribe(user: User, data, *, now: datetime) -> PushSubscription:
    """Keep a browser's push subscription for the signed-in person. A browser that belonged to someone else (a
    shared phone) is theirs no longer.

    :raises BadSubscription: when the data is not a subscription.
    """
    endpoint, p256dh, auth = _checked(data)
    existing = _browser(endpoint)
    if existing is not None and existing.user_id != user.id:
        record_event(user, "reminders.device_taken_over", obj=existing)
        db.session.delete(existing)
        db.session.flush()
        existing = None
    if existing is None:
        existing = PushSubscription(
            user_id=user.id, endpoint=endpoint, endpoint_hash=db.secret_hash(endpoint), p256dh=p256dh, auth=auth
        )
        try:
            with db.session.begin_nested():
                db.session.add(existing)
        except IntegrityError:  # the same browser subscribing twice at once
            existing = _browser(endpoint)
            if existing is None:  # kept for a login of another municipality: it stays theirs
                raise BadSubscription() from None
    existing.p256dh, existing.auth = p256dh, auth
    db.session.flush()
    _keep_newest(user)
    record_event(user, "reminders.subscribed", obj=existing)
    return existing


def _keep_newest(user: User) -> None:
    """A person has reminders on at most MAX_BROWSERS browsers: the oldest go (old phones are forgotten)."""
    stmt = select(PushSubscription).where(PushSubscription.user_id == user.id).order_by(PushSubscription.created_at)
    rows = list(db.session.scalars(stmt))
    for row in rows[:-MAX_BROWSERS]:
        db.session.delete(row)
    db.session.flush()


def unsubscribe(user: User, endpoint: str | None) -> int:
    """Forget the person's subscription for this browser (or all of theirs without an endpoint)."""
    stmt = select(PushSubscription).where(PushSubscription.user_id == user.id)
    if endpoint:
        stmt = stmt.where(PushSubscription.endpoint_hash == db.secret_hash(endpoint[:2000]))
    gone = list(db.session.scalars(stmt))
    for row in gone:
        db.session.delete(row)
    db.session.flush()
    if gone:
        record_event(user, "reminders.unsubscribed", obj=user, data={"count": len(gone)})
    return len(gone)


def settings_of(user: User) -> ReminderSetting:
    """What the person wants reminders of; everything until they choose (not stored until then)."""
    return db.session.get(ReminderSetting, user.id) or ReminderSetting(
        user_id=user.id, meeting=True, scale=True, referat=True
    )


def save_settings(user: User, wanted: set[str]) -> ReminderSetting:
    """Switch each kind of reminder on or off."""
    setting = db.session.get(ReminderSetting, user.id)
    if setting is None:
        setting = ReminderSetting(user_id=user.id)
        db.session.add(setting)
    for kind in KINDS:
        setattr(setting, kind, kind in wanted)
    db.session.flush()
    record_event(user, "reminders.settings_changed", obj=user, data={k: k in wanted for k in KINDS})
    return setting


@dataclass(frozen=True)
class Due:
    user: User
    kind: str
    #: What it is about, so it goes out once: "meeting:<id>", "scale:<window>", "referat:<id>:<time>".
    key: str


def due_for(user: User, now: datetime) -> list[Due]:
    """The reminders a family member has due now: a meeting tomorrow they take part in, a scale window that is
    open and not yet answered, a referat written in the last days."""
    family_id = home_family_id(user)
    family = db.session.get(Family, family_id) if family_id else None
    if family is None:
        return []
    wanted, found = settings_of(user), []
    meetings = meeting_queries.list_meetings(family)
    away = meeting_queries.not_coming(family, user)
    tomorrow = db.local_date(now) + timedelta(days=1)
    for m in meetings:
        shared = m.type.with_family and not m.cancelled
        mine = user.person_id in {p.person_id for p in m.participants} and m.id not in away
        if wanted.meeting and shared and mine and db.local_date(m.starts_at) == tomorrow:
            # With the time in the key: a meeting moved to another day is reminded of again.
            found.append(Due(user, "meeting", f"meeting:{m.id}:{m.starts_at.isoformat()}"))
        fresh = m.referat_at is not None and timedelta(0) <= now - m.referat_at <= REFERAT_NEWS
        if wanted.referat and shared and fresh:
            found.append(Due(user, "referat", f"referat:{m.id}"))  # once: a corrected referat is not news
    if wanted.scale:
        for window, _row, _response in scale_queries.to_fill(family, user, now):
            found.append(Due(user, "scale", f"scale:{window.key}"))
    return found


def message(kind: str, language: str | None) -> dict:
    """The push message for a kind of reminder, in the person's language, with nothing personal in it."""
    with force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = {
            "meeting": _("You have a meeting tomorrow"),
            "scale": _("There are a few questions for you"),
            "referat": _("There is a new referat"),
            "security": _("Something changed on your login. Open Familieoverblik to see what."),
        }[kind]
        return {"title": "Familieoverblik", "body": body, "url": "/", "kind": kind}


def _deliver(row: PushSubscription, payload: dict, ttl: int, sender) -> str:
    """Send to one browser: "sent", "gone" (the push service no longer knows it) or "failed" (try later)."""
    from pywebpush import WebPushException

    info = {"endpoint": row.endpoint, "keys": {"p256dh": row.p256dh, "auth": row.auth}}
    claims = {"sub": current_app.config["VAPID_SUBJECT"]}
    try:
        sender(info, json.dumps(payload), vapid_private_key=vapid.key(), vapid_claims=claims, ttl=ttl, timeout=10)
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        return "gone" if status in (404, 410) else "failed"
    except Exception:  # noqa: BLE001 - one browser's trouble must not stop everyone else's reminders
        current_app.logger.exception("push to one browser failed")
        return "failed"
    return "sent"


def _ttl(kind: str, now: datetime) -> int:
    """How long the push service may keep trying: the kind's TTL, but never into the evening (a reminder that
    arrives at night, or the next day saying "i morgen", is worse than none)."""
    local = now.astimezone(db.LOCAL_ZONE)
    evening = local.replace(hour=DAYTIME.stop, minute=0, second=0, microsecond=0)
    return max(60, min(TTL[kind], int((evening - local).total_seconds())))


def send_due(now: datetime, sender=None) -> dict:
    """Send every reminder that is due and not sent before, to every browser of each person; forget browsers the
    push service no longer knows. Run from cron (``flask reminders send``); between 20 and 8 o'clock it waits,
    except for notices about a login (a new phone on it), which cannot wait for the morning.

    :param sender: the function that posts to a push service (``pywebpush.webpush``; tests pass their own).
    :return: counts of "sent", "gone" and "failed".
    """
    from pywebpush import webpush

    sender = sender or webpush
    counts = {"sent": 0, "gone": 0, "failed": 0}
    for user, due in _notices_due(now):
        _send_one(user, due, now, sender, counts)
    if now.astimezone(db.LOCAL_ZONE).hour not in DAYTIME:
        return counts
    users = list(
        db.session.scalars(
            select(User)
            .where(User.role.in_((Role.PARENT, Role.YOUNG_PERSON)), User.active.is_(True))
            .where(User.id.in_(select(PushSubscription.user_id)))
        )
    )
    for user in users:
        for due in due_for(user, now):
            _send_one(user, due, now, sender, counts)
    return counts


def _notices_due(now: datetime) -> list[tuple[User, Due]]:
    """Unread, fresh notices about a login, for people with reminders on a phone (any role)."""
    stmt = (
        select(User, SecurityNotice.id)
        .join(SecurityNotice, SecurityNotice.user_id == User.id)
        .where(SecurityNotice.read_at.is_(None), SecurityNotice.created_at > now - NOTICE_PUSHED_WITHIN)
        .where(User.active.is_(True), User.id.in_(select(PushSubscription.user_id)))
    )
    return [(user, Due(user, "security", f"notice:{notice_id}")) for user, notice_id in db.session.execute(stmt)]


def _send_one(user: User, due: Due, now: datetime, sender, counts: dict) -> None:
    """Send one reminder to each of the person's browsers, once: claimed first, released when nothing arrived."""
    browsers = list(db.session.scalars(select(PushSubscription).where(PushSubscription.user_id == user.id)))
    if not browsers or db.session.scalar(
        select(ReminderSent.id).where(ReminderSent.user_id == user.id, ReminderSent.key == due.key)
    ):
        return
    claim = _claim(user, due.key, now)
    if claim is None:
        return  # another run is sending it
    payload = message(due.kind, user.language)
    ttl = TTL[due.kind] if due.kind == "security" else _ttl(due.kind, now)
    results = [(row, _deliver(row, payload, ttl, sender)) for row in browsers]
    for row, result in results:
        counts[result] += 1
        if result == "gone":
            db.session.delete(row)
        elif result == "sent":
            row.last_sent_at = now
    if any(result == "sent" for _row, result in results):
        record_event(None, "reminders.sent", obj=user, data={"kind": due.kind})
    else:
        db.session.delete(claim)  # nothing arrived: try again on the next run
    db.session.commit()


def _claim(user: User, key: str, now: datetime) -> ReminderSent | None:
    """Mark a reminder as being sent before sending it, so two runs at the same moment do not both send it.

    :return: the mark, or None when another run has it.
    """
    mark = ReminderSent(user_id=user.id, key=key, sent_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(mark)
    except IntegrityError:
        return None
    db.session.commit()
    return mark
