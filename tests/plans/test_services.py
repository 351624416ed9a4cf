"""Plan services: every change keeps a revision and an audit event; stale edits are refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.plans import queries, services
from familyapp.plans.models import GoalStatus, PlanRevision, WhoKind


def revisions(family) -> int:
    return db.session.scalar(select(func.count()).where(PlanRevision.family_id == family.id))


def test_every_change_keeps_a_revision_and_an_audit_event(ctx, world):
    family, parent = db.session.merge(world.family_a), db.session.merge(world.parent_a)
    before = revisions(family)
    goal = services.add_goal(family, {"title": "Mere ro"}, actor=parent)
    step = services.add_step(family, goal, "Gå en tur", actor=parent)
    services.set_step_done(family, step, True, actor=parent)
    db.session.commit()
    assert revisions(family) == before + 3
    newest = services.list_revisions(family)[0]
    assert newest.change == "step_done" and newest.actor_id == parent.id
    titles = [g["title"] for g in newest.snapshot["goals"]]
    assert "Mere ro" in titles
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "plan.step_done")) == 1


def test_snapshot_never_holds_private_notes(ctx, world):
    family, consultant = db.session.merge(world.family_a), db.session.merge(world.consultant_a)
    goal = services.add_goal(family, {"title": "Job"}, actor=consultant)
    data = {
        "title": "Job",
        "term": "long",
        "status": "green",
        "person_id": None,
        "green_looks_like": "",
        "private_note": "HEMMELIG-NOTE",
    }
    services.update_goal(family, goal, data, actor=consultant, version=goal.version)
    db.session.commit()
    for rev in services.list_revisions(family):
        assert "HEMMELIG-NOTE" not in str(rev.snapshot)
    assert "HEMMELIG-NOTE" not in str(services.snapshot(family))
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.family_id == family.id)).all()
    assert "HEMMELIG-NOTE" not in str([e.data for e in events])
    assert "plan.private_note_changed" in [e.action for e in events]


def test_stale_version_is_a_conflict(ctx, world):
    family, parent = db.session.merge(world.family_a), db.session.merge(world.parent_a)
    plan = queries.get_plan(family)
    opened = plan.version
    services.update_words(family, {"dreams": "A", "works": "", "worries": ""}, actor=parent, version=opened)
    db.session.commit()
    with pytest.raises(services.Conflict):
        services.update_words(family, {"dreams": "B", "works": "", "worries": ""}, actor=parent, version=opened)
    db.session.rollback()
    assert queries.get_plan(family).dreams == "A"


def test_first_words_create_the_plan(ctx, world):
    from tests.factories import make_family

    family = make_family("Familien Tom")
    assert queries.get_plan(family).version == 0
    services.update_words(family, {"dreams": "Ro", "works": "", "worries": ""}, actor=world.parent_a, version=0)
    db.session.commit()
    assert queries.get_plan(family).version == 1 and queries.get_plan(family).dreams == "Ro"


def test_agreements_due_includes_overdue_and_the_coming_week_only(ctx, world):
    family, consultant = db.session.merge(world.family_a), db.session.merge(world.consultant_a)
    today = date(2026, 11, 25)
    for what, due in (
        ("old", today - timedelta(days=2)),
        ("soon", today + timedelta(days=6)),
        ("later", today + timedelta(days=20)),
        ("undated", None),
    ):
        services.add_agreement(family, {"what": what, "who": (WhoKind.OTHER, "Skolen"), "due": due}, actor=consultant)
    done = services.add_agreement(family, {"what": "done", "who": (WhoKind.OTHER, "X"), "due": today}, actor=consultant)
    services.set_agreement_done(family, done, True, actor=consultant)
    db.session.commit()
    due = [a.what for a in queries.agreements_due(family, today)]
    assert due == ["old", "Ringe til skolen", "soon"]  # the world's own agreement is due 1 December


def test_who_labels(ctx, world):
    family, consultant = db.session.merge(world.family_a), db.session.merge(world.consultant_a)
    a = services.add_agreement(
        family, {"what": "x", "who": (WhoKind.CONSULTANT, consultant.id), "due": None}, actor=consultant
    )
    b = services.add_agreement(family, {"what": "y", "who": (WhoKind.OTHER, "Mormor"), "due": None}, actor=consultant)
    names = queries.people_names(family)
    assert queries.who_label(a, names) == "Mette A" and queries.who_label(b, names) == "Mormor"


def test_stamp_agreed(ctx, world):
    family, consultant = db.session.merge(world.family_a), db.session.merge(world.consultant_a)
    rev = services.list_revisions(family)[0]
    services.stamp_agreed(family, rev, "Opfølgningsmøde", date(2026, 11, 20), actor=consultant)
    db.session.commit()
    assert db.session.get(PlanRevision, rev.id).agreed_at_meeting == "Opfølgningsmøde"


def test_goal_status_values_are_closed(ctx, world):
    family, parent = db.session.merge(world.family_a), db.session.merge(world.parent_a)
    with pytest.raises(ValueError):
        services.add_goal(family, {"title": "x", "status": "purple"}, actor=parent)
    db.session.rollback()
    assert GoalStatus("green") is GoalStatus.GREEN
