"""Recovery services called directly: who may vouch and who may confirm, a request's life from asked to handed out
(each step refused out of turn, with the key of the message the person sees), the lists the pages show, and the
owner told who added a new passkey."""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.auth.messages import MESSAGES
from familyapp.auth.models import Activation, RecoveryRequest, Role, SecurityNotice
from familyapp.auth.services import create_user
from familyapp.recovery import services as recovery


@pytest.fixture()
def a(ctx, world):
    """The world's objects in this test's session."""
    return SimpleNamespace(**{f.name: db.session.merge(getattr(world, f.name), load=False) for f in fields(world)})


@pytest.fixture()
def now():
    return db.utcnow()


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.at)))


def _ask(a, now, user=None, actor=None, family="a"):
    """The primary consultant asks for a new activation for parent A (or another login)."""
    family = {"a": a.family_a, None: None}[family]
    return recovery.request_recovery(user or a.parent_a, actor=actor or a.consultant_a, family=family, now=now)


def _confirmable(actor, req) -> bool:
    clause = recovery.confirmable_clause(actor)
    return db.session.scalar(select(RecoveryRequest.id).where(RecoveryRequest.id == req.id, clause)) is not None


def _refused(key: str, step, *args, **kwargs) -> None:
    with pytest.raises(recovery.RecoveryError) as exc:
        step(*args, **kwargs)
    assert exc.value.key == key and key in MESSAGES


# --- who may vouch ----------------------------------------------------------------------------------------------


def test_only_the_familys_primary_consultant_may_vouch(a):
    assert recovery.may_vouch(a.consultant_a, a.family_a)
    assert recovery.may_vouch(a.consultant_b, a.family_b)
    for who in ("co_consultant_a", "consultant_b", "admin", "leader", "parent_a", "parent_a2"):
        assert not recovery.may_vouch(getattr(a, who), a.family_a), who


# --- who may confirm --------------------------------------------------------------------------------------------


def test_a_family_members_recovery_is_confirmed_by_the_familys_other_consultant_or_a_leader(a, now):
    req = _ask(a, now)
    assert _confirmable(a.co_consultant_a, req) and _confirmable(a.leader, req)
    for who in ("consultant_a", "parent_a", "parent_a2", "parent_b", "consultant_b", "admin"):
        assert not _confirmable(getattr(a, who), req), who


def test_a_professionals_recovery_is_confirmed_by_a_leader_or_a_second_admin(a, now):
    req = _ask(a, now, user=a.co_consultant_a, actor=a.admin, family=None)
    other_admin = create_user(Role.ADMIN, "Bo Admin", actor=None)
    assert _confirmable(a.leader, req) and _confirmable(other_admin, req)
    # Not the admin who asked, not the owner, not a consultant of the owner's family.
    for who in ("admin", "co_consultant_a", "consultant_a", "consultant_b", "parent_a"):
        assert not _confirmable(getattr(a, who), req), who


def test_a_leaders_own_recovery_is_never_confirmed_by_the_leader(a, now):
    req = _ask(a, now, user=a.leader, actor=a.admin, family=None)
    assert not _confirmable(a.leader, req)


# --- asking -----------------------------------------------------------------------------------------------------


def test_asking_makes_a_waiting_request_for_a_day_and_is_audited(a, now):
    req = _ask(a, now)
    assert req.state(now) == "waiting"
    assert (req.user_id, req.family_id, req.requested_by_id) == (a.parent_a.id, a.family_a.id, a.consultant_a.id)
    assert req.expires_at == now + recovery.RECOVERY_LIFETIME == now + timedelta(hours=24)
    assert req.state(now + timedelta(hours=24)) == "expired"
    event = _events("recovery.requested")[-1]
    assert event.actor_id == a.consultant_a.id and event.family_id == a.family_a.id
    assert event.object_id == str(req.id) and event.data == {"user": str(a.parent_a.id)}
    # Nothing is handed out yet.
    assert db.session.scalar(select(Activation).where(Activation.user_id == a.parent_a.id)) is None


def test_a_new_request_replaces_an_older_open_one_for_the_same_login_only(a, now):
    first = _ask(a, now)
    other_login = _ask(a, now, user=a.parent_a2)
    second = _ask(a, now + timedelta(minutes=5))
    db.session.refresh(first)
    db.session.refresh(other_login)
    assert first.cancelled_at == now + timedelta(minutes=5) and first.state(now) == "cancelled"
    assert second.state(now) == "waiting" and other_login.state(now) == "waiting"
    _refused("recovery_cancelled", recovery.confirm, first, actor=a.leader, now=now + timedelta(minutes=6))


