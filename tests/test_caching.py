"""What browsers may keep (familyapp/caching.py): a family's version raised by every change and by no read, family
pages answered 304 to a repeat visit while nothing they show has changed, and static files under their content's
hash kept for a year."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from familyapp import caching, db
from familyapp.audit import AuditEvent
from familyapp.auth import notices
from familyapp.consent import services as consent_services
from familyapp.families import services as family_services
from familyapp.families.models import Cadence, Family, Phase
from familyapp.gate.models import ConsentRequest
from familyapp.meetings import services as meeting_services
from familyapp.meetings.models import Answer, Meeting
from familyapp.network import services as network_services
from familyapp.network.models import PersonKind
from familyapp.plans import services as plan_services
from familyapp.plans.models import GoalStep
from familyapp.scales import queries as scale_queries
from familyapp.scales import services as scale_services
from tests import factories, history


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    """The clock starts again a minute into a five-minute slot (PAGE_FRESH_MINUTES), so that a repeat visit never
    crosses into the next slot by chance. It keeps going: the history's changes each come at their own moment."""
    real = db.utcnow
    started = real()
    moment = started.replace(minute=started.minute - started.minute % 5, second=0, microsecond=0)
    monkeypatch.setattr(db, "utcnow", lambda: moment + timedelta(minutes=1) + (real() - started))


def _version(family_id) -> int:
    return db.session.scalar(select(Family.version).where(Family.id == family_id))


def _home(world) -> str:
    return f"/families/{world.family_a.id}/"


# --- the family's version ------------------------------------------------------------------------------------------


def _plan(world, family, now):
    plan_services.add_goal(family, {"title": "Sove godt", "private_note": ""}, actor=world.consultant_a)


def _meeting_reply(world, family, now):
    meeting = db.session.scalar(select(Meeting).where(Meeting.family_id == family.id))
    meeting_services.reply(family, meeting, world.parent_a, Answer.COMING, "", "", now=now)


def _meeting_seen(world, family, now):
    meeting = db.session.scalar(select(Meeting).where(Meeting.family_id == family.id))
    meeting_services.mark_seen(meeting, now)


def _scale_answer(world, family, now):
    # A meeting tomorrow opens the wellbeing questions now.
    meeting = factories.make_meeting(family, world.parent_a, world.consultant_a, starts_at=now + timedelta(days=1))
    before = _version(family.id)
    factories.make_answer(family, world.parent_a, meeting, (5, 6, 5, 6), now=now)
    assert _version(family.id) > before


def _scale_draft(world, family, now):
    meeting = factories.make_meeting(family, world.parent_a, world.consultant_a, starts_at=now + timedelta(days=1))
    window, row = next(
        (w, r) for w, r in scale_queries.windows_for(family, world.parent_a, now) if str(meeting.id) in w.key
    )
    response = scale_services.open_response(family, world.parent_a, window, row, now=now)
    before = _version(family.id)
    scale_services.save_draft(response, {"values": {}, "skips": []})
    assert _version(family.id) > before


def _consent(world, family, now):
    request = db.session.scalar(select(ConsentRequest).where(ConsentRequest.family_id == family.id))
    consent_services.withdraw(family, request, world.parent_a, language="da", now=now, confirmed_by="passkey")


def _network(world, family, now):
    data = factories.person_data("Moster Eva", "moster")
    network_services.add_person(family, PersonKind.PRIVATE, data, actor=world.parent_a, among=[])


def _phase(world, family, now):
    family_services.change_phase(family, Phase.MAPPING, actor=world.consultant_a)


def _cadence(world, family, now):
    family_services.change_cadence(family, Cadence.THREE_MONTHS, actor=world.consultant_a)


def _new_consultant(world, family, now):
    from familyapp.families.models import AssignmentRole

    consultant = factories.make_consultant("Nina Ny")
    family_services.assign_consultant(family, consultant, AssignmentRole.CO_CONSULTANT, actor=world.admin)


def _show_alliance(world, family, now):
    scale_services.set_show_alliance(world.parent_a, True, family=family)


