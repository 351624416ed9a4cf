"""Who may vouch for a login, and recovery in two steps.

A login that already has a passkey can be taken over by whoever is handed a new activation for it, so such an
activation (a lost phone) is *asked for* by one professional and *confirmed* by a second one; only then is the
link shown, once, to the one who asked. The owner is told on every device (a notice at their next sign-in, a
push message, through ``auth.notices``). Services flush and audit; the caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Select, Uuid, and_, bindparam, exists, select, update

from .. import db
from ..access import in_own_municipality
from ..audit import record_event
from ..auth import notices
from ..auth.models import Activation, LoginConfirmation, RecoveryRequest, Role, User
from ..auth.services import issue_activation
from ..families.models import Assignment, AssignmentRole, Family, Membership

#: How long a request waits for its confirmation and, once confirmed, for the link to be handed out.
RECOVERY_LIFETIME = timedelta(hours=24)


class RecoveryError(Exception):
    """A step that cannot be taken now; ``key`` is a message key from auth.messages."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def is_primary_clause(user: User, family_id_column=Family.id):
    """SQL condition: the user is the family's primary consultant (the one who vouches for its logins)."""
    return exists().where(
        Assignment.family_id == family_id_column,
        Assignment.consultant_id == user.id,
        Assignment.role == AssignmentRole.PRIMARY,
    )


def may_vouch(actor: User, family: Family) -> bool:
    """Whether the actor may add logins to the family, change custody or hand out a first activation: only the
    family's primary consultant (never a co-consultant, never an admin)."""
    if actor.role is not Role.CONSULTANT:
        return False
    return bool(db.session.scalar(select(is_primary_clause(actor, family.id))))


def confirmable_clause(actor: User):
    """SQL condition on RecoveryRequest: the actor may confirm it. Never the one who asked, never the owner;
    a family member's recovery by the family's other consultant or a team leader; a professional's by a team
    leader or a second admin."""
    not_own = and_(
        RecoveryRequest.requested_by_id != actor.id,
        RecoveryRequest.user_id != actor.id,
        in_own_municipality(RecoveryRequest, actor),
    )
    if actor.role is Role.LEADER:
        return not_own
    if actor.role is Role.ADMIN:
        return and_(not_own, RecoveryRequest.family_id.is_(None))
    if actor.role is Role.CONSULTANT:
        assigned = exists().where(
            Assignment.family_id == RecoveryRequest.family_id, Assignment.consultant_id == actor.id
        )
        return and_(not_own, RecoveryRequest.family_id.is_not(None), assigned)
    return False


def open_clause(now: datetime):
    """SQL condition on RecoveryRequest: neither handed out, cancelled nor expired."""
    return and_(
        RecoveryRequest.handed_out_at.is_(None),
        RecoveryRequest.cancelled_at.is_(None),
        RecoveryRequest.expires_at > now,
    )


