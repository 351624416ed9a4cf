"""Scale definitions as data: the shipped ones are valid, a wrong file is refused with the exact reason, and the
CLI validates, loads and puts a municipality's version in use."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import select

from familyapp import db
from familyapp.scales import definitions
from familyapp.scales.definitions import DefinitionError
from familyapp.scales.models import ScaleDefinition
from familyapp.scales.services import sync_shipped
from familyapp.textdata import LANGUAGES

SHIPPED = {d["key"]: d for d in definitions.shipped()}


def test_every_shipped_definition_is_valid_and_in_both_languages():
    assert set(SHIPPED) == {
        "wellbeing-adult",
        "wellbeing-child",
        "alliance-adult",
        "alliance-child",
        "progression-wheel",
        "functioning-parent",
        "functioning-professional",
        "functioning-young",
    }
    for data in SHIPPED.values():
        d = definitions.validate(data)
        assert d.title["da"] and d.title["en"] and all(i.label["da"] and i.label["en"] for i in d.items)
    fit = definitions.validate(SHIPPED["wellbeing-adult"])
    assert len(fit.items) == 4 and fit.total_range == (0, 40) and fit.cutoff == 25
    assert fit.scoring["reliable_change"] == 5 and all(i.step == 0.1 for i in fit.items)
    assert definitions.validate(SHIPPED["wellbeing-child"]).cutoff == 32
    assert definitions.validate(SHIPPED["wellbeing-child"]).faces
    assert definitions.validate(SHIPPED["alliance-adult"]).cutoff == 36


def broken(change) -> dict:
    data = copy.deepcopy(SHIPPED["wellbeing-adult"])
    change(data)
    return data


CASES = [
    (lambda d: d.update(colour="red"), "unknown field 'colour'"),
    (lambda d: d["items"][1].update(weight=2), "items[1]: unknown field 'weight'"),
    (lambda d: d["items"][0].update(min=10, max=0), "items[0]: 'min' (10) must be below 'max' (0)"),
    (lambda d: d["items"][2].update(step=0.3), "items[2]: a vas item has steps of 0.1 (or 1)"),
    (lambda d: d["items"][2].update(type="slider"), "items[2]: 'type' must be one of vas, scale, likert"),
    (lambda d: d["scoring"].update(cutoff=41), "scoring: 'cutoff' is 41, outside 0-40"),
    (lambda d: d["scoring"].pop("reliable_change"), "scoring: the alert 'reliable_change' needs 'reliable_change'"),
    (lambda d: d["title"].pop("en"), "missing translation 'en' in 'title'"),
    (lambda d: d["items"][3]["label"].update(en=" "), "items[3]: missing translation 'en' in 'label'"),
    (lambda d: d["items"][3]["label"].update(de="Alles"), "items[3].label: unknown field 'de'"),
    (lambda d: d.update(min_age=20, max_age=10), "'min_age' (20) is above 'max_age' (10)"),
    (lambda d: d["items"][1].update(key="me"), "items[1]: the key 'me' is used twice"),
    (lambda d: d["schedule"].update(hours_before=1000), "schedule: 'hours_before' is 1000, outside 1-336"),
    (lambda d: d["schedule"].update(anchor="sometimes"), "schedule: 'anchor' must be one of"),
    (lambda d: d.update(purpose="mood"), "'purpose' must be one of"),
    (lambda d: d["items"][0].update(type="likert", step=1, min=1, max=5), "items[0]: a likert item needs"),
    (lambda d: d.update(version="2"), "'version' must be a whole number"),
    (
        lambda d: (
            d["schedule"].update(anchor="every_months", months=3, window_days=7) or d["schedule"].pop("hours_before")
        ),
        "schedule: a wellbeing scale has the anchor 'before_meeting'",
    ),
    (lambda d: d["items"][0].update(low={"da": "x"}), "items[0]: missing translation 'en' in 'low'"),
]


@pytest.mark.parametrize(("change", "reason"), CASES, ids=[r for _c, r in CASES])
def test_a_wrong_definition_is_refused_with_the_exact_reason(change, reason):
    with pytest.raises(DefinitionError) as caught:
        definitions.validate(broken(change))
    assert any(r.startswith(reason) for r in caught.value.reasons), caught.value.reasons


def test_every_problem_is_reported_at_once():
    def many(d):
        d.update(colour="red")
        d["title"].pop("da")
        d["scoring"].update(cutoff=-1)

    with pytest.raises(DefinitionError) as caught:
        definitions.validate(broken(many))
    assert len(caught.value.reasons) >= 2


@pytest.mark.parametrize("bad", ["abc", float("inf"), float("nan"), 10**9])
def test_a_likert_item_with_a_wrong_range_is_refused_not_crashed(bad):
    data = copy.deepcopy(SHIPPED["functioning-parent"])
    data["items"][0]["max"] = bad
    with pytest.raises(DefinitionError) as caught:
        definitions.validate(data)
    assert any(r.startswith("items[0]") for r in caught.value.reasons)


def test_texts_must_be_texts():
    import datetime

    data = copy.deepcopy(SHIPPED["functioning-parent"])
    data["items"][0]["low"] = datetime.date(2026, 1, 1)
    with pytest.raises(DefinitionError, match="'low' must have a text per language"):
        definitions.validate(data)


def test_likert_options_must_match_the_items():
    data = copy.deepcopy(SHIPPED["functioning-parent"])
    data["options"] = data["options"][:4]
    with pytest.raises(DefinitionError, match="the options' values must be"):
        definitions.validate(data)


def test_files_that_cannot_be_read(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("key = ")
    with pytest.raises(DefinitionError, match="bad.toml is not valid TOML"):
        definitions.read_file(bad)
    with pytest.raises(DefinitionError, match="cannot read"):
        definitions.read_file(tmp_path / "missing.toml")
    ok = tmp_path / "ors.json"
    ok.write_text(json.dumps(SHIPPED["alliance-adult"]))
    assert definitions.read_file(ok)["key"] == "alliance-adult"


def licensed(tmp_path, **changes):
    """A municipality's file: the official wording would go in the labels; here a new key and version."""
    data = copy.deepcopy(SHIPPED["wellbeing-adult"])
    data.update(key="ors-adult", version=1, **changes)
    data["items"][0]["label"] = {code: "Individuelt" for code in LANGUAGES} | {"en": "Individually"}
    path = tmp_path / "ors.json"
    path.write_text(json.dumps(data))
    return path


