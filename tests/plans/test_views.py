"""The plan's screens: the family adds its words, the consultant edits through the mirror, nothing leaks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.plans.models import Agreement, Goal, GoalStep, Plan, PlanRevision, ReadinessItem


def plan_url(world, rest=""):
    return f"/families/{world.family_a.id}/plan{rest}"


def first(model, world):
    return db.session.scalar(select(model).where(model.family_id == world.family_a.id).limit(1))


class TestFamilyWords:
    def test_parent_reads_the_plan(self, client, world, login):
        login(world.parent_a)
        page = client.get(plan_url(world)).get_data(as_text=True)
        assert "Ro" in page and "Op til tiden" in page and "Ringe til skolen" in page and "Aftensmad" in page
        assert "private-note" not in page and "mirror-banner" not in page

    def test_parent_adds_a_goal_and_a_step(self, client, world, login):
        login(world.parent_a)
        response = client.post(plan_url(world, "/goals"), data={"goal-title": "Sove bedre", "goal-status": "red"})
        assert response.status_code == 302
        goal = db.session.scalar(select(Goal).where(Goal.title == "Sove bedre"))
        response = client.post(
            plan_url(world, f"/goals/{goal.id}/steps"), data={f"step-{goal.id}-text": "Ingen skærm efter 21"}
        )
        assert response.status_code == 302 and response.location.endswith(f"#goal-{goal.id}")
        assert "Ingen skærm efter 21" in client.get(plan_url(world)).get_data(as_text=True)

    def test_parent_writes_dreams_in_own_words(self, client, world, login):
        login(world.parent_a)
        plan = first(Plan, world)
        data = {"dreams": "Jeg vil have et job", "works": "Vi griner", "worries": "Penge", "version": plan.version}
        assert client.post(plan_url(world, "/words"), data=data).status_code == 302
        assert db.session.get(Plan, plan.id).dreams == "Jeg vil have et job"

    def test_parent_ticks_a_step_and_an_agreement(self, client, world, login):
        login(world.parent_a)
        step, agreement = first(GoalStep, world), first(Agreement, world)
        client.post(plan_url(world, f"/steps/{step.id}/done"))
        client.post(plan_url(world, f"/agreements/{agreement.id}/done"))
        assert db.session.get(GoalStep, step.id).done and db.session.get(Agreement, agreement.id).done

    def test_parent_cannot_use_consultant_controls(self, client, world, login):
        login(world.parent_a)
        goal = first(Goal, world)
        assert client.get(plan_url(world, f"/goals/{goal.id}")).status_code == 404
        assert client.post(plan_url(world, f"/goals/{goal.id}/delete")).status_code == 404
        assert client.post(plan_url(world, "/agreements"), data={"agreement-what": "x"}).status_code == 404
        assert db.session.get(Goal, goal.id) is not None

    def test_parent_adds_to_the_readiness_plan(self, client, world, login):
        login(world.parent_a)
        data = {"situation": "Hvis jeg bliver syg", "what_we_do": "Mormor hjælper", "who_we_call": "Mormor"}
        assert client.post(plan_url(world, "/readiness"), data=data).status_code == 302
        assert "Hvis jeg bliver syg" in client.get(plan_url(world, "/readiness")).get_data(as_text=True)


class TestBadInput:
    def test_empty_and_huge_texts_keep_what_was_typed(self, client, world, login):
        login(world.parent_a)
        response = client.post(plan_url(world, "/goals"), data={"goal-title": "", "goal-green_looks_like": "grønt"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "Write the goal." in page and "grønt" in page
        huge = "x" * 5000
        plan = first(Plan, world)
        response = client.post(
            plan_url(world, "/words"), data={"dreams": huge, "works": "", "worries": "", "version": plan.version}
        )
        assert response.status_code == 400 and huge in response.get_data(as_text=True)
        assert db.session.get(Plan, plan.id).dreams == "Ro"

    def test_unknown_status_is_refused(self, client, world, login):
        login(world.parent_a)
        response = client.post(plan_url(world, "/goals"), data={"goal-title": "x", "goal-status": "purple"})
        assert response.status_code == 400
        assert db.session.scalar(select(Goal).where(Goal.title == "x")) is None

    def test_unknown_person_and_who_are_refused(self, client, world, login):
        login(world.consultant_a)
        response = client.post(
            plan_url(world, "/goals"), data={"goal-title": "x", "goal-person": str(world.parent_b.person_id)}
        )
        assert response.status_code == 400
        response = client.post(
            plan_url(world, "/agreements"),
            data={"agreement-what": "x", "agreement-who": f"member:{world.parent_b.person_id}"},
        )
        assert response.status_code == 400
        response = client.post(plan_url(world, "/agreements"), data={"agreement-what": "x", "agreement-who": "other"})
        assert response.status_code == 400 and "Write who it is." in response.get_data(as_text=True)

    def test_past_date_is_allowed_with_a_warning(self, client, world, login):
        login(world.consultant_a)
        data = {
            "agreement-what": "Sende papirer",
            "agreement-who": "other",
            "agreement-who_name": "Skolen",
            "agreement-due": "2020-01-01",
        }
        response = client.post(plan_url(world, "/agreements"), data=data, follow_redirects=True)
        assert "already passed" in response.get_data(as_text=True)
        assert db.session.scalar(select(Agreement).where(Agreement.what == "Sende papirer")) is not None

    def test_another_familys_ids_are_404(self, client, world, login):
        login(world.consultant_b)
        goal = first(Goal, world)
        assert client.get(plan_url(world)).status_code == 404
        assert client.post(f"/families/{world.family_b.id}/plan/goals/{goal.id}/steps", data={}).status_code == 404
        assert (
            client.post(f"/families/{world.family_b.id}/plan/steps/{first(GoalStep, world).id}/done").status_code == 404
        )

    def test_editing_a_plan_that_changed_meanwhile_is_a_clear_conflict(self, client, world, login):
        login(world.parent_a)
        plan = first(Plan, world)
        opened = plan.version
        client.post(plan_url(world, "/words"), data={"dreams": "Først", "works": "", "worries": "", "version": opened})
        response = client.post(
            plan_url(world, "/words"), data={"dreams": "Mine ord", "works": "", "worries": "", "version": opened}
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 409 and "Someone else changed this" in page
        assert "Mine ord" in page and "Først" in page  # what was typed, and the current version
        assert db.session.get(Plan, plan.id).dreams == "Først"

    def test_goal_conflict(self, client, world, login):
        login(world.consultant_a)
        goal = first(Goal, world)
        data = {
            "title": "Ny titel",
            "term": "short",
            "status": "green",
            "person": "",
            "green_looks_like": "",
            "private_note": "",
            "version": goal.version,
        }
        assert client.post(plan_url(world, f"/goals/{goal.id}"), data=data).status_code == 302
        data["title"] = "Anden titel"
        response = client.post(plan_url(world, f"/goals/{goal.id}"), data=data)
        assert response.status_code == 409 and "Anden titel" in response.get_data(as_text=True)
        assert db.session.get(Goal, goal.id).title == "Ny titel"


class TestMirror:
    def test_consultant_sees_the_same_plan_with_edit_controls_and_private_notes(self, client, world, login):
        login(world.consultant_a)
        goal = first(Goal, world)
        data = {
            "title": goal.title,
            "term": "short",
            "status": "yellow",
            "person": "",
            "green_looks_like": "",
            "private_note": "Mor virker træt",
            "version": goal.version,
        }
        client.post(plan_url(world, f"/goals/{goal.id}"), data=data)
        page = client.get(plan_url(world)).get_data(as_text=True)
        assert "mirror-banner" in page and "Mor virker træt" in page and "the family does not see this" in page
        login(world.parent_a)
        for url in ("", "/print", "/history"):
            assert "Mor virker træt" not in client.get(plan_url(world, url)).get_data(as_text=True)
        newest = db.session.scalar(select(PlanRevision).order_by(PlanRevision.at.desc()).limit(1))
        assert "Mor virker træt" not in client.get(plan_url(world, f"/history/{newest.id}")).get_data(as_text=True)

    def test_consultant_adds_and_edits_an_agreement(self, client, world, login):
        login(world.consultant_a)
        data = {
            "agreement-what": "Ringe til PPR",
            "agreement-who": f"consultant:{world.consultant_a.id}",
            "agreement-due": "2026-12-24",
        }
        assert client.post(plan_url(world, "/agreements"), data=data).status_code == 302
        agreement = db.session.scalar(select(Agreement).where(Agreement.what == "Ringe til PPR"))
        edit = {
            "what": "Ringe til PPR igen",
            "who": f"member:{world.parent_a.person_id}",
            "due": "",
            "version": agreement.version,
        }
        assert client.post(plan_url(world, f"/agreements/{agreement.id}"), data=edit).status_code == 302
        changed = db.session.get(Agreement, agreement.id)
        assert (
            changed.what == "Ringe til PPR igen"
            and changed.who_person_id == world.parent_a.person_id
            and changed.due is None
        )

    def test_consultant_stamps_a_version_as_agreed(self, client, world, login):
        login(world.consultant_a)
        rev = db.session.scalar(select(PlanRevision).where(PlanRevision.family_id == world.family_a.id).limit(1))
        response = client.post(
            plan_url(world, f"/history/{rev.id}"), data={"meeting": "Opfølgningsmøde", "day": "2026-11-20"}
        )
        assert response.status_code == 302
        login(world.parent_a)
        assert "Opfølgningsmøde" in client.get(plan_url(world, "/history")).get_data(as_text=True)
        assert (
            client.post(plan_url(world, f"/history/{rev.id}"), data={"meeting": "x", "day": "2026-11-20"}).status_code
            == 200
        )
        assert db.session.get(PlanRevision, rev.id).agreed_at_meeting == "Opfølgningsmøde"

    def test_consultant_changes_the_phase(self, client, world, login):
        from familyapp.audit import AuditEvent
        from familyapp.families.models import Family, Phase

        login(world.consultant_a)
        client.post(f"/families/{world.family_a.id}/phase", data={"phase": "maintenance"})
        assert db.session.get(Family, world.family_a.id).phase is Phase.MAINTENANCE
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "family.phase_changed"))
        assert event.data == {"from": "start", "to": "maintenance"}
        client.post(f"/families/{world.family_a.id}/phase", data={"phase": "nonsense"})
        assert db.session.get(Family, world.family_a.id).phase is Phase.MAINTENANCE

    def test_history_lists_every_change_with_who(self, client, world, login):
        login(world.parent_a)
        page = client.get(plan_url(world, "/history")).get_data(as_text=True)
        count = db.session.scalar(select(func.count()).where(PlanRevision.family_id == world.family_a.id))
        assert page.count("/plan/history/") == count and "Sara A" in page and "Mette A" in page

    def test_print_view_is_one_clean_page(self, client, world, login):
        login(world.parent_a)
        response = client.get(plan_url(world, "/print"))
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "print.css" in page and "bottom-nav" not in page
        assert "Op til tiden" in page and "Ringe til skolen" in page

    def test_consultant_removes_a_readiness_item(self, client, world, login):
        login(world.consultant_a)
        item = first(ReadinessItem, world)
        client.post(plan_url(world, f"/readiness/{item.id}/delete"))
        assert db.session.get(ReadinessItem, item.id) is None


class TestHome:
    def test_home_shows_goals_agreements_due_contact_and_phase(self, client, world, login, monkeypatch):
        import datetime as dt

        from familyapp import db as dbmod

        monkeypatch.setattr(dbmod, "utcnow", lambda: dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC))
        login(world.parent_a)
        page = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
        assert "Op til tiden" in page and "status-yellow" in page
        assert "Ringe til skolen" in page  # due 1 December: within the coming week
        assert 'aria-current="step"' in page and "phase-steps" in page
        assert "Change phase" not in page

    def test_consultant_home_has_the_phase_control(self, client, world, login):
        login(world.consultant_a)
        assert "Change phase" in client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)


def _grow(app, world, n: int):
    """Add goals, steps, agreements and history to family A."""
    from familyapp.plans import services
    from familyapp.plans.models import WhoKind

    with app.app_context():
        family, parent = db.session.merge(world.family_a), db.session.merge(world.parent_a)
        for i in range(n):
            goal = services.add_goal(family, {"title": f"Mål {i}"}, actor=parent)
            services.add_step(family, goal, f"Skridt {i}", actor=parent)
            services.add_agreement(
                family, {"what": f"Aftale {i}", "who": (WhoKind.OTHER, "X"), "due": None}, actor=parent
            )
        db.session.commit()


def test_plan_home_and_history_use_a_constant_number_of_queries(app, client, world, login, count_queries):
    login(world.parent_a)
    urls = [plan_url(world), f"/families/{world.family_a.id}/", plan_url(world, "/history"), plan_url(world, "/print")]
    for url in urls:
        client.get(url)
    before = {}
    for url in urls:
        with count_queries() as q:
            client.get(url)
        before[url] = len(q)
    _grow(app, world, 6)
    for url in urls:
        with count_queries() as q:
            assert client.get(url).status_code == 200
        assert len(q) == before[url], url


def test_professional_reads_of_plan_pages_are_audited(client, world, login):
    from familyapp.audit import AuditEvent

    login(world.consultant_a)
    goal = first(Goal, world)
    for url in ("", "/words", f"/goals/{goal.id}", "/history", "/print", "/readiness"):
        client.get(plan_url(world, url))
    pages = db.session.scalars(
        select(AuditEvent.data)
        .where(AuditEvent.action == "family.viewed", AuditEvent.actor_id == world.consultant_a.id)
        .order_by(AuditEvent.at)
    ).all()
    assert [p["page"] for p in pages] == ["plan", "plan_words", "plan_goal", "plan_history", "plan_print", "readiness"]


def test_saving_again_after_a_conflict_works(client, world, login):
    login(world.parent_a)
    plan = first(Plan, world)
    opened = plan.version
    client.post(plan_url(world, "/words"), data={"dreams": "Først", "works": "", "worries": "", "version": opened})
    response = client.post(
        plan_url(world, "/words"), data={"dreams": "Mine ord", "works": "", "worries": "", "version": opened}
    )
    current = db.session.get(Plan, plan.id).version
    assert f'name="version" type="hidden" value="{current}"' in response.get_data(as_text=True)
    again = client.post(
        plan_url(world, "/words"), data={"dreams": "Mine ord", "works": "", "worries": "", "version": current}
    )
    assert again.status_code == 302 and db.session.get(Plan, plan.id).dreams == "Mine ord"


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"], ids=["windows-and-phones", "old-mac", "unix"])
def test_two_paragraphs_stay_two_after_save(client, world, login, newline):
    """A phone or Chromium sends an empty line between paragraphs as \\r\\n\\r\\n: it stays two paragraphs."""
    login(world.parent_a)
    plan = first(Plan, world)
    dreams = f"Et roligt hjem.{newline}{newline}Et arbejde jeg kan lide."
    data = {"dreams": dreams, "works": f"Vi griner{newline}Vi spiser sammen", "worries": "", "version": plan.version}
    assert client.post(plan_url(world, "/words"), data=data).status_code == 302
    saved = db.session.get(Plan, plan.id)
    assert (saved.dreams, saved.works) == ("Et roligt hjem.\n\nEt arbejde jeg kan lide.", "Vi griner\nVi spiser sammen")
    page = client.get(plan_url(world)).get_data(as_text=True)
    dreams_card = page.split('id="dreams"', 1)[1].split("</section>", 1)[0]
    assert dreams_card.count('<p class="own-words">') == 2


def test_two_paragraphs_saved_before_the_fix_show_as_two(client, world, login):
    """Words stored with \\r\\n before line endings were made one at the form still show as two paragraphs."""
    login(world.parent_a)
    plan = first(Plan, world)
    plan.dreams = "Et roligt hjem.\r\n\r\nEt arbejde jeg kan lide."
    db.session.commit()
    page = client.get(plan_url(world)).get_data(as_text=True)
    assert page.split('id="dreams"', 1)[1].split("</section>", 1)[0].count('<p class="own-words">') == 2


@pytest.mark.parametrize("typed", ["next-week", "2026-01-04", "1926-03-01"])
def test_a_stamp_date_outside_the_case_is_refused_and_kept(client, world, login, typed):
    """The "agreed on" date of an earlier version: a date after today or before the case began gets a clear
    message, the page keeps what was typed, and nothing is stored (the case began on 5 January 2026)."""
    if typed == "next-week":
        typed = (db.local_today() + timedelta(days=7)).isoformat()
    login(world.consultant_a)
    rev = db.session.scalar(select(PlanRevision).where(PlanRevision.family_id == world.family_a.id).limit(1))
    response = client.post(plan_url(world, f"/history/{rev.id}"), data={"meeting": "Statusmøde", "day": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose a date from Jan 5, 2026 to today." in page
    assert f'value="{typed}"' in page and 'value="Statusmøde"' in page
    assert db.session.get(PlanRevision, rev.id).agreed_on is None


@pytest.mark.parametrize("when", ["start", "today"])
def test_a_stamp_on_the_first_day_of_the_case_or_today_is_accepted(client, world, login, when):
    login(world.consultant_a)
    day = world.family_a.start_date if when == "start" else db.local_today()
    rev = db.session.scalar(select(PlanRevision).where(PlanRevision.family_id == world.family_a.id).limit(1))
    response = client.post(
        plan_url(world, f"/history/{rev.id}"), data={"meeting": "Statusmøde", "day": day.isoformat()}
    )
    assert response.status_code == 302 and db.session.get(PlanRevision, rev.id).agreed_on == day


def test_print_button_is_on_the_plan_for_family_and_consultant(client, world, login):
    """ "Print / save as PDF" on the plan opens the one-page plan with the browser's print; that page says the day it
    was printed (the browser's print itself: tests/browser/test_plan.py)."""
    for user in (world.parent_a, world.consultant_a):
        login(user)
        page = client.get(plan_url(world)).get_data(as_text=True)
        assert f'data-print-link href="{plan_url(world, "/print")}#print">Print / save as PDF</a>' in page
        page = client.get(plan_url(world, "/print")).get_data(as_text=True)
        assert "js/print.js" in page and "Print / save as PDF</button>" in page
        assert f'<time datetime="{db.local_today().isoformat()}">' in page


def test_saving_a_goal_keeps_its_traffic_light_and_term(client, world, login):
    """The goal's edit form starts from the goal's own choices: saved as the browser sends it, a green long-term
    goal stays green and long-term (it used to fall back to the first choice of each list)."""
    from familyapp.plans.models import GoalStatus, GoalTerm
    from tests.html_forms import form_as_sent

    goal = first(Goal, world)
    goal.status, goal.term = GoalStatus.GREEN, GoalTerm.LONG
    db.session.commit()
    login(world.consultant_a)
    data = form_as_sent(client.get(plan_url(world, f"/goals/{goal.id}")).get_data(as_text=True), action="")
    assert (data["status"], data["term"]) == ("green", "long")
    data["title"] = "Op til tiden hver dag"
    assert client.post(plan_url(world, f"/goals/{goal.id}"), data=data).status_code == 302
    saved = db.session.get(Goal, goal.id)
    assert (saved.title, saved.status, saved.term) == ("Op til tiden hver dag", GoalStatus.GREEN, GoalTerm.LONG)


class TestHistoryAPageAtATime:
    """The history shows the latest ten versions; "Show older versions" pages back, and odd page numbers show a
    sensible page, never an error."""

    @staticmethod
    def _grow(app, world) -> list[str]:
        """Enough changes for three pages: the ids of every version, newest first."""
        from familyapp.plans import services

        with app.app_context():
            step = db.session.scalar(select(GoalStep).where(GoalStep.family_id == world.family_a.id))
            for i in range(20):
                services.set_step_done(world.family_a, step, i % 2 == 0, actor=world.parent_a)
            db.session.commit()
            stmt = (
                select(PlanRevision.id)
                .where(PlanRevision.family_id == world.family_a.id)
                .order_by(PlanRevision.at.desc(), PlanRevision.id.desc())
            )
            return [str(i) for i in db.session.scalars(stmt)]

    @staticmethod
    def _shown(client, world, query="") -> tuple[list[str], str]:
        import re

        response = client.get(plan_url(world, f"/history{query}"))
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        return re.findall(r"/plan/history/([0-9a-f-]{36})", page), page

    def test_the_latest_ten_then_older_ones_a_page_at_a_time(self, app, client, world, login):
        versions = self._grow(app, world)
        pages = -(-len(versions) // 10)
        login(world.parent_a)
        first, page = self._shown(client, world)
        assert first == versions[:10] and "Show older versions" in page and "Back to the newest" not in page
        assert "Sara A" in page
        second, page = self._shown(client, world, "?page=2")
        assert second == versions[10:20] and "Back to the newest" in page
        last, page = self._shown(client, world, f"?page={pages}")
        assert last == versions[(pages - 1) * 10 :] and "Show older versions" not in page

    @pytest.mark.parametrize("odd", ["abc", "-1", "0", "x" * 1000])
    def test_odd_page_numbers_show_the_first_page(self, app, client, world, login, odd):
        versions = self._grow(app, world)
        login(world.consultant_a)
        assert self._shown(client, world, f"?page={odd}")[0] == versions[:10]

    @pytest.mark.parametrize("far", ["99999", "9" * 40])
    def test_a_page_past_the_end_shows_the_last_page(self, app, client, world, login, far):
        versions = self._grow(app, world)
        login(world.parent_a)
        shown, page = self._shown(client, world, f"?page={far}")
        assert shown == versions[-(len(versions) % 10 or 10) :] and "Show older versions" not in page

    def test_a_version_by_a_former_consultant_keeps_their_name(self, app, client, world, login):
        from familyapp.families.models import Assignment

        with app.app_context():
            db.session.execute(Assignment.__table__.delete().where(Assignment.consultant_id == world.consultant_a.id))
            db.session.commit()
        login(world.parent_a)
        assert "Mette A" in self._shown(client, world)[1]
