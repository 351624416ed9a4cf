"""The probes of a load balancer or container platform: is the process up (``/healthz``), and may it be sent
requests (``/readyz``: the database answers and its schema is this release's)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .. import db
from . import UPGRADE_COMMAND, checker

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process is up and answers; nothing else is asked (no database)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """Ready for requests: the database answers, at this release's schema; 503 until it is."""
    state = checker(current_app).state()
    if not state.ready:
        checker(current_app).log_once(state)
        return jsonify({"status": "not ready", "reason": f"the database must be upgraded: {UPGRADE_COMMAND}"}), 503
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify({"status": "not ready", "reason": "the database does not answer"}), 503
    return jsonify({"status": "ready"})
