"""The consultant's review queue (familyapp/scales/review_views.py, /review): new answers from every family on
their caseload, the family with the soonest meeting first, each family's read audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.families import services as family_services
from familyapp.scales import answer_pages, queries
from tests import factories
from tests.scales.test_views import s_url


def second_family(name: str, consultant, meeting_in_days: int | None):
    """Another family of the consultant's with one sent answer, and a coming meeting in so many days (or none)."""
    family = factories.make_family(name)
    parent = family_services.add_adult(family, f"Forælder {name}", "mor", actor=None, custody=True)
    family_services.assign_consultant(family, consultant, family_services.AssignmentRole.PRIMARY, actor=None)
    past = factories.make_meeting(family, parent, consultant, starts_at=db.utcnow() - timedelta(days=3))
    factories.make_answer(family, parent, past, (5, 5, 5, 5))
    if meeting_in_days is not None:
        factories.make_meeting(family, parent, consultant, starts_at=db.utcnow() + timedelta(days=meeting_in_days))
    db.session.commit()
    return family


def reviewed() -> list:
    """The families whose answers were read through the review queue, by the audit."""
    stmt = select(AuditEvent).where(AuditEvent.action == "family.viewed").order_by(AuditEvent.at)
    return [e.family_id for e in db.session.scalars(stmt) if (e.data or {}).get("page") == "review"]


class TestReview:
    def test_a_partner_consultant_reviews_too(self, client, world, login):
        family_services.assign_consultant(
            world.family_a, world.consultant_b, family_services.AssignmentRole.CO_CONSULTANT, actor=world.admin
        )
        db.session.commit()
        login(world.consultant_b)
        assert "Familien A" in client.get("/review").get_data(as_text=True)

    def test_the_consultants_own_ratings_are_not_in_the_queue(self, app, client, world, login):
        from familyapp.scales import services

        with app.test_request_context():
            window, row = next(
                (w, r)
                for w, r in queries.windows_for(world.family_a, world.consultant_a, db.utcnow())
                if w.purpose == "functioning"
            )
            response = services.open_response(world.family_a, world.consultant_a, window, row, now=db.utcnow())
            definition = queries.parsed(row)
            services.submit(
                world.family_a,
                response,
                definition,
                {i.key: 3 for i in definition.items},
                actor=world.consultant_a,
                now=db.utcnow(),
            )
            db.session.commit()
        login(world.consultant_a)
        assert str(response.id) not in client.get("/review").get_data(as_text=True)
        assert str(response.id) in client.get(s_url(world)).get_data(as_text=True)


class TestQueries:
    @pytest.mark.parametrize("url", ["/review"])  # the family's scales page: test_views.py
    def test_pages_use_a_constant_number_of_queries(self, app, client, world, login, count_queries, url):
        target = "/review" if url == "/review" else s_url(world)
        login(world.consultant_a)
        client.get(target)
        with count_queries() as few:
            client.get(target)
        with app.app_context():
            for days in range(2, 8):
                meeting = factories.make_meeting(
                    world.family_a, world.parent_a, world.consultant_a, starts_at=db.utcnow() - timedelta(days=days * 7)
                )
                factories.make_answer(world.family_a, world.parent_a, meeting, (5, 5, 5, 5))
            db.session.commit()
        with count_queries() as many:
            page = client.get(target).get_data(as_text=True)
        assert page.count("data-response=") >= 7
        assert len(many) == len(few)


class TestQueue:
    def test_the_family_with_the_soonest_meeting_comes_first(self, app, client, world, login):
        with app.test_request_context():
            none = second_family("Familien Uden", world.consultant_a, None)
            soon = second_family("Familien Snart", world.consultant_a, 2)  # family A's meeting is in 7 days
        login(world.consultant_a)
        page = client.get("/review").get_data(as_text=True)
        order = [page.index(f'id="rf-{family.id}"') for family in (soon, world.family_a, none)]
        assert order == sorted(order)
        assert "Forælder Familien Snart" in page  # each answer names who sent it

    def test_each_familys_answers_are_read_and_audited_once(self, app, client, world, login):
        with app.test_request_context():
            other = second_family("Familien C", world.consultant_a, 2)
        login(world.consultant_a)
        assert reviewed() == []
        client.get("/review")
        assert sorted(reviewed(), key=str) == sorted([world.family_a.id, other.id], key=str)

    def test_nothing_to_talk_through_reads_nothing(self, client, world, login):
        family_services.assign_consultant(
            factories.make_family("Familien Tom"),
            world.consultant_b,
            family_services.AssignmentRole.PRIMARY,
            actor=None,
        )
        db.session.commit()
        login(world.consultant_b)
        for response in answer_pages.review_page([world.family_b.id], 1)[0]:
            response.discussed_at = db.utcnow()
        db.session.commit()
        page = client.get("/review")
        assert page.status_code == 200 and "data-response=" not in page.get_data(as_text=True)
        assert reviewed() == []


def test_the_caseload_counts_as_many_new_answers_as_the_review_queue_lists(app, client, world, login):
    """The caseload's "N new answers" and the review queue come from one query: the consultant's own rating of a
    child is in neither."""
    from familyapp.scales import services

    with app.test_request_context():
        window, row = next(
            (w, r)
            for w, r in queries.windows_for(world.family_a, world.consultant_a, db.utcnow())
            if w.purpose == "functioning"
        )
        response = services.open_response(world.family_a, world.consultant_a, window, row, now=db.utcnow())
        definition = queries.parsed(row)
        services.submit(
            world.family_a,
            response,
            definition,
            {i.key: 3 for i in definition.items},
            actor=world.consultant_a,
            now=db.utcnow(),
        )
        db.session.commit()
    login(world.consultant_a)
    caseload = client.get("/caseload").get_data(as_text=True)
    listed = client.get("/review").get_data(as_text=True).count("data-response=")
    counted = re.findall(r'tag-review">(\d+) new answers?<', caseload)
    assert listed == 1 and counted == [str(listed)]
    assert re.search(r"\b1 answer to talk through\b", caseload)
