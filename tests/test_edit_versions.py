"""Every edit form needs the version it was opened on: a post without one (a hand-made post, a page from before
the field existed) is the form's own conflict answer (409, what was typed kept), never a silent overwrite."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from familyapp import db
from familyapp.families.models import Family
from familyapp.meetings.models import Meeting
from familyapp.plans.models import Agreement, Goal, Plan
from tests.meetings.test_views import form as meeting_form


@dataclass
class Edit:
    """One edit form: where it is, what is typed into it, and the stored value that must stay as it was."""

    url: str
    typed: dict
    stored: object  # a callable giving the stored value now


def _edits(world) -> dict[str, Edit]:
    fid = world.family_a.id
    goal = db.session.scalar(select(Goal).where(Goal.family_id == fid))
    agreement = db.session.scalar(select(Agreement).where(Agreement.family_id == fid))
    meeting = db.session.scalar(select(Meeting).where(Meeting.family_id == fid))
    plan = db.session.scalar(select(Plan).where(Plan.family_id == fid))
    goal_data = {"title": "Skrevet titel", "term": "short", "person": "", "status": "red", "private_note": ""}
    who = f"member:{world.parent_a.person_id}"
    return {
        "plan words": Edit(
            f"/families/{fid}/plan/words",
            {"dreams": "Skrevne drømme", "works": "", "worries": ""},
            lambda: db.session.get(Plan, plan.id).dreams,
        ),
        "goal": Edit(f"/families/{fid}/plan/goals/{goal.id}", goal_data, lambda: db.session.get(Goal, goal.id).title),
        "agreement": Edit(
            f"/families/{fid}/plan/agreements/{agreement.id}",
            {"what": "Skrevet aftale", "who": who, "due": ""},
            lambda: db.session.get(Agreement, agreement.id).what,
        ),
        "meeting": Edit(
            f"/families/{fid}/meetings/{meeting.id}/edit",
            meeting_form(date(2027, 3, 1), place="Skrevet sted"),
            lambda: db.session.get(Meeting, meeting.id).place,
        ),
        "referat": Edit(
            f"/families/{fid}/meetings/{meeting.id}/referat",
            {"minutes": "Skrevet referat", "decisions": "", "next_step": ""},
            lambda: db.session.get(Meeting, meeting.id).minutes,
        ),
    }


EDITS = ["plan words", "goal", "agreement", "meeting", "referat"]


@pytest.mark.parametrize("name", EDITS)
@pytest.mark.parametrize("version", [None, "", "abc"], ids=["missing", "empty", "not-a-number"])
def test_a_post_without_its_version_is_a_conflict(client, world, login, name, version):
    login(world.consultant_a)
    edit = _edits(world)[name]
    assert 'name="version" type="hidden"' in client.get(edit.url).get_data(as_text=True)
    before = edit.stored()
    data = dict(edit.typed) if version is None else {**edit.typed, "version": version}
    response = client.post(edit.url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else" in page
    typed = next(v for v in edit.typed.values() if str(v).startswith("Skrev"))
    assert typed in page  # what was typed is kept
    assert edit.stored() == before  # nothing overwritten


@pytest.mark.parametrize("name", EDITS)
def test_after_the_conflict_the_form_carries_the_current_version_and_saves(client, world, login, name):
    login(world.consultant_a)
    edit = _edits(world)[name]
    page = client.post(edit.url, data=edit.typed).get_data(as_text=True)
    current = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    response = client.post(edit.url, data={**edit.typed, "version": current})
    assert response.status_code == 302
    assert edit.stored().startswith("Skrev")


def test_an_empty_post_overwrites_nothing(client, world, login):
    """Flask-WTF reads no form at all from an empty post and falls back to the stored values; still a conflict."""
    login(world.consultant_a)
    edit = _edits(world)["plan words"]
    before = db.session.scalar(select(Plan).where(Plan.family_id == world.family_a.id)).version
    assert client.post(edit.url).status_code == 409
    assert db.session.scalar(select(Plan).where(Plan.family_id == world.family_a.id)).version == before


def test_the_first_words_of_a_blank_plan_need_version_0(client, world, login):
    family = db.session.get(Family, world.family_a.id)
    db.session.delete(db.session.scalar(select(Plan).where(Plan.family_id == family.id)))
    db.session.commit()
    login(world.parent_a)
    url = f"/families/{family.id}/plan/words"
    assert 'name="version" type="hidden" value="0"' in client.get(url).get_data(as_text=True)
    words = {"dreams": "Skrevne drømme", "works": "", "worries": ""}
    assert client.post(url, data=words).status_code == 409
    assert client.post(url, data={**words, "version": "0"}).status_code == 302


@pytest.mark.parametrize("name", EDITS)
def test_a_stale_version_shows_both_versions(client, world, login, name):
    """Two people open the same form; the second to save gets the conflict page: their own text in the form, the
    first one's under "The current version", one alert to focus, and nothing overwritten."""
    login(world.consultant_a)
    edit = _edits(world)[name]
    opened = client.get(edit.url).get_data(as_text=True)
    version = opened.split('name="version" type="hidden" value="')[1].split('"')[0]
    key = next(k for k, v in edit.typed.items() if str(v).startswith("Skrev"))
    first, second = f"Først gemt {name}", f"Sidst skrevet {name}"
    assert client.post(edit.url, data={**edit.typed, key: first, "version": version}).status_code == 302
    response = client.post(edit.url, data={**edit.typed, key: second, "version": version})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    form_part, _sep, current = page.partition('aria-labelledby="current-h"')
    assert second in form_part and second not in current
    assert first in current
    assert page.count("data-autofocus") == 1
    assert edit.stored() == first
