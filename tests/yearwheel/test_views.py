"""The årshjul's screens: the family reads, the consultant plans through the mirror, nothing leaks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.families import services as family_services
from familyapp.families.models import Phase
from familyapp.yearwheel import views
from familyapp.yearwheel.models import YearActivity
from tests.yearwheel.helpers import TODAY, add, meeting, svg_counts, text_list, wheel_svg


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(views, "_today", lambda: TODAY)


def wheel_url(family, rest=""):
    return f"/families/{family.id}/yearwheel{rest}"


def activities(family) -> list[YearActivity]:
    stmt = select(YearActivity).where(YearActivity.family_id == family.id).order_by(YearActivity.created_at)
    return list(db.session.scalars(stmt))


def events(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


class TestWheel:
    def test_the_wheel_and_the_list_show_the_same_activities(self, app, client, world, login):
        a, c = world.family_a, world.consultant_a
        made = [
            add(app, a, c, (2026, 11), "Opstart", "Vi lærer hinanden at kende."),
            add(app, a, c, (2027, 1), "Netværksmøde"),
            add(app, a, c, (2027, 1), "Opfølgning"),
            add(app, a, c, (2027, 10), "Status"),
        ]
        add(app, a, c, (2026, 10), "Før vinduet")  # last month: not in the coming 12
        add(app, world.family_b, world.consultant_b, (2027, 1), "Familie B's møde")
        login(world.parent_a)
        response = client.get(wheel_url(a))
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        counts = svg_counts(page)
        assert len(counts) == 12 and counts["2026-11"] == 1 and counts["2027-01"] == 2 and counts["2027-10"] == 1
        listed, marked = text_list(page)
        assert {k: len(v) for k, v in listed.items()} == counts
        assert sorted(i for ids in listed.values() for i in ids) == sorted(str(x.id) for x in made)
        assert "Vi lærer hinanden at kende." in page
        assert "Før vinduet" not in page and "Familie B" not in page
        assert marked == "2026-11" and "this month" in page

    def test_a_month_with_meetings_but_no_activity_shows_the_meetings(self, app, client, world, login):
        a = world.family_a
        march = meeting(a, datetime(2027, 3, 10, 9, 0, tzinfo=UTC))
        june = meeting(a, datetime(2027, 5, 31, 22, 30, tzinfo=UTC))  # 1 June, 00:30 in Denmark
        cancelled = meeting(a, datetime(2027, 4, 7, 9, 0, tzinfo=UTC))
        cancelled.cancelled_at = datetime(2026, 11, 20, tzinfo=UTC)
        linked = meeting(a, datetime(2027, 1, 12, 9, 0, tzinfo=UTC))
        activity = add(app, a, world.consultant_a, (2027, 1), "Opfølgning")
        activity.meeting_id = linked.id
        db.session.commit()

        def month(page, key):
            return page.split(f'id="month-{key}"')[1].split('class="card yearwheel-month')[0]

        for who in (world.parent_a, world.consultant_a):
            login(who)
            page = client.get(wheel_url(a)).get_data(as_text=True)
            for key, shown in (("2027-03", march), ("2027-06", june)):
                assert f'data-meeting="{shown.id}"' in month(page, key) and "Nothing planned" not in month(page, key)
            assert f'/meetings/{march.id}"' in month(page, "2027-03") and "Follow-up" in month(page, "2027-03")
            assert "Nothing planned" in month(page, "2027-05") and str(june.id) not in month(page, "2027-05")
            # A cancelled meeting is not planned; a linked one shows once, under its activity.
            assert "Nothing planned" in month(page, "2027-04") and f'data-meeting="{cancelled.id}"' not in page
            assert month(page, "2027-01").count(f"/meetings/{linked.id}") == 1
            segments = {g.get("data-month"): g for g in wheel_svg(page).iter("{http://www.w3.org/2000/svg}g")}
            assert segments["2027-03"].get("data-meetings") == "1" and segments["2027-04"].get("data-meetings") == "0"
            assert (
                "".join(segments["2027-03"].find("{http://www.w3.org/2000/svg}text[@class='yw-count']").itertext())
                == "1"
            )

    def test_the_wheel_is_an_accessible_picture_that_marks_now(self, client, world, login):
        login(world.parent_a)
        page = client.get(wheel_url(world.family_a)).get_data(as_text=True)
        svg = wheel_svg(page)
        assert svg.get("role") == "img" and svg.get("viewBox") and svg.get("width") == "100%"
        assert "Year wheel from November 2026 to October 2027" in page
        current = [g for g in svg.iter("{http://www.w3.org/2000/svg}g") if "yw-current" in g.get("class")]
        assert len(current) == 1 and current[0].get("data-month") == "2026-11"
        assert "Now" in "".join(current[0].itertext())  # a text marker, not colour only

    def test_parent_sees_no_edit_controls(self, app, client, world, login):
        add(app, world.family_a, world.consultant_a, (2027, 2), "Opfølgning")
        login(world.parent_a)
        page = client.get(wheel_url(world.family_a)).get_data(as_text=True)
        assert "Opfølgning" in page and "mirror-banner" not in page
        assert "Add an activity" not in page and "yearwheel-edit" not in page and "Suggested plan" not in page

    def test_consultant_sees_the_mirror_with_edit_controls(self, app, client, world, login):
        add(app, world.family_a, world.consultant_a, (2027, 2), "Opfølgning")
        login(world.consultant_a)
        page = client.get(wheel_url(world.family_a)).get_data(as_text=True)
        assert "mirror-banner" in page and "Add an activity" in page and "yearwheel-edit" in page
        assert 'value="2026-11"' in page and 'value="2027-10"' in page and 'value="2026-10"' not in page

    def test_linked_meeting_is_a_link_for_the_family(self, app, client, world, login):
        activity = add(app, world.family_a, world.consultant_a, (2027, 1), "Opfølgning")
        m = meeting(world.family_a)
        login(world.consultant_a)
        assert (
            client.post(
                wheel_url(world.family_a, f"/activities/{activity.id}/meeting"),
                data={f"link-{activity.id}-meeting": str(m.id)},
            ).status_code
            == 302
        )
        login(world.parent_a)
        page = client.get(wheel_url(world.family_a)).get_data(as_text=True)
        assert f"/families/{world.family_a.id}/meetings/{m.id}" in page

    def test_professional_reads_are_audited(self, client, world, login):
        login(world.consultant_a)
        client.get(wheel_url(world.family_a))
        client.get(wheel_url(world.family_a, "/suggestions"))
        pages = db.session.scalars(
            select(AuditEvent.data).where(
                AuditEvent.action == "family.viewed", AuditEvent.actor_id == world.consultant_a.id
            )
        ).all()
        assert {"page": "yearwheel"} in pages and {"page": "yearwheel_suggestions"} in pages


class TestConsultantEdits:
    def test_add_move_link_unlink_remove_each_audited(self, client, world, login):
        family = world.family_a
        login(world.consultant_a)
        data = {"add-month": "2027-03", "add-title": "Netværksmøde", "add-purpose": "Hvem kan hjælpe?"}
        response = client.post(wheel_url(family, "/activities"), data=data)
        (activity,) = activities(family)
        assert response.status_code == 302 and response.location.endswith(f"#activity-{activity.id}")
        assert (activity.year, activity.month, activity.purpose) == (2027, 3, "Hvem kan hjælpe?")
        url = wheel_url(family, f"/activities/{activity.id}")
        assert client.post(url + "/move", data={f"move-{activity.id}-month": "2026-12"}).status_code == 302
        assert (db.session.get(YearActivity, activity.id).year, activity.month) == (2026, 12)
        m = meeting(family)
        assert client.post(url + "/meeting", data={f"link-{activity.id}-meeting": str(m.id)}).status_code == 302
        assert db.session.get(YearActivity, activity.id).meeting_id == m.id
        assert client.post(url + "/meeting", data={f"link-{activity.id}-meeting": ""}).status_code == 302
        assert db.session.get(YearActivity, activity.id).meeting_id is None
        assert client.post(url + "/delete").status_code == 302
        assert activities(family) == []
        for verb in ("added", "moved", "linked", "unlinked", "removed"):
            assert events(f"yearwheel.{verb}") == 1, verb
        moved = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "yearwheel.moved"))
        assert moved.data == {"from": "2027-03", "to": "2026-12"} and moved.family_id == family.id

    def test_parent_cannot_edit(self, app, client, world, login):
        activity = add(app, world.family_a, world.consultant_a, (2027, 1), "Opfølgning")
        login(world.parent_a)
        url = wheel_url(world.family_a, f"/activities/{activity.id}")
        assert client.post(wheel_url(world.family_a, "/activities"), data={"add-month": "2027-01"}).status_code == 404
        assert client.post(url + "/move", data={f"move-{activity.id}-month": "2027-02"}).status_code == 404
        assert client.post(url + "/meeting", data={f"link-{activity.id}-meeting": ""}).status_code == 404
        assert client.post(url + "/delete").status_code == 404
        assert client.get(wheel_url(world.family_a, "/suggestions")).status_code == 404
        assert client.post(wheel_url(world.family_a, "/suggestions/accept")).status_code == 404
        assert [(a.year, a.month, a.title) for a in activities(world.family_a)] == [(2027, 1, "Opfølgning")]
        assert events("access.denied") >= 6

    def test_another_familys_activity_and_meeting_ids_are_404(self, app, client, world, login):
        own = add(app, world.family_a, world.consultant_a, (2027, 1), "Egen")
        foreign = add(app, world.family_b, world.consultant_b, (2027, 1), "Fremmed")
        foreign_meeting = meeting(world.family_b)
        login(world.consultant_a)
        foreign_url = wheel_url(world.family_a, f"/activities/{foreign.id}")
        assert client.post(foreign_url + "/move", data={f"move-{foreign.id}-month": "2027-02"}).status_code == 404
        assert client.post(foreign_url + "/delete").status_code == 404
        own_url = wheel_url(world.family_a, f"/activities/{own.id}/meeting")
        for bad in (str(foreign_meeting.id), "not-an-id"):
            assert client.post(own_url, data={f"link-{own.id}-meeting": bad}).status_code == 404
        assert client.get(wheel_url(world.family_b)).status_code == 404
        assert db.session.get(YearActivity, foreign.id).month == 1
        assert db.session.get(YearActivity, own.id).meeting_id is None


class TestBadInput:
    def test_unknown_month_empty_and_huge_title_keep_what_was_typed(self, client, world, login):
        login(world.consultant_a)
        url = wheel_url(world.family_a, "/activities")
        response = client.post(url, data={"add-month": "2026-10", "add-title": "Sommerfest", "add-purpose": "Hygge"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "Not a valid choice" in page and "Sommerfest" in page and "Hygge" in page
        response = client.post(url, data={"add-month": "2027-13", "add-title": "x"})
        assert response.status_code == 400
        response = client.post(url, data={"add-month": "2027-02", "add-title": "  ", "add-purpose": "Til mødet"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "Write what will happen." in page and "Til mødet" in page
        huge = "y" * 201
        response = client.post(url, data={"add-month": "2027-02", "add-title": huge})
        assert response.status_code == 400 and huge in response.get_data(as_text=True)
        assert activities(world.family_a) == []

    def test_moving_to_a_month_outside_the_wheel_is_refused(self, app, client, world, login):
        activity = add(app, world.family_a, world.consultant_a, (2027, 1), "Opfølgning")
        login(world.consultant_a)
        url = wheel_url(world.family_a, f"/activities/{activity.id}/move")
        for bad in ("2027-11", "januar", ""):
            response = client.post(url, data={f"move-{activity.id}-month": bad})
            assert response.status_code == 400, bad
            assert 'class="yearwheel-edit" open' in response.get_data(as_text=True)
        assert db.session.get(YearActivity, activity.id).month == 1
        assert events("yearwheel.moved") == 0


class TestSuggestions:
    def test_six_week_family(self, client, world, login):
        login(world.consultant_a)  # family A: investigation, follow-up every 6 weeks, started January 2026
        page = client.get(wheel_url(world.family_a, "/suggestions")).get_data(as_text=True)
        follow_ups = {"2027-01", "2027-02", "2027-03", "2027-05", "2027-06", "2027-08", "2027-09", "2027-10"}
        assert _suggested(page, "follow_up") == follow_ups
        assert _suggested(page, "network") == {"2027-01", "2027-07"}
        assert _suggested(page, "readiness") == set()
        assert "Follow-up every 6 weeks." in page and "We look at how things are going" in page

    def test_three_month_family_in_maintenance(self, app, client, world, login):
        with app.app_context():
            family_services.change_phase(
                db.session.merge(world.family_b), Phase.MAINTENANCE, actor=db.session.merge(world.consultant_b)
            )
            db.session.commit()
        login(world.consultant_b)  # family B: support only, follow-up every 3 months
        page = client.get(wheel_url(world.family_b, "/suggestions")).get_data(as_text=True)
        assert _suggested(page, "follow_up") == {"2027-02", "2027-05", "2027-08"}
        assert _suggested(page, "network") == {"2027-01", "2027-07"}
        assert _suggested(page, "readiness") == {"2026-12"}
        assert "Follow-up every 3 months." in page

    def test_accept_is_idempotent_and_skips_what_is_there(self, app, client, world, login):
        family = world.family_a
        kept = add(app, family, world.consultant_a, (2027, 1), "Follow-up", "Egen formulering")
        login(world.consultant_a)
        response = client.post(wheel_url(family, "/suggestions/accept"), follow_redirects=True)
        assert "9 activities are added." in response.get_data(as_text=True)  # 8 + 2 - the one already there
        after_first = [(a.year, a.month, a.title) for a in activities(family)]
        assert len(after_first) == 10 and after_first.count((2027, 1, "Follow-up")) == 1
        assert db.session.get(YearActivity, kept.id).purpose == "Egen formulering"
        response = client.post(wheel_url(family, "/suggestions/accept"), follow_redirects=True)
        assert "already in the year wheel" in response.get_data(as_text=True)
        assert [(a.year, a.month, a.title) for a in activities(family)] == after_first
        assert events("yearwheel.accepted") == 9
        page = client.get(wheel_url(family, "/suggestions")).get_data(as_text=True)
        assert "Everything suggested is already in the year wheel." in page

    def test_accepted_suggestions_can_be_moved_and_come_back_as_suggestions(self, client, world, login):
        family = world.family_a
        login(world.consultant_a)
        client.post(wheel_url(family, "/suggestions/accept"))
        network = next(a for a in activities(family) if a.title == "Network meeting" and a.month == 7)
        client.post(wheel_url(family, f"/activities/{network.id}/move"), data={f"move-{network.id}-month": "2027-06"})
        page = client.get(wheel_url(family, "/suggestions")).get_data(as_text=True)
        assert _suggested(page, "network") == {"2027-07"}


def _suggested(page: str, kind: str) -> set[str]:
    import re

    return set(re.findall(rf'data-month="([0-9-]+)" data-kind="{kind}"', page))


def _grow(app, world, n: int):
    for i in range(n):
        add(app, world.family_a, world.consultant_a, (2027, 1 + i % 10), f"Aktivitet {i}", "Formål")


@pytest.mark.parametrize("who", ["parent_a", "consultant_a"])
def test_wheel_uses_a_constant_number_of_queries(app, client, world, login, count_queries, who):
    m = meeting(world.family_a, datetime(2027, 2, 2, 9, tzinfo=UTC))
    _grow(app, world, 3)
    first = activities(world.family_a)[0]
    first.meeting_id = m.id
    db.session.commit()
    login(world.by_role(who))
    client.get(wheel_url(world.family_a))
    with count_queries() as q:
        assert client.get(wheel_url(world.family_a)).status_code == 200
    few = len(q)
    _grow(app, world, 27)
    for a in activities(world.family_a)[::5]:
        a.meeting_id = m.id
    db.session.commit()
    with count_queries() as q:
        page = client.get(wheel_url(world.family_a)).get_data(as_text=True)
    assert len(q) == few and page.count('data-activity="') == 30