CHANGES = {
    "plan": _plan,
    "showing one's own collaboration answers": _show_alliance,
    "meeting reply": _meeting_reply,
    "meeting replies seen": _meeting_seen,
    "scale answer": _scale_answer,
    "scale draft": _scale_draft,
    "consent": _consent,
    "network map": _network,
    "phase": _phase,
    "cadence": _cadence,
    "new consultant": _new_consultant,
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_of_the_family_raises_its_version(ctx, world, change):
    family = db.session.get(Family, world.family_a.id)
    other = _version(world.family_b.id)
    before = _version(family.id)
    CHANGES[change](world, family, db.utcnow())
    db.session.commit()
    assert _version(family.id) > before
    assert _version(world.family_b.id) == other


def test_a_professionals_read_leaves_the_version(client, world, login):
    before = _version(world.family_a.id)
    login(world.consultant_a)
    for page in ("", "plan", "meetings", "network", "scales", "consent"):
        assert client.get(f"/families/{world.family_a.id}/{page}").status_code == 200
    reads = db.session.scalar(
        select(func.count()).where(AuditEvent.action == "family.viewed", AuditEvent.family_id == world.family_a.id)
    )
    assert reads == 6 and _version(world.family_a.id) == before


def test_two_changes_in_one_request_both_count(ctx, world):
    family = db.session.get(Family, world.family_a.id)
    before = _version(family.id)
    _plan(world, family, db.utcnow())
    db.session.flush()
    _network(world, family, db.utcnow())
    db.session.commit()
    assert _version(family.id) == before + 2


# --- ETag and 304 on family pages -----------------------------------------------------------------------------------


def test_a_repeat_visit_is_answered_304_until_someone_changes_the_family(app, client, world, login):
    login(world.parent_a)
    first = client.get(_home(world))
    assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get(_home(world), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "private, no-cache"
    # The consultant adds a goal: the parent's kept page is old now.
    with app.app_context():
        _plan(world, db.session.get(Family, world.family_a.id), db.utcnow())
        db.session.commit()
    changed = client.get(_home(world), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Sove godt" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag


def test_a_professionals_pages_are_never_kept(client, world, login):
    """Back on a shared or lost device shows a page from the disk cache without asking the server: a consultant's
    screens are never stored (no ETag, no-store), and each read is audited as before."""
    login(world.consultant_a)
    first = client.get(_home(world))
    again = client.get(_home(world), headers={"If-None-Match": "*"})
    assert first.status_code == again.status_code == 200
    assert "ETag" not in first.headers and first.headers["Cache-Control"] == "no-store"
    reads = db.session.scalars(
        select(AuditEvent.data).where(
            AuditEvent.action == "family.viewed", AuditEvent.actor_id == world.consultant_a.id
        )
    ).all()
    assert reads == [{"page": "home"}, {"page": "home"}]


def test_another_viewer_language_or_page_has_another_etag(client, world, login):
    login(world.parent_a)
    mine = client.get(_home(world)).headers["ETag"]
    plan = client.get(f"/families/{world.family_a.id}/plan").headers["ETag"]
    client.post("/language", data={"language": "da"})
    danish = client.get(_home(world)).headers["ETag"]
    login(world.parent_a2)
    partner = client.get(_home(world), headers={"If-None-Match": mine})
    assert partner.status_code == 200
    assert len({mine, plan, danish, partner.headers["ETag"]}) == 4


def test_another_familys_page_is_404_whatever_the_etag(client, world, login):
    login(world.parent_a)
    etag = client.get(_home(world)).headers["ETag"]
    login(world.parent_b)
    assert client.get(_home(world), headers={"If-None-Match": etag}).status_code == 404
    assert client.get(_home(world), headers={"If-None-Match": "*"}).status_code == 404


def test_a_consultants_edit_page_stays_404_for_the_family(client, world, login):
    login(world.parent_a)
    url = f"/families/{world.family_a.id}/meetings/new"
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in(client, world, login):
    login(world.parent_a)
    etag = client.get(_home(world)).headers["ETag"]
    client.post("/auth/logout")
    response = client.get(_home(world), headers={"If-None-Match": etag})
    assert response.status_code == 302 and "/auth/login" in response.location


def test_a_waiting_message_is_always_shown_and_never_kept(client, world, login):
    """The person's own setting changes nothing of the family's, but its "Saved." goes with the page."""
    login(world.parent_a)
    scales = f"/families/{world.family_a.id}/scales"
    etag = client.get(scales).headers["ETag"]
    assert client.post(f"{scales}/settings", data={"show": "y"}).status_code == 302
    response = client.get(scales, headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Saved." in response.get_data(as_text=True)
    assert "ETag" not in response.headers and response.headers["Cache-Control"] == "no-store"


def test_an_unread_notice_makes_the_kept_page_old(app, client, world, login):
    login(world.parent_a)
    etag = client.get(_home(world)).headers["ETag"]
    with app.app_context():
        notices.tell(world.parent_a.id, "new_passkey", data={"by": "Mette A"})
        db.session.commit()
    assert client.get(_home(world), headers={"If-None-Match": etag}).status_code == 200


def test_a_kept_page_is_reused_only_for_a_few_minutes(client, world, login, monkeypatch):
    login(world.parent_a)
    etag = client.get(_home(world)).headers["ETag"]
    later = db.utcnow() + timedelta(minutes=5)
    monkeypatch.setattr(db, "utcnow", lambda: later)
    assert client.get(_home(world), headers={"If-None-Match": etag}).status_code == 200


def test_a_new_session_has_a_new_etag(client, world, login):
    """A kept page carries the session's CSRF token in its forms: signed in again, the page is made again."""
    login(world.parent_a)
    client.get(_home(world))
    etag = client.get(_home(world)).headers["ETag"]
    client.post("/auth/logout")
    login(world.parent_a)
    client.get(_home(world))
    assert client.get(_home(world), headers={"If-None-Match": etag}).status_code == 200


def test_the_forms_of_a_kept_page_still_work(app, client, world, login, monkeypatch):
    """CSRF on, as in production: the token in a page answered 304 later (the browser shows its copy) is accepted."""
    import re

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login(world.parent_a)
    first = client.get(_home(world))
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', first.get_data(as_text=True)).group(1)
    later = db.utcnow() + timedelta(minutes=3)
    monkeypatch.setattr(db, "utcnow", lambda: later)
    assert client.get(_home(world), headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    step_id, done = db.session.execute(
        select(GoalStep.id, GoalStep.done).where(GoalStep.family_id == world.family_a.id)
    ).one()
    response = client.post(f"/families/{world.family_a.id}/plan/steps/{step_id}/done", data={"csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(select(GoalStep.done).where(GoalStep.id == step_id)) is not done


@pytest.mark.parametrize("page", ["who-looked", "people"])
def test_screens_that_change_without_the_family_are_always_made_again(client, world, login, page):
    login(world.consultant_a)
    response = client.get(f"/families/{world.family_a.id}/{page}")
    assert response.status_code == 200 and "ETag" not in response.headers


def test_downloads_and_redirects_carry_no_etag(client, world, login):
    login(world.parent_a)
    meeting = db.session.scalar(select(Meeting.id).where(Meeting.family_id == world.family_a.id))
    response = client.get(f"/families/{world.family_a.id}/meetings/{meeting}/calendar.ics")
    assert response.status_code == 200 and "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_a_304_costs_at_most_three_statements(app, client, world, login):
    engine = app.extensions["db_engine"]
    login(world.parent_a)
    etag = client.get(_home(world)).headers["ETag"]
    with history.cost(engine) as seen:
        assert client.get(_home(world), headers={"If-None-Match": etag}).status_code == 304
    # The session with its user, and the family with the viewer's unread notices.
    assert len(seen) <= 2, seen.statements


def test_a_304_costs_the_same_with_two_years_of_history(app, client, world, login):
    """Measured like the page costs (tests/history.py), but each repeat brings the ETag of the visit before it."""
    engine = app.extensions["db_engine"]
    login(world.parent_a)
    costs, done = [], 0
    for months in history.MONTHS:
        with app.app_context():
            history.grow(world, months - done, before=done)
        done = months
        etag = client.get(_home(world)).headers["ETag"]
        with history.cost(engine) as seen:
            assert client.get(_home(world), headers={"If-None-Match": etag}).status_code == 304
        costs.append(seen)
    assert len(costs[0]) == len(costs[1]) == len(costs[2]) == 2
    assert costs[0].rows == costs[1].rows == costs[2].rows


# --- static files ---------------------------------------------------------------------------------------------------


def test_static_addresses_carry_their_hash_and_are_kept_a_year(app, client):
    page = client.get("/auth/login").get_data(as_text=True)
    with app.app_context():
        digest = caching.static_hash("css/app.css")
    assert len(digest) == 12 and f"/static/css/app.css?v={digest}" in page
    with client.get(f"/static/css/app.css?v={digest}") as kept:
        assert kept.status_code == 200 and kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # Without the hash, or under an old one, the file is asked for again each time.
    for address in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        with client.get(address) as response:
            assert response.status_code == 200 and "immutable" not in response.headers["Cache-Control"]


def test_a_missing_static_file_is_404_without_a_hash(client):
    assert client.get("/static/css/none.css?v=1").status_code == 404
    assert client.get("/static/../config.py").status_code == 404
