"""The plan's read-only queries (familyapp/plans/queries.py): reading never stores a plan, each list holds the
family's own rows only, in the order the screens promise, and the names behind "who does it" are the family's
own members and consultants."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from familyapp import db
from familyapp.families import services as family_services
from familyapp.families.models import Assignment
from familyapp.plans import queries, services
from familyapp.plans.models import Goal, Plan, WhoKind
from tests import factories


def other(what: str, due: date | None = None) -> dict:
    return {"what": what, "who": (WhoKind.OTHER, "Skolen"), "due": due}


def test_reading_a_plan_nobody_has_written_stores_nothing(ctx, world):
    family = factories.make_family("Familien Ny")
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(Plan))
    plan = queries.get_plan(family)
    db.session.flush()
    assert (plan.version, plan.dreams, plan.family_id) == (0, "", family.id)
    assert db.session.scalar(select(func.count()).select_from(Plan)) == before
    assert plan not in db.session


def test_each_family_reads_its_own_plan(ctx, world):
    services.update_words(
        world.family_b, {"dreams": "Have", "works": "", "worries": ""}, actor=world.parent_b, version=1
    )
    db.session.commit()
    assert queries.get_plan(world.family_a).dreams == "Ro"
    assert queries.get_plan(world.family_b).dreams == "Have"


def test_goals_are_short_term_first_then_oldest_with_their_steps_in_one_query(ctx, world, count_queries):
    family, consultant = world.family_a, world.consultant_a
    long_goal = services.add_goal(family, {"title": "Eget hjem", "term": "long"}, actor=consultant)
    services.add_step(family, long_goal, "Søge lejlighed", actor=consultant)
    services.add_goal(family, {"title": "Sove igennem", "term": "short"}, actor=consultant)
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as q:
        goals = queries.list_goals(family)
        steps = {g.title: [s.text for s in g.steps] for g in goals}
    assert len(q) == 1
    assert [g.title for g in goals] == ["Op til tiden", "Sove igennem", "Eget hjem"]
    assert steps == {"Op til tiden": ["Vækkeur"], "Sove igennem": [], "Eget hjem": ["Søge lejlighed"]}


def test_another_familys_goals_are_never_listed(ctx, world):
    services.add_goal(world.family_b, {"title": "B's eget mål"}, actor=world.consultant_b)
    db.session.commit()
    titles = [g.title for g in queries.list_goals(world.family_a)]
    assert "B's eget mål" not in titles
    assert all(g.family_id == world.family_a.id for g in queries.list_goals(world.family_a))
    assert db.session.scalar(select(func.count()).select_from(Goal).where(Goal.family_id == world.family_b.id)) == 2


def test_agreements_open_by_date_undated_after_and_done_last(ctx, world):
    family, consultant = world.family_b, world.consultant_b
    done = services.add_agreement(family, other("færdig", date(2026, 1, 1)), actor=consultant)
    services.add_agreement(family, other("uden dato"), actor=consultant)
    services.add_agreement(family, other("snart", date(2026, 6, 1)), actor=consultant)
    services.add_agreement(family, other("først", date(2026, 2, 1)), actor=consultant)
    services.set_agreement_done(family, done, True, actor=consultant)
    db.session.commit()
    assert [a.what for a in queries.list_agreements(family)] == [
        "først",
        "snart",
        "Ringe til skolen",  # the world's own, due 1 December 2026
        "uden dato",
        "færdig",
    ]


def test_agreements_due_leave_out_another_familys(ctx, world):
    today = date(2026, 11, 25)
    services.add_agreement(world.family_b, other("B's frist", today), actor=world.consultant_b)
    db.session.commit()
    assert [a.what for a in queries.agreements_due(world.family_a, today)] == ["Ringe til skolen"]
    assert [a.what for a in queries.agreements_due(world.family_b, today)] == ["B's frist", "Ringe til skolen"]


def test_readiness_items_oldest_first_and_only_the_familys_own(ctx, world):
    family, consultant = world.family_a, world.consultant_a
    services.add_readiness_item(family, {"situation": "Sygdom", "what_we_do": "", "who_we_call": ""}, actor=consultant)
    services.add_readiness_item(
        world.family_b, {"situation": "B's situation", "what_we_do": "", "who_we_call": ""}, actor=world.consultant_b
    )
    db.session.commit()
    assert [i.situation for i in queries.list_readiness(family)] == ["Morgenerne går i stykker", "Sygdom"]


def test_people_names_hold_the_familys_members_and_its_own_consultants_only(ctx, world):
    names = queries.people_names(world.family_a)
    values = set(names.values())
    assert {"Sara A", "Jonas A", "Alma", "Mette A", "Kim A2"} <= values
    assert not values & {"Maria B", "Ali B", "Anne Admin", "Lone Leder"}
    assert names[world.consultant_a.id] == "Mette A" and names[world.parent_a.person_id] == "Sara A"


def test_who_label_of_someone_outside_the_family_is_blank(ctx, world):
    """An agreement that points at another family's member (or a consultant no longer assigned) names nobody."""
    family, consultant = world.family_a, world.consultant_a
    foreign = services.add_agreement(
        family, {"what": "x", "who": (WhoKind.MEMBER, world.parent_b.person_id), "due": None}, actor=consultant
    )
    member = services.add_agreement(
        family, {"what": "y", "who": (WhoKind.MEMBER, world.parent_a2.person_id), "due": None}, actor=consultant
    )
    assignment = db.session.scalar(
        select(Assignment).where(
            Assignment.family_id == family.id, Assignment.consultant_id == world.co_consultant_a.id
        )
    )
    partner = services.add_agreement(
        family, {"what": "z", "who": (WhoKind.CONSULTANT, world.co_consultant_a.id), "due": None}, actor=consultant
    )
    family_services.unassign_consultant(assignment, actor=world.admin)
    db.session.commit()
    names = queries.people_names(family)
    assert queries.who_label(member, names) == "Jonas A"
    assert queries.who_label(foreign, names) == ""
    assert queries.who_label(partner, names) == ""


def test_the_home_screens_goals_count_their_steps_in_one_query(ctx, world, count_queries):
    family, consultant = world.family_a, world.consultant_a
    goal = services.add_goal(family, {"title": "Eget hjem", "term": "long"}, actor=consultant)
    for text in ("Søge", "Flytte"):
        step = services.add_step(family, goal, text, actor=consultant)
    services.set_step_done(family, step, True, actor=consultant)
    services.add_goal(family, {"title": "Sove igennem", "term": "short"}, actor=consultant)
    services.add_goal(world.family_b, {"title": "B's mål"}, actor=world.consultant_b)
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as q:
        found = [(g.title, done, total) for g, done, total in queries.goal_progress(family)]
    assert len(q) == 1
    assert found == [("Op til tiden", 0, 1), ("Sove igennem", 0, 0), ("Eget hjem", 1, 2)]
