"""Scale services (familyapp/scales/services.py), called directly: a definition's version is stored once and put in
use without leaving an age without a scale; an answer row is made once per person and window; the first sent
answer stands; alerts compare with the same person's previous answer only; each step is audited without the
answers."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.scales import definitions, queries, services
from familyapp.scales.definitions import DefinitionError
from familyapp.scales.models import ScaleDefinition, ScaleResponse
from tests import factories


def shipped(key: str) -> dict:
    return copy.deepcopy(next(d for d in definitions.shipped() if d["key"] == key))


def active_versions(key: str) -> dict[int, bool]:
    rows = db.session.scalars(select(ScaleDefinition).where(ScaleDefinition.key == key))
    return {r.version: r.active for r in rows}


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.at)))


def meeting_in(world, hours: float, parent=None):
    start = db.utcnow().replace(microsecond=0) + timedelta(hours=hours)
    return factories.make_meeting(world.family_a, parent or world.parent_a, world.consultant_a, starts_at=start)


def open_window(world, user, key_part: str, now=None):
    """The user's window whose key contains ``key_part``, its definition row, and a new answer row in it."""
    now = now or db.utcnow()
    window, row = next((w, r) for w, r in queries.windows_for(world.family_a, user, now) if key_part in w.key)
    return window, row, services.open_response(world.family_a, user, window, row, now=now)


def answers(row, *values) -> dict:
    definition = queries.parsed(row)
    return dict(zip([i.key for i in definition.items], values, strict=True))


# Definitions ----------------------------------------------------------------------------------------------


def test_a_version_already_loaded_is_refused(ctx):
    with pytest.raises(DefinitionError) as refused:
        services.store_definition(db.session, shipped("wellbeing-adult"), source="loaded", activate=True)
    assert "already loaded" in str(refused.value.args)
    assert active_versions("wellbeing-adult") == {1: True}


def test_a_wrong_definition_is_refused_and_nothing_is_stored(ctx):
    data = shipped("wellbeing-adult")
    data["version"] = 2
    data["items"] = []
    with pytest.raises(DefinitionError):
        services.store_definition(db.session, data, source="loaded", activate=True)
    assert active_versions("wellbeing-adult") == {1: True}


def test_stored_without_activating_changes_nothing_in_use(ctx):
    data = shipped("wellbeing-adult")
    data["version"] = 2
    row = services.store_definition(db.session, data, source="loaded", activate=False)
    assert row.source == "loaded" and active_versions("wellbeing-adult") == {1: True, 2: False}


def test_a_version_covering_every_age_replaces_the_one_in_use(ctx):
    data = shipped("wellbeing-adult")
    data["version"] = 2
    services.store_definition(db.session, data, source="loaded", activate=True)
    assert active_versions("wellbeing-adult") == {1: False, 2: True}


def test_a_version_for_some_ages_leaves_the_other_ages_their_scale(ctx):
    data = shipped("wellbeing-adult")
    data.update(key="wellbeing-adult-18", version=1, min_age=18, max_age=120)
    narrow = services.store_definition(db.session, data, source="loaded", activate=True)
    assert active_versions("wellbeing-adult") == {1: True} and narrow.active
    db.session.commit()
    db.session.expunge_all()
    from flask import g

    g.pop("scale_definitions", None)
    assert queries.pick("wellbeing", "self", 15).key == "wellbeing-adult"
    assert queries.pick("wellbeing", "self", 40).key == "wellbeing-adult-18"


def test_another_respondent_or_purpose_is_never_replaced(ctx):
    data = shipped("functioning-parent")
    data.update(key="functioning-parent-2", version=1)
    services.store_definition(db.session, data, source="loaded", activate=True)
    assert active_versions("functioning-parent") == {1: False}
    assert active_versions("functioning-professional") == {1: True}
    assert active_versions("functioning-young") == {1: True}


# Answer rows ----------------------------------------------------------------------------------------------


