"""The viewer's rules, applied once, in SQL, to every query of a request.

Some rows exist for a family but not for every one of its professionals: a private person on the network map
whom the family hides from its co-consultant ("makker"), and everything that points at that person (meeting
participants and suggestions, consent requests, records and links, the map's history, family relations, cases).
Each feature registers, in its ``queries.py``, a rule per model: a SQL condition on that model for a viewer.
When the signed-in user is a consultant, every ORM SELECT, UPDATE and DELETE of the request gets those conditions
through ``with_loader_criteria`` (a ``do_orm_execute`` listener), so a view, a template or a new screen cannot
forget them: a hidden row is simply not loaded, counted, changed or deleted.

Chosen over explicit query functions because the rule then holds for queries nobody has written yet. Families see
their own whole map, so for parents and young people no rule applies; the partner link (no viewer) sees only what
the consent gate allows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from . import db
from .auth.models import Role

#: (model, rule): the rule takes the viewer's user id and returns a SQL condition on the model (or a lambda
#: ``cls -> condition``, as ``with_loader_criteria`` takes either).
_RULES: list[tuple[type, Callable]] = []


def rule(model: type):
    """Register the viewer's rule for a model (used as a decorator in a feature's ``queries.py``)."""

    def register(make_condition: Callable) -> Callable:
        _RULES.append((model, make_condition))
        return make_condition

    return register


def set_viewer(user) -> None:
    """Apply the rules of this signed-in user to the rest of the request's queries (only consultants have any)."""
    consultant = user is not None and getattr(user, "role", None) is Role.CONSULTANT
    db.session.info["viewer_id"] = user.id if consultant else None


#: Each statement with a viewer's rules, kept beside the statement as long as it lives: a statement built once a
#: process (the hot pages' are) is then keyed for the SQL cache once per consultant, not at every execution (a
#: statement with options is a new statement, and keying the rules' options cost more than running a small query).
_WITH_RULES: WeakKeyDictionary = WeakKeyDictionary()


@event.listens_for(Session, "do_orm_execute")
def _apply_rules(state: ORMExecuteState) -> None:
    viewer_id = state.session.info.get("viewer_id")
    if viewer_id is None or state.is_column_load:
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    statement, key = state.statement, (viewer_id, len(_RULES))
    variants = _WITH_RULES.setdefault(statement, {})
    if key not in variants:
        variants[key] = statement.options(*_made_for(*key))
    state.statement = variants[key]


@lru_cache(maxsize=1024)
def _made_for(viewer_id, _rules: int) -> tuple:
    """The rules of a viewer as query options, made once a process (a consultant's page runs several queries, and
    making a rule's condition costs about as much as running a small query): they hold only the viewer's id, which
    never changes, and the rules, which are only ever added, at import (their number is in the key, so a rule
    registered later makes them anew). A few hundred consultants' options are a few hundred small objects."""
    return tuple(
        with_loader_criteria(model, make_condition(viewer_id), include_aliases=True) for model, make_condition in _RULES
    )
