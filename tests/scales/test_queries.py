"""Scale queries (familyapp/scales/queries.py), called directly: the version chosen by age, the windows each kind
of person has, what is left to fill, and what waits for review. A family member's answers are their own; another
family's answers are never counted, listed or shared; the caseload's counts come in the promised one query."""

from __future__ import annotations

from datetime import timedelta

from flask import g
from sqlalchemy import select

from familyapp import db
from familyapp.meetings import services as meeting_services
from familyapp.meetings.models import Answer
from familyapp.scales import answer_pages, queries
from familyapp.scales import services as scale_services
from familyapp.scales.models import ScaleResponse
from tests import factories


def meeting_in(world, hours: float, *parents, family=None):
    """A follow-up meeting of family A (or ``family``) ``hours`` from now with these parents."""
    family = family or world.family_a
    consultant = world.consultant_a if family is world.family_a else world.consultant_b
    start = db.utcnow().replace(microsecond=0) + timedelta(hours=hours)
    meeting = factories.make_meeting(family, parents[0], consultant, starts_at=start)
    for parent in parents[1:]:
        meeting.participants.append(
            factories.meeting_participant(family, meeting, {"kind": "member", "person_id": parent.person_id})
        )
    db.session.flush()
    return meeting


def sent(world, user, meeting, values=(5, 5, 5, 5), purpose="wellbeing", family=None):
    return factories.make_answer(family or world.family_a, user, meeting, values, purpose=purpose)


def keys(pairs) -> set[str]:
    return {pair[0].key for pair in pairs}


def the_world_answer(world, family) -> ScaleResponse:
    """The parent's wellbeing answer the world sends before its meeting (the earliest of theirs)."""
    parent = world.parent_a if family is world.family_a else world.parent_b
    stmt = select(ScaleResponse).where(
        ScaleResponse.family_id == family.id, ScaleResponse.user_id == parent.id, ScaleResponse.purpose == "wellbeing"
    )
    return db.session.scalars(stmt.order_by(ScaleResponse.opens_at)).first()


# Definitions ----------------------------------------------------------------------------------------------


def test_the_age_chooses_the_version(ctx):
    assert queries.pick("wellbeing", "self", 8).key == "wellbeing-child"
    assert queries.pick("wellbeing", "self", 13).key == "wellbeing-adult"
    assert queries.pick("wellbeing", "self", None).key == "wellbeing-adult"  # an adult without a birth date
    assert queries.pick("wellbeing", "self", 5) is None
    assert queries.pick("functioning", "parent", 4).key == "functioning-parent"
    assert queries.pick("functioning", "professional", 18) is None
    assert queries.pick("no-such-purpose", "self", 30) is None


def test_the_definitions_in_use_are_read_once_per_request(ctx, count_queries):
    with count_queries() as q:
        first = queries.active_definitions()
        queries.pick("alliance", "self", 40)
        queries.pick("progression", "self", 40)
    assert len(q) == 1 and first and all(row.active for row in first)


def test_definitions_by_id_and_names_of_ask_nothing_without_ids(ctx, world, count_queries):
    with count_queries() as q:
        assert queries.definitions_by_id(set()) == {} and queries.names_of(set()) == {}
    assert q == []
    assert queries.names_of({world.parent_a.id}) == {world.parent_a.id: "Sara A"}


def test_a_definition_is_read_and_parsed_once_per_process(ctx, world, count_queries):
    row = queries.pick("wellbeing", "self", 40)
    queries.parsed(row)
    with count_queries() as q:
        again = queries.parsed_by_id({row.id})
    assert q == [] and again[row.id] is queries.parsed(row)
    # The rows in use come without their texts (those are in the process's cache).
    with count_queries() as q:
        g.pop("scale_definitions", None)  # as a new request
        queries.active_definitions()
    assert "scale_definitions.data" not in q[0]


# Windows --------------------------------------------------------------------------------------------------


