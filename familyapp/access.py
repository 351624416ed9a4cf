"""Who may see what. Family scoping is done in the SQL query, so a foreign id is simply not found (404)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache, wraps
from typing import NoReturn

from flask import abort, request
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam, exists, func, select
from werkzeug.exceptions import Forbidden

from . import caching, db, tenancy
from .audit import record_event
from .auth.models import Role, SecurityNotice, User
from .families.models import Assignment, AssignmentRole, Family, Membership


def deny() -> NoReturn:
    """Answer 404 (the page "does not exist", so ids do not leak) and audit the refused attempt.

    Refusals by signed-in users are kept (ASVS 16.3.2): a consultant probing another family's ids shows up.
    Only the endpoint is stored, never the id that was tried.
    """
    if current_user and current_user.is_authenticated:
        record_event(current_user, "access.denied", data={"endpoint": request.endpoint or "-"})
        db.session.commit()
    abort(404)


class NotAllowed(Forbidden):
    """A 403 whose page says, in the reader's language, why the step is not theirs to take."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text


def forbid(text: str) -> NoReturn:
    """Refuse a step to someone who may see the page but not take this step (a co-consultant adding a login):
    audited like a refused read, answered 403 with the reason. Nothing is changed.
    """
    db.session.rollback()
    record_event(current_user, "access.denied", data={"endpoint": request.endpoint or "-", "why": "not_allowed"})
    db.session.commit()
    raise NotAllowed(text)


def parse_id(value: str) -> uuid.UUID:
    """An id from a URL or a form; anything that is not a UUID is a 404, never a 500."""
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        deny()


def in_own_municipality(model, user: User):
    """SQL condition: the row belongs to the user's municipality (the lists of an admin or a leader, which span
    families; on PostgreSQL row-level security says the same, on SQLite this is what does)."""
    return model.municipality_id == user.municipality_id


def is_member_clause(user: User, family_id_column=Family.id):
    """SQL condition: the user is a member of the family."""
    return exists().where(Membership.family_id == family_id_column, Membership.user_id == user.id)


def is_assigned_clause(user: User, family_id_column=Family.id):
    """SQL condition: the user is a consultant assigned to the family."""
    return exists().where(Assignment.family_id == family_id_column, Assignment.consultant_id == user.id)


def is_co_consultant_clause(user: User, family_id_column=Family.id):
    """SQL condition: the user is the family's co-consultant ("makker"), not its primary one."""
    return exists().where(
        Assignment.family_id == family_id_column,
        Assignment.consultant_id == user.id,
        Assignment.role == AssignmentRole.CO_CONSULTANT,
    )


def query_visible_families(user: User) -> Select:
    """Families whose content this user may see: members and assigned consultants. Admins see no content."""
    if user.role in (Role.PARENT, Role.YOUNG_PERSON):
        return select(Family).where(is_member_clause(user))
    if user.role is Role.CONSULTANT:
        return select(Family).where(is_assigned_clause(user))
    return select(Family).where(False)


@dataclass(frozen=True)
class FamilyView:
    """A family as seen by one viewer: the family's own screens, mirrored for its consultant."""

    family: Family
    viewer: User
    #: The municipality's settings the screens show (its number for families, its follow-up rules); loaded with
    #: the family for a screen, so part of its ETag (empty for a change).
    municipality: tenancy.ScreenSettings = tenancy.ScreenSettings()

    @property
    def mirrored(self) -> bool:
        """True when a professional looks at the family's screens (shows the banner and edit controls)."""
        return self.viewer.role.is_professional

    @property
    def can_edit(self) -> bool:
        """The family's consultant: edits everything, sees private notes."""
        return self.viewer.role is Role.CONSULTANT

    @property
    def is_family(self) -> bool:
        """A member of the family: adds their own words."""
        return self.viewer.role in (Role.PARENT, Role.YOUNG_PERSON)


def _unread_notices(user: User) -> tuple:
    """How many security notices the user has not read, and when the newest came: two columns to add to the
    statement that loads a family screen's family (the notices show on the page, so they are part of its ETag)."""
    unread = select(SecurityNotice).where(SecurityNotice.user_id == user.id, SecurityNotice.read_at.is_(None))
    count = unread.with_only_columns(func.count()).scalar_subquery()
    newest = unread.with_only_columns(func.max(SecurityNotice.created_at)).scalar_subquery()
    return count, newest


