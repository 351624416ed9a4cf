"""Optimistic locking (familyapp/locking.py): the version check, saving once or rolling back on a conflict, and the
edit form's page with its status. The five forms that use it are driven through the client in test_edit_versions."""

from __future__ import annotations

import types

import pytest
from sqlalchemy import select, update

from familyapp import db, locking
from familyapp.plans.forms import WordsForm
from familyapp.plans.models import Plan


def _plan(world) -> Plan:
    return db.session.scalar(select(Plan).where(Plan.family_id == world.family_a.id))


class TestCheckVersion:
    @pytest.mark.parametrize("version", [1, 7])
    def test_the_current_version_passes(self, version):
        locking.check_version(types.SimpleNamespace(version=version), version)

    @pytest.mark.parametrize("shown, stored", [(None, 1), (None, 0), (1, 2), (3, 2), (0, 1)])
    def test_another_or_no_version_is_a_conflict(self, shown, stored):
        with pytest.raises(locking.Conflict):
            locking.check_version(types.SimpleNamespace(version=stored), shown)


class TestSave:
    def test_a_save_commits(self, ctx, world):
        plan = _plan(world)
        assert locking.save(lambda: setattr(plan, "dreams", "Gemt")) is True
        db.session.rollback()  # only what was not committed goes
        assert _plan(world).dreams == "Gemt"

    def test_a_conflict_rolls_back_and_says_so(self, ctx, world):
        plan = _plan(world)
        before = plan.dreams

        def act():
            plan.dreams = "Aldrig gemt"
            db.session.flush()
            raise locking.Conflict()

        assert locking.save(act) is False
        assert _plan(world).dreams == before

    def test_a_row_changed_under_the_flush_is_a_conflict(self, ctx, world):
        plan = _plan(world)
        before = plan.version
        # Someone else saves in between: the row's version moves on behind this session's back.
        db.session.execute(
            update(Plan)
            .where(Plan.id == plan.id)
            .values(version=before + 1)
            .execution_options(synchronize_session=False)
        )

        def act():
            plan.dreams = "Overskriver ikke"
            db.session.flush()

        assert locking.save(act) is False
        assert _plan(world).dreams != "Overskriver ikke"

    def test_other_errors_are_not_swallowed(self, ctx, world):
        def act():
            raise ValueError("not a conflict")

        with pytest.raises(ValueError):
            locking.save(act)


class TestEditPage:
    @pytest.fixture()
    def rendered(self, monkeypatch):
        calls = []
        monkeypatch.setattr(locking, "render_template", lambda name, **context: calls.append((name, context)) or name)
        return calls

    def _form(self, app, data):
        with app.test_request_context(method="POST", data=data):
            form = WordsForm()
            form.validate()
            return form

    def test_a_conflict_is_409_with_the_typed_text_and_the_current_version(self, app, rendered):
        form = self._form(app, {"dreams": "Skrevet", "version": "3"})
        current = types.SimpleNamespace(version=5)
        page, status = locking.edit_page("plans/words.html", form, current, plan=current)
        assert (page, status) == ("plans/words.html", 409)
        name, context = rendered[0]
        assert context["conflict"] is True and context["plan"] is current and context["form"] is form
        assert form.dreams.data == "Skrevet"
        assert form.version.data == 5 and 'value="5"' in form.version()

    def test_without_a_conflict_the_status_follows_the_form(self, app, rendered):
        ok = self._form(app, {"dreams": "Fint", "version": "1"})
        too_long = self._form(app, {"dreams": "x" * 100_000, "version": "1"})
        refused = self._form(app, {"dreams": "Fint", "version": "1"})
        refused.form_errors.append("Refused by the service")
        assert locking.edit_page("t.html", ok)[1] == 200
        assert locking.edit_page("t.html", too_long)[1] == 400
        assert locking.edit_page("t.html", refused)[1] == 400
        assert all(context["conflict"] is False for _name, context in rendered)
        assert ok.version.data == 1