def test_a_parent_has_windows_around_their_own_meetings_the_wheel_and_each_child(ctx, world):
    meeting = meeting_in(world, 24, world.parent_a)
    found = queries.windows_for(world.family_a, world.parent_a, db.utcnow())
    mine = keys(found)
    assert {f"wellbeing.m.{meeting.id}", f"alliance.m.{meeting.id}"} <= mine
    assert {w.purpose for w, _row in found} == {"wellbeing", "alliance", "progression", "functioning"}
    functioning = [(w, row) for w, row in found if w.purpose == "functioning"]
    alma = [w for w, _row in functioning if w.about_person_id is not None]
    assert len(functioning) == len(alma) == 1 and functioning[0][1].key == "functioning-parent"
    # The other parent is not at this meeting: no questions about it.
    theirs = keys(queries.windows_for(world.family_a, world.parent_a2, db.utcnow()))
    assert not any(str(meeting.id) in key for key in theirs)
    openings = [w.opens_at for w, _row in found]
    assert openings == sorted(openings)


def test_a_meeting_cancelled_or_declined_asks_nothing(ctx, world):
    declined, cancelled = meeting_in(world, 24, world.parent_a), meeting_in(world, 30, world.parent_a)
    meeting_services.reply(world.family_a, declined, world.parent_a, Answer.CANNOT, "", "", now=db.utcnow())
    meeting_services.cancel_meeting(world.family_a, cancelled, "", actor=world.consultant_a)
    found = keys(queries.windows_for(world.family_a, world.parent_a, db.utcnow()))
    assert not any(str(declined.id) in key or str(cancelled.id) in key for key in found)


def test_the_consultant_rates_each_child_and_nothing_else(ctx, world):
    found = queries.windows_for(world.family_a, world.consultant_a, db.utcnow())
    assert [(w.purpose, row.key) for w, row in found] == [("functioning", "functioning-professional")]
    assert queries.windows_for(world.family_a, world.admin, db.utcnow()) == []
    # Family B has no children: nothing to rate.
    assert queries.windows_for(world.family_b, world.consultant_b, db.utcnow()) == []


def test_a_window_by_its_key_reads_that_meeting_and_brings_the_answer_row(ctx, world, count_queries):
    meeting = meeting_in(world, 24, world.parent_a)
    key = f"wellbeing.m.{meeting.id}"
    queries.active_definitions()
    queries.family_queries.people(world.family_a)
    with count_queries() as q:
        window, row, kept = queries.window_of(world.family_a, world.parent_a, key, db.utcnow())
    assert (window.key, row.purpose, kept, len(q)) == (key, "wellbeing", None, 1)
    sent(world, world.parent_a, meeting)
    assert queries.window_of(world.family_a, world.parent_a, key, db.utcnow())[2].submitted_at is not None
    # Another person's meeting, a made-up or odd key: nothing.
    assert queries.window_of(world.family_a, world.parent_a2, key, db.utcnow()) is None
    for odd in ("", "x", "wellbeing.m.", "wellbeing.m.not-an-id", f"alliance.m.{meeting.id}.x", "progression.c.x"):
        assert queries.window_of(world.family_a, world.parent_a, odd, db.utcnow()) is None, odd
    progression = next(
        w for w, _r in queries.windows_for(world.family_a, world.parent_a, db.utcnow()) if w.purpose == "progression"
    )
    assert queries.window_of(world.family_a, world.parent_a, progression.key, db.utcnow())[0] == progression


def test_find_response_is_the_persons_own_in_the_family(ctx, world):
    response = the_world_answer(world, world.family_a)
    key = response.window_key
    assert queries.find_response(world.family_a, world.parent_a, key).id == response.id
    assert queries.find_response(world.family_a, world.parent_a2, key) is None
    assert queries.find_response(world.family_b, world.parent_a, key) is None


def test_an_earlier_window_is_rebuilt_from_a_kept_draft_and_unknown_keys_give_none(ctx, world):
    response = the_world_answer(world, world.family_a)
    window, row, kept = queries.earlier_window(world.family_a, world.parent_a, response.window_key, db.utcnow())
    assert (window.key, window.meeting_id, row.id) == (response.window_key, response.meeting_id, response.definition_id)
    assert kept.id == response.id
    assert queries.earlier_window(world.family_a, world.parent_a, "progression.c.x", db.utcnow()) is None
    assert queries.earlier_window(world.family_a, world.parent_a, "nonsense", db.utcnow()) is None


def test_an_earlier_cadence_period_is_rebuilt_only_when_it_is_earlier(ctx, world):
    now = db.utcnow()
    current = next(
        w for w, _row in queries.windows_for(world.family_a, world.parent_a, now) if w.purpose == "progression"
    )
    period = int(current.key.split(".")[2])
    earlier_key = f"progression.c.{period - 1}"
    window, row, kept = queries.earlier_window(world.family_a, world.parent_a, earlier_key, now)
    assert kept is None
    assert window.key == earlier_key and window.closes_at <= current.opens_at and row.key == "progression-wheel"
    assert queries.earlier_window(world.family_a, world.parent_a, current.key, now) is None
    assert queries.earlier_window(world.family_a, world.parent_a, f"progression.c.{period + 1}", now) is None


