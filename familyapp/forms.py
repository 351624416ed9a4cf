"""Form pieces shared by every feature: posted text with one kind of line break, text fields that trim, phone
numbers, with plain translated messages."""

from __future__ import annotations

import enum
import re

from flask import Request, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto as _AUTO
from werkzeug.datastructures import CombinedMultiDict
from wtforms import IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget


def one_line_ending(text: str) -> str:
    """Text with every line break written as ``\\n``: browsers send ``\\r\\n`` from a textarea, a few old devices
    ``\\r``. Stored text then means one thing, and an empty line between paragraphs is always ``\\n\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class FormRequest(Request):
    """The app's request (``app.request_class``): posted form text enters the app with ``\\n`` line breaks, once,
    here, for every form field and for the views that read ``request.form`` themselves; templates and services
    never have to know how a phone writes a line break."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form and any("\r" in value for _key, value in form.items(multi=True)):
            self.__dict__["form"] = self.parameter_storage_class(
                [(key, one_line_ending(value)) for key, value in form.items(multi=True)]
            )


class BaseForm(FlaskForm):
    """The base of every form: CSRF, and fields read only from a posted form. Flask-WTF would also read a JSON
    body as form data; a JSON body that is not a flat object (``5``, ``[1]``, ``{"code": {"x": 1}}``) then
    breaks the fields with a 500. The app's JSON endpoints read their JSON themselves, so forms ignore it."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            if formdata is None or formdata is not _AUTO:
                return formdata
            if not form.is_submitted():
                return None
            if request.files:
                return CombinedMultiDict((request.files, request.form))
            return request.form

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        """Fill the fields; an edit form starts from the object's own values. WTForms would let an attribute of
        ``obj`` win over a value passed by name, and put an enum attribute into a choice field as
        ``MeetingType.WORK``, which matches no choice: the browser then shows (and sends back) the first choice, so
        saving a work meeting made it a start meeting. Here a value passed by name (or in ``data``) wins, and an
        enum read from ``obj`` is its stored value, as the choices are."""
        if obj is not None:
            from_obj = {name: _stored(getattr(obj, name)) for name in self._fields if hasattr(obj, name)}
            data, obj, kwargs = {**from_obj, **(data or {}), **kwargs}, None, {}
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)


def _stored(value):
    """An enum as the value it is stored and offered as (choices are ``enum_choices``); anything else as it is."""
    return value.value if isinstance(value, enum.Enum) else value


def strip(value):
    """A filter: surrounding spaces are dropped, so a blank answer counts as missing."""
    return value.strip() if isinstance(value, str) else value


def enum_choices(labels: dict[enum.Enum, object]) -> list[SelectChoice]:
    """The choices of a select or radio field from a feature's labels (``{Enum.X: _l("...")}``), in their order."""
    return [SelectChoice(member.value, label) for member, label in labels.items()]


def at_most(max_length: int) -> Length:
    """The length limit of a text field, with the one message for it."""
    return Length(max=max_length, message=_l("At most %(n)s characters.", n=max_length))


def required_text(label, missing, *, max_length: int = 100, description=None) -> StringField:
    """A required text field: surrounding spaces are dropped, so a blank answer counts as missing.

    :param label: the field's lazy-translated label.
    :param missing: the lazy-translated message when nothing was written.
    :param max_length: the longest accepted text.
    :param description: an optional hint shown under the label.
    :return: an unbound StringField.
    """
    return StringField(
        label, description=description, filters=[strip], validators=[DataRequired(message=missing), at_most(max_length)]
    )


def optional_text(label, max_length: int = 300, description=None) -> StringField:
    """An optional one-line text field that trims and has a length limit.

    :param label: the field's lazy-translated label.
    :param max_length: the longest accepted text.
    :param description: an optional hint shown under the label.
    :return: an unbound StringField.
    """
    return StringField(label, description=description, filters=[strip], validators=[at_most(max_length)])


def long_text(label, max_length: int, description=None) -> TextAreaField:
    """An optional text of several lines (the plan's words, why a meeting is held, a note) that trims and has a
    length limit.

    :param label: the field's lazy-translated label.
    :param max_length: the longest accepted text.
    :param description: an optional hint shown under the label.
    :return: an unbound TextAreaField.
    """
    return TextAreaField(label, description=description, filters=[strip], validators=[at_most(max_length)])


def normalise_phone(value: str) -> str | None:
    """A phone number written in any usual way, in one tidy form; None when it is not a phone number.

    ``12345678``, ``12 34 56 78``, ``12-34-56-78`` and ``+45 1234 5678`` all become ``12 34 56 78`` (Danish numbers
    are 8 digits); ``0045...`` counts as ``+45``; other countries keep their ``+`` and digits.
    """
    raw = re.sub(r"[\s\-./()]", "", value or "")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if raw.startswith("+45"):
        raw = raw[3:]
        if not re.fullmatch(r"\d{8}", raw):
            return None  # a Danish number has 8 digits, with or without +45
    if re.fullmatch(r"\d{8}", raw):
        return " ".join(raw[i : i + 2] for i in range(0, 8, 2))
    if re.fullmatch(r"\+\d{7,15}", raw):
        return raw
    return None


def _tidy_phone(value):
    """A filter: a valid phone number in its tidy form; anything else stays as typed (the validator says why)."""
    return (normalise_phone(value) or value) if value else value


def _check_phone(_form, field):
    if field.data and normalise_phone(field.data) is None:
        raise ValidationError(
            _l("Write a phone number with 8 digits, for example 12 34 56 78, or with a country code such as +46.")
        )


def phone_field(label=None, description=None) -> StringField:
    """An optional phone number, stored tidy (``12 34 56 78``) however it was typed.

    :param label: the lazy-translated label (default "Phone").
    :param description: the hint under the label (default "Optional.").
    :return: an unbound StringField.
    """
    return StringField(
        label or _l("Phone"),
        description=description or _l("Optional."),
        filters=[strip, _tidy_phone],
        validators=[Optional(), _check_phone],
    )


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (rendered by the ``choice_group`` macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VersionField(IntegerField):
    """The hidden version of the thing when its edit form was opened (optimistic locking).

    On a post only the posted value counts. A missing or unreadable one is None, which the services refuse as a
    conflict. Without this, WTForms would fall back to the stored version that ``obj=`` filled in, and a post
    without a version would silently overwrite someone else's change.
    """

    widget = HiddenInput()

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if has_request_context() and request.method == "POST":
            # Also when the post has no form fields at all (Flask-WTF then passes no formdata).
            posted = formdata.get(self.name) if formdata is not None else None
            try:
                self.data = int(posted)
            except (TypeError, ValueError):
                self.data = None
            self.process_errors = []


def version_field() -> VersionField:
    """A hidden version field for an edit form; the view passes ``form.version.data`` to the service, which checks
    it with ``locking.check_version``."""
    return VersionField()
