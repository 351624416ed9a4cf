"""Who may vouch for a login, and recovery in two steps: each attack written as the attacker's own request."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.auth import notices
from familyapp.auth.models import Activation, RecoveryRequest, Role, SecurityNotice, User
from familyapp.families import services as family_services
from familyapp.families.models import Membership, Person
from tests.auth.helpers import register, sign_in
from tests.fake_authenticator import SoftAuthenticator
from tests.signin.test_hardening import _enrol


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _people(world) -> str:
    return f"/families/{world.family_a.id}/people"


def _activation_url(world, user) -> str:
    return f"{_people(world)}/{user.person_id}/activation"


def _denied(user) -> int:
    return _count(AuditEvent, AuditEvent.action == "access.denied", AuditEvent.actor_id == user.id)


def _state():
    return tuple(_count(m) for m in (User, Person, Membership, Activation, RecoveryRequest, SecurityNotice))


# --- who may vouch --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attempt",
    [
        ("adults", {"adult-name": "Falsk Far", "adult-relation": "far", "adult-custody": "yes"}),
        ("parent_a/activation", {}),
        ("parent_a/custody", {"custody": "no"}),
        ("freja/login", {"login-freja-relation": "datter"}),
    ],
    ids=["add a parent with custody", "new activation for a parent", "change custody", "a login for a child"],
)
def test_a_co_consultant_cannot_vouch_for_a_login(app, client, world, login, attempt):
    _enrol(app, app.test_client(), world.parent_a)
    path, data = attempt
    freja = family_services.add_child(world.family_a, "Freja", date(2012, 5, 1), actor=None)
    db.session.commit()
    path = path.replace("parent_a", str(world.parent_a.person_id)).replace("freja", str(freja.id))
    data = {key.replace("freja", str(freja.id)): value for key, value in data.items()}
    login(world.co_consultant_a)
    before, denied = _state(), _denied(world.co_consultant_a)
    response = client.post(f"{_people(world)}/{path}", data=data)
    assert response.status_code == 403
    assert "primary consultant" in response.get_data(as_text=True)
    assert _state() == before
    assert _denied(world.co_consultant_a) == denied + 1


def test_a_co_consultant_sees_the_people_without_the_vouching_controls(client, world, login):
    login(world.co_consultant_a)
    page = client.get(_people(world)).get_data(as_text=True)
    assert "Sara A" in page
    assert "/people/adults" not in page and "/activation" not in page and "/custody" not in page
    assert "/login" not in page


@pytest.mark.parametrize("who", ["admin", "leader", "consultant_b", "parent_b"])
def test_no_one_outside_the_familys_consultants_makes_a_family_login(client, world, login, who):
    login(world.by_role(who))
    before = _state()
    data = {"adult-name": "Falsk Far", "adult-relation": "far", "adult-custody": "yes"}
    assert client.post(f"{_people(world)}/adults", data=data).status_code == 404
    assert client.post(_activation_url(world, world.parent_a2)).status_code == 404
    assert (
        client.post(f"{_people(world)}/{world.parent_a.person_id}/custody", data={"custody": "yes"}).status_code == 404
    )
    alma = db.session.scalar(select(Person.id).where(Person.name == "Alma"))
    assert client.post(f"{_people(world)}/{alma}/login", data={f"login-{alma}-relation": "x"}).status_code == 404
    assert _state() == before


def test_the_admin_never_sees_the_familys_people(client, world, login):
    login(world.admin)
    assert client.get(_people(world)).status_code == 404
    assert "/people" not in client.get(f"/admin/families/{world.family_a.id}").get_data(as_text=True)


# --- recovery of a family member's login ------------------------------------------------------------------------


def _ask(app, client, world, login):
    """Parent A has a phone; the primary consultant asks for a new activation. Returns (old phone, request)."""
    old_phone = _enrol(app, app.test_client(), world.parent_a)
    login(world.consultant_a)
    response = client.post(_activation_url(world, world.parent_a))
    assert response.status_code == 302 and "/auth/activate/" not in response.get_data(as_text=True)
    req = db.session.scalar(select(RecoveryRequest).where(RecoveryRequest.user_id == world.parent_a.id))
    return old_phone, req


def test_asking_hands_out_nothing_until_a_second_person_confirms(app, client, world, login):
    _phone, req = _ask(app, client, world, login)
    unused = (Activation.user_id == world.parent_a.id, Activation.used_at.is_(None))
    assert req.family_id == world.family_a.id and req.confirmed_at is None
    assert _count(Activation, *unused) == 0
    page = client.get(_people(world)).get_data(as_text=True)
    assert "waits for a second person" in page
    # The one who asked cannot confirm it, nor hand it out before the confirmation.
    assert client.post(f"/recoveries/{req.id}/confirm").status_code == 404
    client.post(f"/recoveries/{req.id}/hand-out")
    assert _count(Activation, *unused) == 0
    assert db.session.get(RecoveryRequest, req.id).confirmed_at is None


@pytest.mark.parametrize("who", ["consultant_b", "parent_a", "parent_b", "admin"])
def test_only_the_familys_other_consultant_or_a_leader_confirms(app, client, world, login, who):
    _phone, req = _ask(app, client, world, login)
    login(world.by_role(who))
    assert client.post(f"/recoveries/{req.id}/confirm").status_code == 404
    assert db.session.get(RecoveryRequest, req.id).confirmed_at is None


def test_a_confirmation_after_the_request_expired_is_refused(app, client, world, login):
    _phone, req = _ask(app, client, world, login)
    req.expires_at = db.utcnow() - timedelta(minutes=1)
    db.session.commit()
    login(world.leader)
    response = client.post(f"/recoveries/{req.id}/confirm")
    assert response.status_code == 302
    assert db.session.get(RecoveryRequest, req.id).confirmed_at is None
    assert "expired" in client.get(response.location).get_data(as_text=True)


def test_lost_phone_recovery_in_two_steps_tells_the_owner_everywhere(app, client, world, login):
    old_phone, req = _ask(app, client, world, login)
    old = app.test_client()
    assert sign_in(old, old_phone).status_code == 200
    # The team leader sees it waiting and confirms it.
    login(world.leader)
    page = client.get("/leader/").get_data(as_text=True)
    assert "Mette A asks for a new activation for Sara A." in page and "Familien A" in page
    assert client.post(f"/recoveries/{req.id}/confirm").status_code == 302
    # The one who asked is shown the link and code once; the owner's sessions end.
    login(world.consultant_a)
    assert "Show the confirmed activation for Sara A" in client.get(_people(world)).get_data(as_text=True)
    response = client.post(f"/recoveries/{req.id}/hand-out")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = re.search(r"/auth/activate/([\w-]+)", response.get_data(as_text=True)).group(1)
    assert client.post(f"/recoveries/{req.id}/hand-out").status_code == 302  # once
    assert old.get(f"/families/{world.family_a.id}/").status_code == 302
    # Sara registers her new phone with it.
    new = app.test_client()
    new.get(f"/auth/activate/{token}")
    assert register(new, SoftAuthenticator()).status_code == 200
    notice = db.session.scalar(select(SecurityNotice).where(SecurityNotice.user_id == world.parent_a.id))
    assert (
        notice.kind == "new_passkey" and notice.data["by"] == "Mette A" and notice.data["confirmed_by"] == "Lone Leder"
    )
    # Her old phone, signing in again, shows what happened, with whom to call, until she has read it.
    old.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(old, old_phone).status_code == 200
    home = old.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
    assert "A new phone was added to your login" in home and "by Mette A" in home
    assert "Lone Leder confirmed it" in home and "+45 99 88 77 66" in home
    assert old.post("/recoveries/notices/read", data={"next": "/"}).status_code == 302
    assert "A new phone was added" not in old.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
    # The family's "who has looked" shows each step.
    looked = old.get(f"/families/{world.family_a.id}/who-looked").get_data(as_text=True)
    assert "asked for a new way to sign in" in looked and "confirmed a new way to sign in" in looked
    assert "added a new phone to their login" in looked


def test_a_newer_request_replaces_the_older_one(app, client, world, login):
    _phone, first = _ask(app, client, world, login)
    client.post(_activation_url(world, world.parent_a))
    assert db.session.get(RecoveryRequest, first.id).cancelled_at is not None
    login(world.co_consultant_a)
    response = client.post(f"/recoveries/{first.id}/confirm")
    assert response.status_code == 302 and db.session.get(RecoveryRequest, first.id).confirmed_at is None


def test_the_co_consultant_confirms_on_the_familys_people_page(app, client, world, login):
    _phone, req = _ask(app, client, world, login)
    login(world.co_consultant_a)
    page = client.get(_people(world)).get_data(as_text=True)
    assert f"/recoveries/{req.id}/confirm" in page
    assert client.post(f"/recoveries/{req.id}/confirm").status_code == 302
    assert db.session.get(RecoveryRequest, req.id).confirmed_by_id == world.co_consultant_a.id
    # Only the one who asked hands it out.
    assert client.post(f"/recoveries/{req.id}/hand-out").status_code == 404


# --- a consultant's own login -----------------------------------------------------------------------------------


def test_a_consultants_recovery_is_asked_by_an_admin_and_confirmed_by_someone_else(app, client, world, login):
    _enrol(app, app.test_client(), world.consultant_a)
    login(world.admin)
    response = client.post(f"/admin/consultants/{world.consultant_a.id}/activation")
    assert response.status_code == 302 and "/auth/activate/" not in response.get_data(as_text=True)
    req = db.session.scalar(select(RecoveryRequest).where(RecoveryRequest.user_id == world.consultant_a.id))
    assert req.family_id is None
    assert client.post(f"/recoveries/{req.id}/confirm").status_code == 404  # not the same admin
    login(world.consultant_b)
    assert client.post(f"/recoveries/{req.id}/confirm").status_code == 404  # not a consultant
    second_admin = db.session.merge(world.admin)
    other = User(role=Role.ADMIN, name="Bo Admin", webauthn_handle=b"x" * 64)
    db.session.add(other)
    db.session.commit()
    login(other)
    assert client.post(f"/recoveries/{req.id}/confirm").status_code == 302
    login(second_admin)
    response = client.post(f"/recoveries/{req.id}/hand-out")
    assert response.status_code == 200 and "/auth/activate/" in response.get_data(as_text=True)


def test_a_consultant_cannot_confirm_their_own_recovery(app, client, world, login):
    _enrol(app, app.test_client(), world.co_consultant_a)
    login(world.admin)
    client.post(f"/admin/consultants/{world.co_consultant_a.id}/activation")
    req = db.session.scalar(select(RecoveryRequest).where(RecoveryRequest.user_id == world.co_consultant_a.id))
    login(world.co_consultant_a)
    assert client.post(f"/recoveries/{req.id}/confirm").status_code == 404


# --- telling the adults with custody ---------------------------------------------------------------------------


def test_adding_an_adult_with_custody_is_told_to_those_who_hold_custody(client, world, login):
    login(world.consultant_a)
    data = {"adult-name": "Ny Stedfar", "adult-relation": "stedfar", "adult-custody": "yes"}
    assert client.post(f"{_people(world)}/adults", data=data).status_code == 200
    told = set(db.session.scalars(select(SecurityNotice.user_id).where(SecurityNotice.kind == "custody_added")))
    assert told == {world.parent_a.id, world.parent_a2.id}


def test_the_notice_is_asked_for_once_at_sign_in(app, client, world):
    phone = _enrol(app, client, world.parent_a)
    client.post("/auth/logout")
    with app.app_context():
        notices.tell(world.parent_a.id, "custody_added", family_id=world.family_a.id, data={"by": "X", "name": "Y"})
        db.session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(client, phone).status_code == 200
    page = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
    assert "X added Y to your family as a parent with custody" in page


def test_a_security_notice_is_pushed_even_at_night(app, client, world):
    from familyapp.reminders import services as reminder_services
    from familyapp.reminders.models import PushSubscription

    sent = []
    with app.app_context():
        db.session.add(
            PushSubscription(
                user_id=world.parent_a.id,
                endpoint="https://fcm.googleapis.com/x",
                endpoint_hash="h" * 64,
                p256dh="k",
                auth="a",
            )
        )
        notices.tell(world.parent_a.id, "new_passkey", family_id=world.family_a.id, data={"by": "Mette A"})
        db.session.commit()
        night = db.utcnow().astimezone(db.LOCAL_ZONE).replace(hour=2).astimezone(db.utcnow().tzinfo)
        counts = reminder_services.send_due(night, sender=lambda *a, **k: sent.append((a, k)))
        assert counts["sent"] == 1 and "Mette" not in sent[0][0][1]  # nothing personal in the message
        assert reminder_services.send_due(night, sender=lambda *a, **k: sent.append((a, k)))["sent"] == 0