def request_recovery(user: User, *, actor: User, family: Family | None, now: datetime) -> RecoveryRequest:
    """Ask for a new activation for a login that has a passkey; an earlier open request for it is replaced.

    :param user: the login to recover.
    :param actor: the family's primary consultant, or an admin for a professional's login.
    :param family: the family of a parent or young person; None for a professional.
    :return: the request, waiting for a second person.
    """
    db.session.execute(
        update(RecoveryRequest)
        .where(RecoveryRequest.user_id == user.id, open_clause(now))
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    req = RecoveryRequest(
        user_id=user.id,
        family_id=family.id if family else None,
        requested_by_id=actor.id,
        created_at=now,
        expires_at=now + RECOVERY_LIFETIME,
    )
    db.session.add(req)
    db.session.flush()
    record_event(actor, "recovery.requested", family=family, obj=req, data={"user": str(user.id)})
    return req


def confirm(req: RecoveryRequest, *, actor: User, now: datetime) -> None:
    """The second person confirms; the one who asked may then hand out the link.

    :raises RecoveryError: the request is no longer waiting, or the actor may not confirm it.
    """
    allowed = db.session.scalar(select(exists().where(RecoveryRequest.id == req.id, confirmable_clause(actor))))
    if not allowed:
        raise RecoveryError("recovery_not_yours")
    state = req.state(now)
    if state != "waiting":
        raise RecoveryError(f"recovery_{state}")
    req.confirmed_by_id, req.confirmed_at = actor.id, now
    db.session.flush()
    record_event(actor, "recovery.confirmed", family=_family(req), obj=req, data={"user": str(req.user_id)})


def hand_out(req: RecoveryRequest, *, actor: User, now: datetime) -> tuple[Activation, str, str]:
    """Issue the activation of a confirmed request, for the one who asked; it ends the owner's sessions.

    :raises RecoveryError: not confirmed, already handed out, expired, or not the actor's request.
    :return: (activation, link secret, code), shown once.
    """
    if req.requested_by_id != actor.id:
        raise RecoveryError("recovery_not_yours")
    state = req.state(now)
    if state != "confirmed":
        raise RecoveryError(f"recovery_{state}")
    user = db.session.get(User, req.user_id)
    activation, token, code = issue_activation(user, actor=actor, family=_family(req), now=now)
    req.handed_out_at, req.activation_id = now, activation.id
    db.session.flush()
    return activation, token, code


def _family(req: RecoveryRequest) -> Family | None:
    return db.session.get(Family, req.family_id) if req.family_id else None


def waiting_for(actor: User, now: datetime, family: Family | None = None) -> list[tuple]:
    """Requests the actor may confirm now, oldest first, each as (request, owner's name, asker's name, family's
    name or None), in one query.

    :param family: only this family's requests.
    """
    values = {"actor": actor.id, "municipality": actor.municipality_id, "now": now}
    if family is not None:
        values["family"] = family.id
    stmt = _waiting_for_statement(actor.role, family is not None)
    return [tuple(row) for row in db.session.execute(stmt, values)]


@cache
def _waiting_for_statement(role: Role, one_family: bool) -> Select:
    """``waiting_for``'s statement for an actor of ``role``, built once a process (a consultant's caseload, the
    admin's and the team leader's pages ask it on every visit): the actor (``actor``, ``municipality``), the time
    (``now``) and, for ``one_family``, the family (``family``) are its parameters."""
    actor = db.stand_in(id="actor", municipality_id="municipality")
    actor.role = role
    owner, asker = User.__table__.alias("owner"), User.__table__.alias("asker")
    stmt = (
        select(RecoveryRequest, owner.c.name, asker.c.name, Family.name)
        .join(owner, owner.c.id == RecoveryRequest.user_id)
        .join(asker, asker.c.id == RecoveryRequest.requested_by_id)
        .outerjoin(Family, Family.id == RecoveryRequest.family_id)
        .where(open_clause(bindparam("now")), RecoveryRequest.confirmed_at.is_(None), confirmable_clause(actor))
        .order_by(RecoveryRequest.created_at)
    )
    if one_family:
        stmt = stmt.where(RecoveryRequest.family_id == bindparam("family", type_=Uuid()))
    return stmt


def asked_by(actor: User, now: datetime) -> dict:
    """The actor's own open requests by the login they are for (one query)."""
    stmt = select(RecoveryRequest).where(RecoveryRequest.requested_by_id == actor.id, open_clause(now))
    return {req.user_id: req for req in db.session.scalars(stmt)}


# --- a new professional login, confirmed by a second person ----------------------------------------------------


def ask_to_confirm(user: User, *, actor: User, now: datetime) -> LoginConfirmation:
    """A new professional login made by an admin waits for a second person; until then it is not active.

    :param user: the new login (made with ``active=False``).
    :param actor: the admin who made it.
    :return: the confirmation, waiting.
    """
    waiting = LoginConfirmation(user_id=user.id, requested_by_id=actor.id, created_at=now)
    db.session.add(waiting)
    db.session.flush()
    record_event(actor, "user.confirmation_asked", obj=user, data={"role": user.role.value})
    return waiting


def login_confirmable_clause(actor: User):
    """SQL condition on LoginConfirmation: the actor may confirm it. A team leader or an admin, never the admin
    who made the login, never its owner; only while it waits."""
    if actor.role not in (Role.LEADER, Role.ADMIN):
        return False
    return and_(
        LoginConfirmation.confirmed_at.is_(None),
        LoginConfirmation.requested_by_id != actor.id,
        LoginConfirmation.user_id != actor.id,
        in_own_municipality(LoginConfirmation, actor),
    )


def confirm_login(waiting: LoginConfirmation, *, actor: User, now: datetime) -> User:
    """The second person confirms a new login: it becomes active, and the audit names who made it and who
    confirmed it.

    :raises RecoveryError: the actor may not confirm it, or it is confirmed already.
    :return: the login, now active.
    """
    stmt = select(exists().where(LoginConfirmation.id == waiting.id, login_confirmable_clause(actor)))
    if not db.session.scalar(stmt):
        raise RecoveryError("recovery_not_yours")
    waiting.confirmed_by_id, waiting.confirmed_at = actor.id, now
    user = db.session.get(User, waiting.user_id)
    user.active = True
    db.session.flush()
    record_event(
        actor,
        "user.confirmed",
        obj=user,
        data={"role": user.role.value, "created_by": str(waiting.requested_by_id)},
    )
    return user


def logins_waiting_for(actor: User) -> list[tuple]:
    """New logins the actor may confirm, oldest first, each as (confirmation, the login, who made it), in one
    query."""
    owner, asker = User.__table__.alias("owner"), User.__table__.alias("asker")
    stmt = (
        select(LoginConfirmation, owner.c.name, owner.c.role, asker.c.name)
        .join(owner, owner.c.id == LoginConfirmation.user_id)
        .join(asker, asker.c.id == LoginConfirmation.requested_by_id)
        .where(login_confirmable_clause(actor))
        .order_by(LoginConfirmation.created_at)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def told_new_passkey(user: User, activation: Activation) -> None:
    """A passkey was added with an activation to a login that already had one: tell the owner who handed it out
    and who confirmed it, and keep the event for the family's "who has looked"."""
    req = db.session.scalar(select(RecoveryRequest).where(RecoveryRequest.activation_id == activation.id))
    ids = {activation.issued_by_id, req.confirmed_by_id if req else None} - {None}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    issuer, confirmer = people.get(activation.issued_by_id), people.get(req.confirmed_by_id) if req else None
    family_id = req.family_id if req else _home_family(user)
    # Whom to call if it was not them: the second person, who did not hand out the link.
    data = {
        "by": issuer.name if issuer else "",
        "confirmed_by": confirmer.name if confirmer else "",
        "call": (confirmer.phone or "") if confirmer else "",
    }
    notices.tell(user.id, "new_passkey", family_id=family_id, data=data)
    family = db.session.get(Family, family_id) if family_id else None
    record_event(user, "recovery.completed", family=family, obj=user)


def _home_family(user: User):
    return db.session.scalar(select(Membership.family_id).where(Membership.user_id == user.id).limit(1))
