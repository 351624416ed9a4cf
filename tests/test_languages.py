"""Nine languages (issue 15): the language menu offers the municipality's languages, each in its own words (a
machine translation says so in that language); right to left where the language is; a person whose language the
municipality no longer offers reads Danish with a notice; odd codes fall back; binding texts in an unreviewed
language show the Danish beside them; the consultant records who needs an interpreter."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from familyapp import db, textdata
from familyapp.audit import AuditEvent
from familyapp.auth.models import User
from familyapp.families.models import Person
from familyapp.i18n import MACHINE_TRANSLATED, when, words_in
from familyapp.tenancy import Municipality
from tests.scales.test_views import meeting_in


def _offer(world, languages: str | None) -> None:
    db.session.get(Municipality, world.parent_a.municipality_id).languages = languages
    db.session.commit()


def test_the_menu_offers_every_language_in_its_own_words(client, world, login):
    login(world.parent_a)
    page = client.get(f"/language?next=/families/{world.family_a.id}/").get_data(as_text=True)
    for name in ("Dansk", "English", "العربية", "فارسی", "اردو", "Українська", "Soomaali", "Türkçe", "Polski"):
        assert name in page
    # Unreviewed: said in the language itself, so its reader understands it; never for Danish or English.
    in_ukrainian = words_in("uk")(MACHINE_TRANSLATED)
    assert in_ukrainian != MACHINE_TRANSLATED and in_ukrainian in page.split("Українська")[1][:300]
    assert "maskinoversat" not in page and MACHINE_TRANSLATED not in page
    assert 'value="ar" lang="ar" dir="rtl"' in page
    assert f'name="next" value="/families/{world.family_a.id}/"' in page


def test_arabic_is_right_to_left_and_kept_on_the_login(client, world, login):
    login(world.parent_a)
    client.post("/language", data={"language": "ar"})
    page = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert db.session.get(User, world.parent_a.id).language == "ar"


def test_a_municipality_offers_fewer_languages(client, world, login):
    _offer(world, "da,en,uk")
    login(world.parent_a)
    page = client.get("/language").get_data(as_text=True)
    assert "Українська" in page and "العربية" not in page
    client.post("/language", data={"language": "ar"})  # not offered here: nothing changes
    assert db.session.get(User, world.parent_a.id).language != "ar"


def test_a_language_no_longer_offered_falls_back_to_danish_with_a_notice(client, world, login):
    db.session.get(User, world.parent_a.id).language = "uk"
    db.session.commit()
    _offer(world, "da,en")
    login(world.parent_a)
    page = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
    assert '<html lang="da" dir="ltr">' in page
    assert "Din kommune tilbyder ikke længere appen på Українська" in page
    assert 'lang="uk"' in page  # the notice in the person's own language too


def test_odd_language_codes_fall_back(client, world, login):
    anonymous = client.application.test_client()
    for header in ("xx-YY", "'; DROP", "ar-EG;q=abc", "*"):
        response = anonymous.get("/auth/login", headers={"Accept-Language": header})
        assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in anonymous.get("/auth/login", headers={"Accept-Language": "ar-EG"}).get_data(
        as_text=True
    )
    anonymous.post("/language", data={"language": "../../etc"})
    assert '<html lang="da"' in anonymous.get("/auth/login", headers={"Accept-Language": "xx"}).get_data(as_text=True)


def test_an_unreviewed_language_shows_the_danish_beside_the_items(client, world, login):
    meeting = meeting_in(world, 30)
    login(world.parent_a)
    client.post("/language", data={"language": "uk"})
    page = client.get(f"/families/{world.family_a.id}/scales/fill/wellbeing.m.{meeting.id}").get_data(as_text=True)
    assert '<html lang="uk" dir="ltr">' in page
    assert "Мене самого" in page or "Я сам" in page or page.count('class="danish-beside"') >= 4
    assert page.count('class="danish-beside" lang="da"') >= 4  # each item, and the introduction
    assert "Mig selv: hvordan jeg har haft det" in page
    client.post("/language", data={"language": "en"})  # reviewed: no Danish beside
    page = client.get(f"/families/{world.family_a.id}/scales/fill/wellbeing.m.{meeting.id}").get_data(as_text=True)
    assert "danish-beside" not in page


def test_the_consultant_records_who_needs_an_interpreter(client, world, login):
    person = db.session.get(Person, world.parent_a.person_id)
    db.session.get(User, world.parent_a.id).language = "ar"
    db.session.commit()
    login(world.consultant_a)
    people = f"/families/{world.family_a.id}/people"
    page = client.get(people).get_data(as_text=True)
    assert '<span lang="ar">العربية</span>' in page
    response = client.post(f"{people}/{person.id}/interpreter", data={"interpreter": "yes"})
    assert response.status_code == 302
    assert db.session.get(Person, person.id).interpreter is True
    page = client.get(people).get_data(as_text=True)
    assert '<option value="yes" selected>Needs an interpreter</option>' in page
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "family.interpreter_changed")).all()
    assert [e.data for e in events] == [{"interpreter": True}]
    client.post(f"{people}/{person.id}/interpreter", data={"interpreter": "maybe"})  # bad input: nothing changes
    assert db.session.get(Person, person.id).interpreter is True


def test_the_admin_chooses_the_languages(client, world, login):
    login(world.admin)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Languages offered" in page and re.search(r'<input checked[^>]*value="uk">', page)
    data = {"municipality-languages": ["da", "en", "uk"], "municipality-cadence_support": ""}
    data["municipality-cadence_investigation"] = ""
    assert client.post("/admin/municipality", data=data).status_code == 302
    assert db.session.get(Municipality, world.admin.municipality_id).languages == "da,en,uk"
    data["municipality-languages"] = ["en"]  # Danish is always offered
    client.post("/admin/municipality", data=data)
    assert db.session.get(Municipality, world.admin.municipality_id).languages == "da,en"
    data["municipality-languages"] = ["da", "en", "ar", "fa", "ur", "uk", "so", "tr", "pl"]
    client.post("/admin/municipality", data=data)
    assert db.session.get(Municipality, world.admin.municipality_id).languages is None  # all: new ones come too


def test_a_kept_version_gains_new_languages_but_never_new_wording():
    stored = {
        "key": "x",
        "version": 1,
        "title": {"da": "Hej", "en": "Hi"},
        "items": [{"label": {"da": "A", "en": "A"}}],
    }
    shipped = {**stored, "title": {"da": "Hej", "en": "Hi", "ar": "مرحبا"}}
    shipped["items"] = [{"label": {"da": "A", "en": "A", "uk": "А"}}]
    merged = textdata.with_new_languages(stored, shipped)
    assert merged["title"] == {"da": "Hej", "en": "Hi", "ar": "مرحبا"} and merged["items"][0]["label"]["uk"] == "А"
    changed = {**shipped, "title": {"da": "Goddag", "en": "Hi", "ar": "مرحبا"}}
    assert textdata.with_new_languages(stored, changed) is None
    assert textdata.with_new_languages(stored, {**shipped, "months": 6}) is None


@pytest.mark.parametrize(
    "locale, expected",
    [
        ("da", "onsdag 9. december 2026 kl. 13:00"),
        ("en", "Wed, December 9, 2026, 13:00"),
        ("uk", "ср, 9 грудня 2026\u202fр., 13:00"),
        ("ar", "الأربعاء، 9 ديسمبر 2026، 13:00"),
    ],
)
def test_dates_are_said_the_way_each_language_says_them(app, locale, expected):
    """A Danish pattern ("kl.") is the reader's language's own order and words elsewhere, in Danish time."""
    from flask_babel import force_locale

    moment = datetime(2026, 12, 9, 12, 0, tzinfo=UTC)  # 13:00 in Copenhagen
    with app.test_request_context("/"), force_locale(locale):
        assert when(moment, "EEEE d. MMMM y 'kl.' HH:mm", with_time=True) == expected
        assert "kl." not in when(moment, "d. MMMM 'kl.' HH:mm", with_time=True) or locale == "da"


def test_a_reader_in_another_language_is_told_the_plan_stays_in_its_own_words(client, world, login):
    login(world.parent_a)
    plan = f"/families/{world.family_a.id}/plan"
    assert "data-written-in" not in client.get(plan, headers={"Accept-Language": "da"}).get_data(as_text=True)
    client.post("/language", data={"language": "pl"})
    page = client.get(plan).get_data(as_text=True)
    assert "data-written-in" in page and '<html lang="pl" dir="ltr">' in page


def test_the_language_chosen_while_activating_becomes_the_persons(app, world):
    from flask import session

    from familyapp.signin.views import _keep_language

    user = db.session.get(User, world.parent_b.id)
    with app.test_request_context("/auth/activate/register"):
        session["language"] = "tr"
        _keep_language(user)
        assert user.language == "tr"
        session["language"] = "pl"  # one already chosen stays
        _keep_language(user)
        assert user.language == "tr"


def test_the_activation_page_offers_the_language_menu(client, world):
    page = client.get("/language?next=/auth/activate/register").get_data(as_text=True)
    assert 'name="next" value="/auth/activate/register"' in page