# What is left to fill -------------------------------------------------------------------------------------


def test_to_fill_leaves_out_sent_and_declined_windows(ctx, world):
    first, second = meeting_in(world, 24, world.parent_a), meeting_in(world, 30, world.parent_a)
    now = db.utcnow()
    open_keys = keys(queries.to_fill(world.family_a, world.parent_a, now))
    assert {f"wellbeing.m.{first.id}", f"wellbeing.m.{second.id}"} <= open_keys
    sent(world, world.parent_a, first)
    window, row, _none = next(
        t for t in queries.to_fill(world.family_a, world.parent_a, now) if t[0].key == f"wellbeing.m.{second.id}"
    )
    response = scale_services.open_response(world.family_a, world.parent_a, window, row, now=now)
    scale_services.decline(world.family_a, response, actor=world.parent_a, now=now)
    left = keys(queries.to_fill(world.family_a, world.parent_a, now))
    assert f"wellbeing.m.{first.id}" not in left and f"wellbeing.m.{second.id}" not in left


def test_a_draft_is_still_to_fill_and_comes_with_its_row(ctx, world):
    meeting = meeting_in(world, 24, world.parent_a)
    now = db.utcnow()
    key = f"wellbeing.m.{meeting.id}"
    window, row, _none = next(t for t in queries.to_fill(world.family_a, world.parent_a, now) if t[0].key == key)
    draft = scale_services.open_response(world.family_a, world.parent_a, window, row, now=now)
    scale_services.save_draft(draft, {"me": "4"})
    found = next(t for t in queries.to_fill(world.family_a, world.parent_a, now) if t[0].key == key)
    assert found[2].id == draft.id


def test_a_window_closed_lately_waits_on_the_scales_page_but_not_on_the_home_screen(ctx, world):
    lately = meeting_in(world, -24 * 10, world.parent_a)  # alliance closed three days ago
    long_ago = meeting_in(world, -24 * 30, world.parent_a)  # closed beyond the grace
    now = db.utcnow()
    key = f"alliance.m.{lately.id}"
    assert key in keys(queries.to_fill(world.family_a, world.parent_a, now, late=True))
    assert key not in keys(queries.to_fill(world.family_a, world.parent_a, now))
    assert f"alliance.m.{long_ago.id}" not in keys(queries.to_fill(world.family_a, world.parent_a, now, late=True))


def test_to_fill_is_two_queries_beyond_the_windows_for_one_meeting_or_four(ctx, world, count_queries):
    """With the household and the definitions already loaded for the request (as a page has them): the person's
    meetings around now, and their answers in these windows."""
    from familyapp.families import queries as family_queries

    def queries_for_to_fill() -> tuple[int, int]:
        with count_queries() as q:
            found = queries.to_fill(world.family_a, world.parent_a, db.utcnow())
        return len(found), len(q)

    meeting_in(world, 24, world.parent_a)
    db.session.commit()
    queries.active_definitions()
    family_queries.household(world.family_a)
    few, asked = queries_for_to_fill()
    for hours in (30, 36, 42):
        meeting_in(world, hours, world.parent_a)
    db.session.commit()
    many, asked_again = queries_for_to_fill()
    assert many == few + 3 and asked == asked_again == 2


# Answers --------------------------------------------------------------------------------------------------


def test_a_family_member_reads_only_their_own_answers_and_never_another_familys(ctx, world):
    meeting = meeting_in(world, 24, world.parent_a, world.parent_a2)
    sent(world, world.parent_a2, meeting)
    own = queries.responses_of(world.family_a, world.parent_a)
    assert own and {r.user_id for r in own} == {world.parent_a.id}
    everyone = queries.responses_of(world.family_a)
    assert {r.user_id for r in everyone} == {world.parent_a.id, world.parent_a2.id}
    assert {r.family_id for r in everyone} == {world.family_a.id}
    assert queries.responses_of(world.family_b, world.parent_a) == []
    openings = [r.opens_at for r in everyone]
    assert openings == sorted(openings)


