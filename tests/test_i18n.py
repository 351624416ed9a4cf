"""Danish by default, every language's catalogue complete (every message, every plural form, the same placeholders),
the chosen language used, right to left where the language is (the switch itself: test_language.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from familyapp.i18n import known

TRANSLATIONS = Path(__file__).resolve().parents[1] / "familyapp" / "translations"


def _catalog(lang):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f)


LANGUAGES = list(known())
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdif]")


def test_the_registry_names_every_catalogue_and_nothing_else():
    folders = {p.name for p in TRANSLATIONS.iterdir() if p.is_dir()}
    assert folders == set(LANGUAGES)
    assert {code for code, language in known().items() if language.rtl} == {"ar", "fa", "ur"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogue_is_complete_and_matches_the_template(lang):
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    catalog = _catalog(lang)
    ids = {m.id for m in catalog if m.id}
    assert ids == template, f"{lang}: run `flask translate update`"
    missing = [m.id for m in catalog if m.id and not all(m.string if m.pluralizable else [m.string])]
    assert missing == [], f"{lang} has untranslated messages"
    short = [m.id for m in catalog if m.id and m.pluralizable and len(m.string) != catalog.num_plurals]
    assert short == [], f"{lang} lacks plural forms"
    assert not [m.id for m in catalog if m.id and m.fuzzy], f"{lang} has fuzzy messages"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogues_check_clean(lang):
    """Placeholders in translations match the source: Babel's own checkers, and every named placeholder of the
    source kept (a plural's form for one may leave out the number itself)."""
    catalog = _catalog(lang)
    problems = [(m.id, errs) for m, errs in catalog.check() if errs]
    assert problems == []
    for m in catalog:
        if not m.id:
            continue
        source = set(PLACEHOLDER.findall(m.id[-1] if m.pluralizable else m.id))
        for text in m.string if m.pluralizable else [m.string]:
            found = set(PLACEHOLDER.findall(text))
            assert found <= source | set(PLACEHOLDER.findall(m.id[0] if m.pluralizable else m.id)), (lang, m.id, text)
            if not m.pluralizable:
                assert found == source, (lang, m.id, text)


def test_danish_is_the_default(app, db_session):
    page = app.test_client().get("/auth/login").get_data(as_text=True)
    assert '<html lang="da" dir="ltr">' in page and "Log ind med adgangsnøgle" in page


def test_browser_language_is_used(app, db_session):
    page = app.test_client().get("/auth/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page and "Sign in with passkey" in page


def test_family_home_in_both_languages(client, world, login):
    login(world.parent_a)
    for lang, greeting, nav in (("da", "Hej, Sara", "Årshjul"), ("en", "Hello, Sara", "Year wheel")):
        client.post("/language", data={"language": lang})
        page = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
        assert greeting in page and nav in page


def test_template_words_follow_a_forced_language_within_one_request(app, db_session):
    """Templates find the catalogue once per request, yet a notice written in its reader's language (force_locale)
    gets that language's words, and the request's own language is back afterwards."""
    from flask import render_template_string
    from flask_babel import force_locale

    page = "{{ _('Saved.') }}"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        before = render_template_string(page)
        with force_locale("da"):
            forced = render_template_string(page)
        after = render_template_string(page)
    assert (before, forced, after) == ("Saved.", "Gemt.", "Saved.")
