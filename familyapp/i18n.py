"""Language: the user's saved choice, then the browser's, then Danish; the words for stored choices (labeller),
and where to go back to after a form (safe_next). The switch itself is in ``language.py``."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from babel import dates as babel_dates
from babel.support import Translations
from flask import Flask, current_app, g, request, session
from flask_babel import format_date, format_datetime, get_locale, get_translations, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

#: The registry of the languages the app speaks (translations/languages.toml).
REGISTRY = Path(__file__).resolve().parent / "translations" / "languages.toml"


@dataclass(frozen=True)
class Language:
    """A language the app speaks: its code, its own name for itself, its direction, and whether a native speaker
    has reviewed its catalogue (until then it is called machine-translated, and binding texts show the Danish)."""

    code: str
    name: str
    rtl: bool = False
    reviewed: bool = False


@cache
def known() -> dict[str, Language]:
    """Every language with a catalogue, in the menu's order."""
    with REGISTRY.open("rb") as f:
        return {code: Language(code, **fields) for code, fields in tomllib.load(f).items()}


def offered(setting: str | None = None) -> list[Language]:
    """The languages offered here: the installation's (``LANGUAGES``), narrowed to a municipality's choice
    (``setting``: its codes, comma-separated; empty offers them all). Danish is always offered."""
    configured = current_app.config["LANGUAGES"]
    chosen = set(setting.split(",")) if setting else set(configured)
    chosen.add(current_app.config["BABEL_DEFAULT_LOCALE"])
    return [language for code, language in known().items() if code in configured and code in chosen]


def offered_here() -> list[Language]:
    """The languages offered to this request: its municipality's (loaded with the session row), or every
    configured one to a visitor."""
    return offered(getattr(session, "languages", None))


def select_locale() -> str:
    """Pick the language for this request: the person's own, then this browser's choice, then the browser's
    languages, among those offered here; else Danish. A person whose language the municipality no longer offers
    reads Danish, and the page says why (``g.language_gone``)."""
    codes = [language.code for language in offered_here()]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    own = current_user.language if current_user and current_user.is_authenticated else None
    if own in codes:
        return own
    if own in known():
        g.language_gone = known()[own]
        return default
    if session.get("language") in codes:
        return session["language"]
    return request.accept_languages.best_match(codes) or default


def machine_translated(code: str) -> bool:
    """True for a language of the app no native speaker has reviewed yet: binding texts (consent texts,
    questionnaire items) are shown, and kept, with the Danish beside them."""
    language = known().get(code)
    return language is not None and not language.reviewed


def _skeleton(pattern: str) -> tuple[str, str]:
    """The fields of a Danish date pattern ("EEEE d. MMMM y 'kl.' HH:mm") as CLDR skeletons: (date, time)."""
    letters = re.sub(r"'[^']*'|[^A-Za-z]", "", pattern)
    month = next((m for m in ("MMMM", "MMM", "M") if m in letters.replace("L", "M")), "")
    day = ("EEEE" if "E" in letters else "") + ("d" if "d" in letters else "")
    date = ("y" if "y" in letters else "") + month + day
    return date, ("H" if "H" in letters else "") + ("m" if "m" in letters else "")


def when(value, pattern: str, *, with_time: bool) -> str:
    """A date (or a date and time) in the reader's language. Danish as the pattern writes it ("d. MMMM y 'kl.'
    HH:mm"); another language with the same fields in its own words and order (CLDR's skeletons), never with
    the Danish "kl."; the named styles ("long", "medium") as Babel has them in every language."""
    locale = get_locale()
    if value is None:
        return ""
    if str(locale) == "da" or pattern in ("short", "medium", "long", "full"):
        return format_datetime(value, pattern) if with_time else format_date(value, pattern)
    if with_time:
        value = to_user_timezone(value)
    date, time = _skeleton(pattern)
    parts = [babel_dates.format_skeleton(part, value, locale=locale) if part else "" for part in (date, time)]
    if parts[0] and parts[1]:
        return str(locale.datetime_formats["long"]).format(parts[1], parts[0])
    return parts[0] or parts[1]


def N_(text: str) -> str:  # noqa: N802 - the name Babel's extractor knows
    """Mark a text for the catalogues without translating it here (it is said in another language later)."""
    return text


#: Beside a language no native speaker has reviewed yet, in that language (the language menu).
MACHINE_TRANSLATED = N_("machine-translated – we are working on it")


@cache
def _catalogue(code: str) -> Translations:
    return Translations.load(str(REGISTRY.parent), [code])


def words_in(code: str) -> Callable[[str], str]:
    """gettext in a given language, whatever the page's (a language's own name for "machine-translated" in the
    language menu; the notice to a person whose language is gone, in that language)."""
    return _catalogue(code).ugettext


def _translations():
    """This request's catalogue, found once per request and language rather than on every word of a page.

    Flask-Babel looks the catalogue up through several context lookups for each ``_()`` in a template (a caseload
    or a home page says a few hundred words). The locale object is kept beside it: ``force_locale`` (a notice
    written in its reader's language) sets another one, and the next word then looks its own catalogue up.
    """
    babel_ctx = g.get("_flask_babel")
    locale = getattr(babel_ctx, "babel_locale", None)
    if locale is None:
        return get_translations()  # the locale is not chosen yet: Flask-Babel chooses it now
    found = getattr(babel_ctx, "words_of", None)
    if found is None or found[0] is not locale:
        found = (locale, get_translations())
        babel_ctx.words_of = found
    return found[1]


def install_template_words(app: Flask) -> None:
    """Templates translate through ``_translations`` (the same catalogues and rules as Flask-Babel's own)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )


def safe_next(target: str | None, fallback: str) -> str:
    """Only follow a same-site absolute path; anything else goes to the fallback (ASVS 3.7.2).

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so ``/\t/evil.example``
    would become ``//evil.example``: any such character disqualifies the target.
    """
    if not target or not target.startswith("/") or len(target) > 2000:
        return fallback
    if any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return fallback
    return target


def labeller(labels: dict) -> Callable[[object], str]:
    """A function that says a stored choice in the reader's language, from a feature's labels
    (``{Enum.X: _l("...")}`` in its ``labels.py``): ``meeting_type = labeller(MEETING_TYPES)``.

    The function takes the enum member or its stored value (kept versions and the family's data export keep values);
    a value the labels do not know is said as it is.
    """
    kind = type(next(iter(labels)))

    def say(value) -> str:
        try:
            key = kind(value)
        except ValueError:
            return str(value)
        return str(labels.get(key, value))

    return say


__all__ = ["_", "_l", "install_template_words", "labeller", "select_locale", "safe_next"]