def test_a_new_request_leaves_a_handed_out_one_alone(a, now):
    first = _ask(a, now)
    recovery.confirm(first, actor=a.leader, now=now)
    recovery.hand_out(first, actor=a.consultant_a, now=now)
    _ask(a, now + timedelta(minutes=1))
    db.session.refresh(first)
    assert first.cancelled_at is None and first.state(now) == "done"


# --- confirming -------------------------------------------------------------------------------------------------


def test_confirming_records_who_and_when_and_is_audited(a, now):
    req = _ask(a, now)
    recovery.confirm(req, actor=a.co_consultant_a, now=now + timedelta(minutes=1))
    assert req.confirmed_by_id == a.co_consultant_a.id and req.confirmed_at == now + timedelta(minutes=1)
    assert req.state(now + timedelta(minutes=1)) == "confirmed"
    event = _events("recovery.confirmed")[-1]
    assert event.actor_id == a.co_consultant_a.id and event.family_id == a.family_a.id
    assert event.data == {"user": str(a.parent_a.id)}


@pytest.mark.parametrize("who", ["consultant_a", "parent_a", "consultant_b", "admin", "parent_b"])
def test_no_one_else_confirms(a, now, who):
    req = _ask(a, now)
    _refused("recovery_not_yours", recovery.confirm, req, actor=getattr(a, who), now=now)
    assert req.confirmed_at is None


def test_an_expired_request_cannot_be_confirmed(a, now):
    req = _ask(a, now)
    _refused("recovery_expired", recovery.confirm, req, actor=a.leader, now=req.expires_at)
    assert req.confirmed_at is None and _events("recovery.confirmed") == []


def test_a_request_is_confirmed_once(a, now):
    req = _ask(a, now)
    recovery.confirm(req, actor=a.leader, now=now)
    _refused("recovery_confirmed", recovery.confirm, req, actor=a.co_consultant_a, now=now)
    assert req.confirmed_by_id == a.leader.id


# --- handing out ------------------------------------------------------------------------------------------------


def test_the_one_who_asked_hands_out_a_confirmed_request_once(a, now):
    req = _ask(a, now)
    recovery.confirm(req, actor=a.leader, now=now)
    activation, token, code = recovery.hand_out(req, actor=a.consultant_a, now=now + timedelta(minutes=2))
    assert activation.user_id == a.parent_a.id and activation.issued_by_id == a.consultant_a.id
    assert activation.token_hash == db.secret_hash(token) and activation.code_hash == db.secret_hash(code)
    assert req.activation_id == activation.id and req.handed_out_at == now + timedelta(minutes=2)
    assert _events("activation.issued")[-1].family_id == a.family_a.id
    _refused("recovery_done", recovery.hand_out, req, actor=a.consultant_a, now=now + timedelta(minutes=3))


def test_nothing_is_handed_out_before_the_confirmation(a, now):
    req = _ask(a, now)
    _refused("recovery_waiting", recovery.hand_out, req, actor=a.consultant_a, now=now)
    assert db.session.scalar(select(Activation).where(Activation.user_id == a.parent_a.id)) is None


@pytest.mark.parametrize("who", ["leader", "co_consultant_a", "admin", "parent_a"])
def test_no_one_but_the_one_who_asked_hands_out(a, now, who):
    req = _ask(a, now)
    recovery.confirm(req, actor=a.leader if who != "leader" else a.co_consultant_a, now=now)
    _refused("recovery_not_yours", recovery.hand_out, req, actor=getattr(a, who), now=now)
    assert req.handed_out_at is None
    assert db.session.scalar(select(Activation).where(Activation.user_id == a.parent_a.id)) is None


def test_an_expired_request_cannot_be_handed_out_even_when_confirmed(a, now):
    req = _ask(a, now)
    recovery.confirm(req, actor=a.leader, now=now)
    _refused("recovery_expired", recovery.hand_out, req, actor=a.consultant_a, now=req.expires_at)
    assert req.handed_out_at is None and req.activation_id is None


# --- the lists on the pages -------------------------------------------------------------------------------------