def test_an_answer_row_is_made_once_per_person_and_window_and_not_audited(ctx, world):
    meeting_in(world, 24)
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    window, row, first = open_window(world, world.parent_a, "wellbeing.m.")
    again = services.open_response(world.family_a, world.parent_a, window, row, now=db.utcnow())
    assert again.id == first.id and first.shown_at is not None and first.submitted_at is None
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
    count = select(func.count()).where(ScaleResponse.window_key == window.key)
    assert db.session.scalar(count) == 1


def test_a_kept_draft_follows_its_moved_meeting_but_a_sent_answer_does_not(ctx, world):
    meeting_in(world, 24)
    window, row, draft = open_window(world, world.parent_a, "wellbeing.m.")
    moved = type(window)(**{**window.__dict__, "opens_at": window.opens_at + timedelta(days=1)})
    services.open_response(world.family_a, world.parent_a, moved, row, now=db.utcnow())
    assert db.as_utc(draft.opens_at) == moved.opens_at
    services.submit(
        world.family_a, draft, queries.parsed(row), answers(row, 5, 5, 5, 5), actor=world.parent_a, now=db.utcnow()
    )
    services.open_response(world.family_a, world.parent_a, window, row, now=db.utcnow())
    assert db.as_utc(draft.opens_at) == moved.opens_at


def test_a_draft_is_kept_until_sent_and_never_changed_afterwards(ctx, world):
    meeting_in(world, 24)
    _window, row, response = open_window(world, world.parent_a, "wellbeing.m.")
    services.save_draft(response, {"me": "3"})
    assert response.pending == {"me": "3"}
    services.submit(
        world.family_a, response, queries.parsed(row), answers(row, 5, 5, 5, 5), actor=world.parent_a, now=db.utcnow()
    )
    assert response.pending is None
    services.save_draft(response, {"me": "9"})
    db.session.refresh(response)
    assert response.pending is None and response.answers["me"] == 5


# Sending --------------------------------------------------------------------------------------------------


def test_sending_is_audited_with_the_purpose_and_never_the_answers(ctx, world):
    meeting_in(world, 24)
    _window, row, response = open_window(world, world.parent_a, "wellbeing.m.")
    before = len(audit("scale.submitted"))
    services.submit(
        world.family_a,
        response,
        queries.parsed(row),
        answers(row, 1.5, 2.5, 3.5, 4.5),
        actor=world.parent_a,
        now=db.utcnow(),
    )
    event = audit("scale.submitted")[-1]
    assert len(audit("scale.submitted")) == before + 1
    assert event.data == {"purpose": "wellbeing", "late": False} and event.object_id == str(response.id)
    assert "1.5" not in str(event.data) and response.total == pytest.approx(12)


def test_the_first_sent_answer_stands_and_the_same_sending_again_is_the_first(ctx, world):
    meeting_in(world, 24)
    _window, row, response = open_window(world, world.parent_a, "wellbeing.m.")
    definition, now = queries.parsed(row), db.utcnow()
    services.submit(
        world.family_a, response, definition, answers(row, 6, 6, 6, 6), actor=world.parent_a, now=now, client_id="c1"
    )
    again = services.submit(
        world.family_a, response, definition, answers(row, 6, 6, 6, 6), actor=world.parent_a, now=now, client_id="c1"
    )
    assert again.id == response.id
    with pytest.raises(services.AlreadySent) as refused:
        services.submit(
            world.family_a,
            response,
            definition,
            answers(row, 1, 1, 1, 1),
            actor=world.parent_a,
            now=now,
            client_id="c2",
        )
    assert refused.value.response.total == 24
    with pytest.raises(services.AlreadySent):
        services.submit(world.family_a, response, definition, answers(row, 1, 1, 1, 1), actor=world.parent_a, now=now)
    db.session.refresh(response)
    assert response.answers["me"] == 6 and response.client_id == "c1"
    assert len([e for e in audit("scale.submitted") if e.object_id == str(response.id)]) == 1


