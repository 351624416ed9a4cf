"""Forms for consent requests and partner links; the choices (texts, people on the map, children) come from the
view, so anything not offered is refused with a plain message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from ..forms import BaseForm, optional_text


class RequestForm(BaseForm):
    template = SelectField(
        _l("What to ask about"), choices=[], invalid_choice_message=_l("Choose one of the consent texts.")
    )
    recipient = SelectField(
        _l("Who will receive it"),
        choices=[],
        description=_l("Someone on the family's network map."),
        invalid_choice_message=_l("Choose someone from the family's network map."),
    )
    about = SelectField(
        _l("Does it concern one child?"),
        choices=[],
        default="",
        invalid_choice_message=_l("Choose one of the children."),
    )
    meeting = SelectField(
        _l("For which network meeting?"),
        choices=[],
        default="",
        description=_l("Only for an invitation: the consent is for that one meeting."),
        invalid_choice_message=_l("Choose one of the family's coming network meetings."),
    )
    note = optional_text(_l("Why, in your own words"), 300, _l("Optional. Shown to the family with the text."))


class LinkForm(BaseForm):
    recipient = SelectField(
        _l("Who gets the link"),
        choices=[],
        # The request form above it on the same page has a "recipient" too: ids must differ, or this label
        # would name the other select.
        id="link-recipient",
        description=_l("The link shows only what the family has consented to share with this person."),
        invalid_choice_message=_l("Choose someone from the family's network map."),
    )
