"""Logs a municipality's IT department can collect: one JSON object per line on stderr, one line per request (its
id, method, route pattern, status and duration) and the app's own messages, each with the request's id.

Never personal data: a request is logged by its route pattern (``/families/<family_id>/``), never its address,
query or form; an error by its type and where it happened, never its message (a database error's message carries
the values of the statement, which can be a name or a message text).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
import traceback
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

#: The header a proxy or load balancer gives a request's id in; the app sends it back (or its own id).
HEADER = "X-Request-ID"
#: An id taken from outside: short and plain, so a forged header cannot put anything else into a log line.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
#: The per-request line's logger (a collector can keep it apart from the app's own messages).
REQUESTS = "familyapp.request"
#: The health probes' endpoints (logged at DEBUG).
PROBES = frozenset({"health.healthz", "health.readyz"})
#: What a line may carry besides its message (given with ``extra=``).
FIELDS = ("method", "route", "status", "duration_ms")


def request_id() -> str:
    """The current request's id: the one our reverse proxy sent when it is a plain token, else a new one. Taken
    only from a trusted proxy (TrustedProxyFix marks its requests): anyone else could write into the logs."""
    given = request.headers.get(HEADER, "") if "werkzeug.proxy_fix.orig" in request.environ else ""
    return given if _SAFE_ID.fullmatch(given) else secrets.token_hex(8)


class _WithRequestId(logging.Filter):
    """Gives a record the request's id when it is made (a handler may format it later, outside the request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id") and has_request_context():
            record.request_id = g.get("request_id")
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request's id and the request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid:
            entry["request_id"] = rid
        entry.update({name: getattr(record, name) for name in FIELDS if hasattr(record, name)})
        if record.exc_info and record.exc_info[0] is not None:
            entry.update(_error(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def _error(exc_info) -> dict:
    """An error as its type and where it happened (file, line, function), without its message."""
    kind, _value, tb = exc_info
    frames = [f"{f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)]
    return {"error": f"{kind.__module__}.{kind.__qualname__}", "where": frames[-8:]}


class ServerFormatter(JsonFormatter):
    """gunicorn's own log lines (familyapp/gunicorn_conf.py) as JSON: an error that escaped the app (a download
    that failed while it streamed) without gunicorn's message, which names the address with its query; any other
    line with queries cut off."""

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info and record.exc_info[0] is not None:
            record.msg, record.args = "a request failed in the server", None
        else:
            record.msg, record.args = _QUERY.sub("?…", record.getMessage()), None
        return super().format(record)


#: A query in a line of text (``/caseload?q=Jensen``).
_QUERY = re.compile(r"\?\S*")


class TextFormatter(JsonFormatter):
    """The same line for a person at a terminal (development): time, level, request id, message and fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = json.loads(super().format(record))
        head = [entry.pop("time")[11:23], entry.pop("level"), entry.pop("request_id", "-"), entry.pop("message")]
        entry.pop("logger")
        return " ".join(head + [f"{k}={v}" for k, v in entry.items()])


def init_app(app: Flask) -> None:
    """Send the app's logs to stderr in ``LOG_FORMAT`` (json, or text) at ``LOG_LEVEL``; give every request an id
    (returned in ``X-Request-ID``) and log one line when it is answered. Tests leave the handlers alone (pytest
    collects the records)."""
    for name in ("familyapp", REQUESTS):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _WithRequestId) for f in logger.filters):
            logger.addFilter(_WithRequestId())
    if not app.testing:
        _install(app.config.get("LOG_FORMAT", "json"), app.config.get("LOG_LEVEL", "INFO"))

    @app.before_request
    def _begin():
        g.request_id = request_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def _answered(response):
        if "request_id" not in g:  # answered before _begin ran (the database behind its migrations)
            g.request_id = request_id()
        response.headers[HEADER] = g.request_id
        _log_request(response.status_code)
        return response


def _log_request(status: int) -> None:
    """The request's line: its route pattern, never the address (ids) or the query (a search)."""
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    rule = request.url_rule.rule if request.url_rule is not None else "-"
    # The load balancer's probes every few seconds would drown the rest: they are DEBUG.
    level = logging.DEBUG if request.endpoint in PROBES and status < 500 else logging.INFO
    logging.getLogger(REQUESTS).log(
        level, "request", extra={"method": request.method, "route": rule, "status": status, "duration_ms": duration}
    )


def _install(kind: str, level: str) -> None:
    """One handler on the ``familyapp`` logger, replaced on a second app in the same process. The records stop
    there (no propagation): a handler someone puts on the root logger (gunicorn's, alembic.ini's) would write an
    error's message. ``off`` writes nothing (a handler that drops all, so that Flask adds none of its own)."""
    logger = logging.getLogger("familyapp")
    for old in [h for h in logger.handlers if getattr(h, "familyapp", False)]:
        logger.removeHandler(old)
    if kind == "off":
        handler: logging.Handler = logging.NullHandler()
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(TextFormatter() if kind == "text" else JsonFormatter())
    handler.familyapp = True
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(getattr(logging, str(level).upper(), logging.INFO))