class TestCommandLine:
    def test_a_file_without_every_language_is_refused_naming_what_is_missing(self, runner, tmp_path):
        data = json.loads(licensed(tmp_path).read_text())
        data["items"][0]["label"] = {"da": "Individuelt", "en": "Individually"}
        path = tmp_path / "two-languages.json"
        path.write_text(json.dumps(data))
        result = runner.invoke(args=["scales", "load", str(path)])
        assert result.exit_code == 1
        assert "items[0]: missing translation 'ar' in 'label'" in result.output and "'pl'" in result.output
        assert db.session.scalar(select(ScaleDefinition).where(ScaleDefinition.key == "ors-adult")) is None

    def test_validate_says_what_is_wrong(self, runner, tmp_path):
        path = licensed(tmp_path, colour="red", min_age=200)
        result = runner.invoke(args=["scales", "validate", str(path)])
        assert result.exit_code == 1
        assert "unknown field 'colour'" in result.output and "'min_age' is 200, outside 0-120" in result.output
        good = licensed(tmp_path)
        result = runner.invoke(args=["scales", "validate", str(good)])
        assert result.exit_code == 0 and "ors-adult version 1 is valid." in result.output

    def test_load_and_activate_a_licensed_version(self, runner, tmp_path):
        path = licensed(tmp_path)
        result = runner.invoke(args=["scales", "load", str(path), "--activate"])
        assert result.exit_code == 0 and "put it in use" in result.output
        rows = {
            r.key: r for r in db.session.scalars(select(ScaleDefinition).where(ScaleDefinition.purpose == "wellbeing"))
        }
        assert rows["ors-adult"].active and rows["ors-adult"].source == "loaded"
        assert not rows["wellbeing-adult"].active and rows["wellbeing-child"].active  # other ages untouched
        again = runner.invoke(args=["scales", "load", str(path)])
        assert again.exit_code == 1 and "already loaded" in again.output
        listed = runner.invoke(args=["scales", "list"])
        assert "ors-adult v1 (loaded) in use" in listed.output

    def test_a_version_for_some_ages_leaves_the_others_their_scale(self, app, runner, tmp_path):
        from familyapp.scales import queries

        runner.invoke(args=["scales", "load", str(licensed(tmp_path, min_age=18)), "--activate"])
        with app.test_request_context():
            assert queries.pick("wellbeing", "self", 30).key == "ors-adult"
            assert queries.pick("wellbeing", "self", 15).key == "wellbeing-adult"  # 13-17 keep theirs
            assert queries.pick("wellbeing", "self", 9).key == "wellbeing-child"

    def test_loading_without_activate_changes_nothing_in_use(self, runner, tmp_path):
        runner.invoke(args=["scales", "load", str(licensed(tmp_path))])
        active = db.session.scalar(select(ScaleDefinition).where(ScaleDefinition.key == "wellbeing-adult"))
        assert active.active


def test_shipping_is_idempotent_and_a_new_version_takes_over(app, db_session, monkeypatch):
    with app.app_context():
        assert sync_shipped(db.session) == []  # the test database was synced when it was made
        newer = copy.deepcopy(SHIPPED["alliance-adult"])
        newer["version"] = 2
        monkeypatch.setattr(definitions, "shipped", lambda: [newer])
        assert sync_shipped(db.session) == ["alliance-adult v2"]
        rows = {
            r.version: r
            for r in db.session.scalars(select(ScaleDefinition).where(ScaleDefinition.key == "alliance-adult"))
        }
        assert rows[2].active and not rows[1].active
