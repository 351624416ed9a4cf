"""Reading a filled scale from a form. The items come from the definition (data), so this is not a WTForms class:
each item is ``item-<key>`` (a number, or an option's value) or ``skip-<key>`` ("I do not want to answer")."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from ..forms import BaseForm, long_text
from . import scoring
from .definitions import Definition


def _number(value: float, decimals: int) -> str:
    """A number as the reader writes it: 6,5 in Danish, 6.5 in English."""
    return format_decimal(value, format="#,##0." + "0" * decimals if decimals else "#,##0")


def read_answers(definition: Definition, form) -> tuple[dict, dict, dict]:
    """The answers in a submitted form, checked against the definition.

    :param form: the request's form data.
    :return: (answers: key -> value or None for "not answered", typed: key -> what was typed or chosen,
        errors: key -> message). Answers count only when there are no errors.
    """
    answers, typed, errors = {}, {}, {}
    for item in definition.items:
        raw = (form.get(f"item-{item.key}") or "").strip()[:20]
        typed[item.key] = raw
        if form.get(f"skip-{item.key}"):
            answers[item.key] = None
            typed[item.key] = ""
            continue
        low, high = (format_decimal(bound, format="#,##0.##") for bound in (item.min, item.max))
        if not raw:
            errors[item.key] = _("Answer, or tick “I do not want to answer”.")
            continue
        try:
            value = scoring.parse_value(raw)
        except ValueError:
            value = None
        if value is None or not scoring.check_value(definition, item.key, value):
            if item.type == "likert":
                errors[item.key] = _("Choose one of the answers.")
            elif item.decimals:
                example = _number(6.5, 1)
                errors[item.key] = _(
                    "Write a number from %(low)s to %(high)s, for example %(example)s.",
                    low=low,
                    high=high,
                    example=example,
                )
            else:
                errors[item.key] = _("Choose a whole number from %(low)s to %(high)s.", low=low, high=high)
            continue
        answers[item.key] = round(value, item.decimals)
    return answers, typed, errors


def from_draft(definition: Definition, pending: dict | None) -> tuple[dict, set]:
    """What a saved draft put in the form: typed values and the items marked "I do not want to answer"."""
    pending = pending or {}
    keys = {i.key for i in definition.items}
    values = {k: str(v)[:20] for k, v in (pending.get("values") or {}).items() if k in keys and v is not None}
    skips = {k for k in pending.get("skips") or [] if k in keys}
    return values, skips


def shown(definition: Definition, answers: dict) -> dict:
    """A sent answer's values as written on the page ("not answered" for None)."""
    decimals = {i.key: i.decimals for i in definition.items}
    return {k: (None if v is None else _number(v, decimals.get(k, 1))) for k, v in (answers or {}).items()}


class DiscussedForm(BaseForm):
    """The consultant marks an answer as talked through, with an optional note for the consultants."""

    note = long_text(_l("Note for the consultants"), 2000, _l("Optional. The family does not see it."))


class AllianceForm(BaseForm):
    show = BooleanField(_l("Show me my answers about how we work together"))
