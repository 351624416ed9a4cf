"""The team leader's start page: the new logins and new activations waiting for a second person's confirmation."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from .. import db
from ..access import roles_required
from ..auth.models import Role
from ..recovery import services as recovery

bp = Blueprint("leader", __name__, url_prefix="/leader")


@bp.get("/")
@roles_required(Role.LEADER)
def index():
    """What waits for the leader: new professionals' logins and recoveries to confirm, across the team's families
    and consultants."""
    return render_template(
        "leader/index.html",
        to_confirm=recovery.waiting_for(current_user, db.utcnow()),
        logins=recovery.logins_waiting_for(current_user),
    )
