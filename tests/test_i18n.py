"""Danish by default, English complete, the chosen language used (the switch itself: test_language.py)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[1] / "familyapp" / "translations"


def _catalog(lang):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f)


def test_every_catalogue_is_complete_and_matches_the_template():
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    for lang in ("da", "en"):
        catalog = _catalog(lang)
        ids = {m.id for m in catalog if m.id}
        assert ids == template, f"{lang}: run `flask translate update`"
        missing = [m.id for m in catalog if m.id and not m.string]
        assert missing == [], f"{lang} has untranslated messages"
        assert not [m.id for m in catalog if m.id and m.fuzzy], f"{lang} has fuzzy messages"


def test_catalogues_check_clean():
    """Placeholders in translations match the source (Babel's own checkers)."""
    for lang in ("da", "en"):
        problems = [(m.id, errs) for m, errs in _catalog(lang).check() if errs]
        assert problems == []


def test_danish_is_the_default(app, db_session):
    page = app.test_client().get("/auth/login").get_data(as_text=True)
    assert '<html lang="da">' in page and "Log ind med adgangsnøgle" in page


def test_browser_language_is_used(app, db_session):
    page = app.test_client().get("/auth/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in with passkey" in page


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
