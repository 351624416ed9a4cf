"""Form pieces shared by every feature: required text fields that trim, with plain translated messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length


def strip(value):
    """A filter: surrounding spaces are dropped, so a blank answer counts as missing."""
    return value.strip() if isinstance(value, str) else value


def required_text(label, missing, *, max_length: int = 100, description=None) -> StringField:
    """A required text field: surrounding spaces are dropped, so a blank answer counts as missing.

    :param label: the field's lazy-translated label.
    :param missing: the lazy-translated message when nothing was written.
    :param max_length: the longest accepted text.
    :param description: an optional hint shown under the label.
    :return: an unbound StringField.
    """
    return StringField(
        label,
        description=description,
        filters=[strip],
        validators=[
            DataRequired(message=missing),
            Length(max=max_length, message=_l("At most %(n)s characters.", n=max_length)),
        ],
    )