def test_waiting_for_lists_what_the_actor_may_confirm_oldest_first_in_one_query(a, now, count_queries):
    sara = _ask(a, now - timedelta(hours=2))
    jonas = _ask(a, now - timedelta(hours=1), user=a.parent_a2)
    kim = _ask(a, now, user=a.co_consultant_a, actor=a.admin, family=None)
    db.session.flush()  # the audit events, so that only the list is counted
    with count_queries() as queries:
        rows = recovery.waiting_for(a.leader, now)
    assert len(queries) == 1
    assert rows == [
        (sara, "Sara A", "Mette A", "Familien A"),
        (jonas, "Jonas A", "Mette A", "Familien A"),
        (kim, "Kim A2", "Anne Admin", None),
    ]
    with count_queries() as queries:
        assert [r[0] for r in recovery.waiting_for(a.co_consultant_a, now)] == [sara, jonas]  # not their own
    assert len(queries) == 1
    assert recovery.waiting_for(a.leader, now, family=a.family_b) == []
    assert [r[0] for r in recovery.waiting_for(a.leader, now, family=a.family_a)] == [sara, jonas]


@pytest.mark.parametrize("who", ["consultant_a", "consultant_b", "admin", "parent_a", "parent_b"])
def test_waiting_for_never_lists_a_request_the_actor_may_not_confirm(a, now, who):
    _ask(a, now)
    assert recovery.waiting_for(getattr(a, who), now) == []


def test_waiting_for_leaves_out_confirmed_cancelled_and_expired_requests(a, now):
    confirmed = _ask(a, now, user=a.parent_a2)
    recovery.confirm(confirmed, actor=a.co_consultant_a, now=now)
    _ask(a, now - timedelta(hours=25), user=a.consultant_b, actor=a.admin, family=None)  # expired
    _ask(a, now - timedelta(minutes=1))
    newest = _ask(a, now)  # cancels the one a minute older
    assert [r[0] for r in recovery.waiting_for(a.leader, now)] == [newest]


def test_asked_by_is_the_actors_own_open_requests_by_login(a, now, count_queries):
    sara = _ask(a, now)
    done = _ask(a, now, user=a.parent_a2)
    recovery.confirm(done, actor=a.leader, now=now)
    recovery.hand_out(done, actor=a.consultant_a, now=now)
    _ask(a, now, user=a.co_consultant_a, actor=a.admin, family=None)
    db.session.flush()
    with count_queries() as queries:
        assert recovery.asked_by(a.consultant_a, now) == {a.parent_a.id: sara}
    assert len(queries) == 1
    assert recovery.asked_by(a.consultant_a, sara.expires_at) == {}
    assert recovery.asked_by(a.leader, now) == {}
    assert list(recovery.asked_by(a.admin, now)) == [a.co_consultant_a.id]


# --- the owner told -----------------------------------------------------------------------------------------------


def test_a_passkey_added_through_a_recovery_tells_who_handed_it_out_and_whom_to_call(a, now):
    req = _ask(a, now)
    recovery.confirm(req, actor=a.leader, now=now)
    activation, _token, _code = recovery.hand_out(req, actor=a.consultant_a, now=now)
    recovery.told_new_passkey(a.parent_a, activation)
    notice = db.session.scalar(select(SecurityNotice).where(SecurityNotice.user_id == a.parent_a.id))
    assert notice.kind == "new_passkey" and notice.family_id == a.family_a.id
    assert notice.data == {"by": "Mette A", "confirmed_by": "Lone Leder", "call": "+45 99 88 77 66"}
    event = _events("recovery.completed")[-1]
    assert event.actor_id == a.parent_a.id and event.family_id == a.family_a.id
    assert event.object_id == str(a.parent_a.id)


def test_a_passkey_added_without_a_recovery_request_names_the_issuer_and_the_home_family(a, now):
    from familyapp.auth.services import issue_activation

    activation, _token, _code = issue_activation(a.parent_a, actor=a.consultant_a, family=a.family_a, now=now)
    recovery.told_new_passkey(a.parent_a, activation)
    notice = db.session.scalar(select(SecurityNotice).where(SecurityNotice.user_id == a.parent_a.id))
    assert notice.data == {"by": "Mette A", "confirmed_by": "", "call": ""}
    assert notice.family_id == a.family_a.id
    assert _events("recovery.completed")[-1].family_id == a.family_a.id


def test_a_professionals_new_passkey_has_no_family(a, now):
    req = _ask(a, now, user=a.consultant_b, actor=a.admin, family=None)
    recovery.confirm(req, actor=a.leader, now=now)
    activation, _token, _code = recovery.hand_out(req, actor=a.admin, now=now)
    recovery.told_new_passkey(a.consultant_b, activation)
    notice = db.session.scalar(select(SecurityNotice).where(SecurityNotice.user_id == a.consultant_b.id))
    assert notice.family_id is None and notice.data["by"] == "Anne Admin"
    assert _events("recovery.completed")[-1].family_id is None
