"""Forms for the årshjul. The month choices (the shown months) and the meeting choices are set by the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import DataRequired

from ..forms import BaseForm, long_text, required_text

TITLE_MAX = 200
PURPOSE_MAX = 1000


def _month_field(label):
    return SelectField(label, choices=[], validators=[DataRequired(message=_l("Choose a month."))])


def parse_month(value: str) -> tuple[int, int]:
    """``"2026-03"`` to ``(2026, 3)``; only called on a value the month choices accepted."""
    year, month = value.split("-")
    return int(year), int(month)


class ActivityForm(BaseForm):
    month = _month_field(_l("Month"))
    title = required_text(_l("What will happen"), _l("Write what will happen."), max_length=TITLE_MAX)
    purpose = long_text(_l("Why"), PURPOSE_MAX, _l("Optional. In plain words, so the family knows what to expect."))


class MoveForm(BaseForm):
    month = _month_field(_l("Move to"))


class LinkForm(BaseForm):
    #: Not checked against choices here: the view loads the meeting within the family, so a foreign id is a 404.
    meeting = SelectField(_l("Meeting"), choices=[], validate_choice=False)