def test_an_answer_sent_after_the_window_closed_is_kept_and_marked_late(ctx, world):
    meeting_in(world, 24)
    window, row, response = open_window(world, world.parent_a, "wellbeing.m.")
    services.submit(
        world.family_a,
        response,
        queries.parsed(row),
        answers(row, 5, 5, 5, 5),
        actor=world.parent_a,
        now=window.closes_at,
    )
    assert response.late is True and audit("scale.submitted")[-1].data["late"] is True


def test_alerts_compare_with_the_same_persons_previous_answer_only(ctx, world):
    """Sara answered 26 before the world's meeting; a much lower answer is a reliable deterioration for her, while
    the same answer from Jonas, who has none before, only falls below the cut-off."""
    meeting = meeting_in(world, 24 * 8)
    meeting.participants.append(
        factories.meeting_participant(
            world.family_a, meeting, {"kind": "member", "person_id": world.parent_a2.person_id}
        )
    )
    db.session.flush()
    now = db.utcnow() + timedelta(days=7)
    _w, row, hers = open_window(world, world.parent_a, f"wellbeing.m.{meeting.id}", now)
    _w, _row, his = open_window(world, world.parent_a2, f"wellbeing.m.{meeting.id}", now)
    definition = queries.parsed(row)
    services.submit(world.family_a, hers, definition, answers(row, 1, 1, 1, 1), actor=world.parent_a, now=now)
    services.submit(world.family_a, his, definition, answers(row, 1, 1, 1, 1), actor=world.parent_a2, now=now)
    assert hers.alerts == ["below_cutoff", "reliable_deterioration"]
    assert his.alerts == ["below_cutoff"]


# Declining, discussing, the setting ----------------------------------------------------------------------


def test_declining_is_kept_once_and_a_sent_answer_cannot_be_declined(ctx, world):
    meeting_in(world, 24)
    meeting_in(world, 30)
    _w, _row, response = open_window(world, world.parent_a, "wellbeing.m.")
    services.save_draft(response, {"me": "2"})
    now = db.utcnow()
    services.decline(world.family_a, response, actor=world.parent_a, now=now)
    services.decline(world.family_a, response, actor=world.parent_a, now=now + timedelta(hours=1))
    assert db.as_utc(response.declined_at) == now and response.pending is None
    assert len(audit("scale.declined")) == 1 and audit("scale.declined")[0].data == {"purpose": "wellbeing"}
    world_answer = db.session.scalar(
        select(ScaleResponse).where(
            ScaleResponse.family_id == world.family_a.id, ScaleResponse.submitted_at.is_not(None)
        )
    )
    services.decline(world.family_a, world_answer, actor=world.parent_a, now=now)
    assert world_answer.declined_at is None and len(audit("scale.declined")) == 1


def test_talking_an_answer_through_keeps_who_when_and_the_note_but_audits_no_note(ctx, world):
    response = db.session.scalar(select(ScaleResponse).where(ScaleResponse.family_id == world.family_a.id))
    now = db.utcnow()
    services.mark_discussed(world.family_a, response, "FORTROLIG NOTE", actor=world.consultant_a, now=now)
    assert (response.discussed_by_id, response.note) == (world.consultant_a.id, "FORTROLIG NOTE")
    event = audit("scale.discussed")[-1]
    assert event.actor_id == world.consultant_a.id and event.family_id == world.family_a.id
    assert "FORTROLIG" not in str(event.data)


def test_the_alliance_setting_is_one_row_per_person_and_each_choice_is_audited(ctx, world):
    from familyapp.scales.models import ScaleSetting

    services.set_show_alliance(world.parent_a, True)
    services.set_show_alliance(world.parent_a, False)
    services.set_show_alliance(world.parent_a, True)
    rows = db.session.scalar(select(func.count()).where(ScaleSetting.user_id == world.parent_a.id))
    assert rows == 1 and queries.show_alliance(world.parent_a) is True
    assert [e.data["show_alliance"] for e in audit("scale.setting_changed")] == [True, False, True]
