"""Optimistic locking for every edit form: the form carries the version it was opened on (``forms.version_field``),
the service checks it (``check_version``), and the view saves with ``save`` and answers a conflict with the
form's own page, 409, what was typed kept and the current version shown (``edit_page``)."""

from __future__ import annotations

from collections.abc import Callable

from flask import render_template
from sqlalchemy.orm.exc import StaleDataError

from . import db


class Conflict(Exception):
    """The thing was changed by someone else after the form was opened."""


def check_version(obj, version: int | None) -> None:
    """Refuse an edit made from a form that showed an older version, or that does not say which (None): it
    could overwrite a change it never saw.

    :param obj: the stored thing, with a ``version`` column.
    :param version: the version the form showed.
    :raise Conflict: when it is not the current one.
    """
    if version is None or version != obj.version:
        raise Conflict()


def save(act: Callable[[], object]) -> bool:
    """Run an edit's service call and commit once.

    :param act: calls the service with the form's version.
    :return: True when saved; False, rolled back, when someone else changed the thing meanwhile (a version that
        is not the current one, or a row that changed under the flush).
    """
    try:
        act()
        db.session.commit()
    except (Conflict, StaleDataError):
        db.session.rollback()
        return False
    return True


def edit_page(template: str, form, conflict=None, **context):
    """An edit form's page: 200, 400 with the form's errors, or the conflict answer.

    :param template: the form's template; it gets ``form``, ``conflict`` (a boolean) and ``context``.
    :param conflict: after a failed ``save``, the thing as it is stored now (the template shows it under its own
        name in ``context``). The form keeps what was typed but carries the current version, so saving again works.
    :return: (page, status), 409 for a conflict.
    """
    if conflict is not None:
        form.version.data = conflict.version
        form.version.raw_data = None  # otherwise the hidden field repeats the stale submitted version
        status = 409
    else:
        status = 400 if form.errors or form.form_errors else 200
    return render_template(template, form=form, conflict=conflict is not None, **context), status