def test_a_partner_gets_only_the_consenting_parents_sent_totals_never_the_alliance(ctx, world):
    meeting = meeting_in(world, -2, world.parent_a, world.parent_a2)
    alliance = sent(world, world.parent_a, meeting, (9, 9, 9, 9), purpose="alliance")
    other_parent = sent(world, world.parent_a2, meeting_in(world, 24, world.parent_a2))
    wellbeing = the_world_answer(world, world.family_a)
    shared = queries.shared_totals(world.family_a, {world.parent_a.id})
    assert [r.id for r in shared] == [wellbeing.id]
    assert alliance.id not in {r.id for r in shared} and other_parent.id not in {r.id for r in shared}
    # Another family's parent id given to this family's link finds nothing.
    assert queries.shared_totals(world.family_a, {world.parent_b.id}) == []


def test_a_draft_is_never_shared_with_a_partner(ctx, world, count_queries):
    meeting = meeting_in(world, 24, world.parent_a2)
    window, row, _none = next(
        t for t in queries.to_fill(world.family_a, world.parent_a2, db.utcnow()) if str(meeting.id) in t[0].key
    )
    draft = scale_services.open_response(world.family_a, world.parent_a2, window, row, now=db.utcnow())
    scale_services.save_draft(draft, {"me": "2"})
    with count_queries() as q:
        assert queries.shared_totals(world.family_a, {world.parent_a2.id}) == []
        assert queries.shared_totals(world.family_a, set()) == []
    assert len(q) == 1


def test_show_alliance_is_off_until_the_person_chooses_it(ctx, world):
    assert queries.show_alliance(world.parent_a) is False
    scale_services.set_show_alliance(world.parent_a, True)
    assert queries.show_alliance(world.parent_a) is True and queries.show_alliance(world.parent_a2) is False


# Review ---------------------------------------------------------------------------------------------------


def queue(family_ids):
    """The first page of the review queue."""
    return answer_pages.review_page(family_ids, 1)[0]


def test_waiting_answers_of_another_family_are_never_counted(ctx, world, count_queries):
    meeting = meeting_in(world, 24, world.parent_a2)
    sent(world, world.parent_a2, meeting, (1, 1, 1, 1))  # below the cut-off: an alert
    db.session.commit()
    with count_queries() as q:
        counts = queries.waiting_review([world.family_a.id])
    assert len(q) == 1
    assert counts == {world.family_a.id: (2, 1)}
    both = queries.waiting_review([world.family_a.id, world.family_b.id])
    assert both == {world.family_a.id: (2, 1), world.family_b.id: (1, 0)}
    with count_queries() as q:
        assert queries.waiting_review([]) == {} and answer_pages.review_page([], 1) == ([], 0, 1)
    assert q == []


def test_a_discussed_answer_no_longer_waits(ctx, world):
    response = the_world_answer(world, world.family_a)
    scale_services.mark_discussed(world.family_a, response, "", actor=world.consultant_a, now=db.utcnow())
    assert queries.waiting_review([world.family_a.id, world.family_b.id]) == {world.family_b.id: (1, 0)}
    assert response.id not in {r.id for r in queue([world.family_a.id])}


def test_the_review_queue_is_newest_first_for_the_asked_families_only(ctx, world):
    meeting = meeting_in(world, 24 * 8, world.parent_a2)  # sent after the world's answer, sent in five days
    newest = sent(world, world.parent_a2, meeting)
    first_page = queue([world.family_a.id])
    assert [r.id for r in first_page] == [newest.id, the_world_answer(world, world.family_a).id]
    assert {r.family_id for r in queue([world.family_a.id, world.family_b.id])} == {
        world.family_a.id,
        world.family_b.id,
    }


def test_the_consultants_own_rating_is_not_in_the_review_queue(ctx, world):
    window, row = next(
        (w, r)
        for w, r in queries.windows_for(world.family_a, world.consultant_a, db.utcnow())
        if w.purpose == "functioning"
    )
    now = db.utcnow()
    response = scale_services.open_response(world.family_a, world.consultant_a, window, row, now=now)
    definition = queries.parsed(row)
    scale_services.submit(
        world.family_a, response, definition, {i.key: 3 for i in definition.items}, actor=world.consultant_a, now=now
    )
    assert response.id not in {r.id for r in queue([world.family_a.id])}
    assert the_world_answer(world, world.family_a).id in {r.id for r in queue([world.family_a.id])}