@cache
def _family_view_statement(role: Role, screen: bool) -> Select:
    """family_view_or_404's statement for one role, built once a process (building it cost as much as running it)
    with the viewer (``viewer``) and the family (``family``) as parameters; a screen also counts the unread notices
    and reads its municipality's settings (``tenancy.ScreenSettings``)."""
    viewer = db.stand_in(id="viewer")
    viewer.role = role
    stmt = query_visible_families(viewer).where(Family.id == bindparam("family"))
    if not screen:
        return stmt
    settings = (tenancy.setting_of(Family.municipality_id, name) for name in tenancy.ScreenSettings._fields)
    return stmt.add_columns(*_unread_notices(viewer), *settings)


def family_view_or_404(
    family_id, user: User, *, page: str | None, consultant_only: bool = False, family_only: bool = False
) -> FamilyView:
    """Load a family for one of its own screens, scoped in the query; audit a professional's read; answer a repeat
    visit of an unchanged screen with 304 (caching.answer_repeat).

    :param family_id: the id from the URL.
    :param user: the signed-in user.
    :param page: the screen's name, kept in the audit event; None for a change (its service audits it).
    :param consultant_only: the screen is the consultant's edit control, a 404 for everyone else.
    :param family_only: the screen is the family's own act (a reply, a question), a 404 for professionals.
    :return: a FamilyView.
    """
    fid = parse_id(family_id)
    screen = page is not None and request.method in ("GET", "HEAD")
    # A screen asks for the unread notices and its municipality's settings in the same statement as the family: a
    # repeat visit answered 304 costs no more statements, and its ETag changes with them.
    row = db.session.execute(_family_view_statement(user.role, screen), {"viewer": user.id, "family": fid}).first()
    if row is None:
        deny()
    view = FamilyView(row[0], user, tenancy.ScreenSettings(*row[3:]) if screen else tenancy.ScreenSettings())
    if (consultant_only and not view.can_edit) or (family_only and not view.is_family):
        deny()
    if user.role.is_professional and page is not None:
        record_event(user, "family.viewed", family=view.family, data={"page": page})
        db.session.commit()
    if screen:
        caching.answer_repeat(view, page, tuple(row[1:]))
    return view


def family_screen_or_404(
    family_id, page: str | None = None, *, consultant_only: bool = False, family_only: bool = False
) -> FamilyView:
    """The family for one of its screens, for the signed-in user. A professional's read is audited as ``page``;
    a change (POST) is audited by its service instead. ``consultant_only``: the page is the consultant's edit
    control, a 404 for everyone else; ``family_only``: it is the family's own act (a reply, a question), a 404
    for professionals.
    """
    return family_view_or_404(
        family_id,
        current_user._get_current_object(),  # the user itself: every look through the proxy costs
        page=None if request.method == "POST" else page,
        consultant_only=consultant_only,
        family_only=family_only,
    )


def family_for_management_or_404(family_id, user: User) -> Family:
    """Load a family for its admin pages (consultants and assignments, no content): its municipality's admins only."""
    if user.role is not Role.ADMIN:
        deny()
    stmt = select(Family).where(Family.id == parse_id(family_id), in_own_municipality(Family, user))
    family = db.session.scalar(stmt)
    if family is None:
        deny()
    return family


def get_in_family_or_404(model, obj_id, family: Family, *options, where=()):
    """Load a family-owned row by id, only within the given family (``options``: loader options; ``where``:
    further conditions the viewer's access puts on the row, e.g. a private person hidden from a co-consultant)."""
    stmt = select(model).where(model.id == parse_id(obj_id), model.family_id == family.id, *where).options(*options)
    obj = db.session.scalar(stmt)
    if obj is None:
        deny()
    return obj


def home_family_id(user: User) -> uuid.UUID | None:
    """The family a parent or young person lands in (the first one they belong to)."""
    return db.session.scalar(
        select(Membership.family_id).where(Membership.user_id == user.id).order_by(Membership.created_at).limit(1)
    )


def is_admin(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role is Role.ADMIN


def is_consultant(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role is Role.CONSULTANT


def is_family_user(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in (Role.PARENT, Role.YOUNG_PERSON)


def roles_required(*roles: Role):
    """Only these roles reach the view; for anyone else the page does not exist (404)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                deny()
            return view(*args, **kwargs)

        return wrapped

    return decorator
