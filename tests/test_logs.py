"""Logs (issue 14): one JSON line per request with its id, route pattern, status and duration; the app's own
messages with the same id; never a name, a CPR-like number, a message text or an address's query."""

from __future__ import annotations

import json
import logging

import pytest

from familyapp import create_app, db, logs
from tests import factories
from tests.conftest import TEST_VAPID_KEY

NAME = "Birgitte Kragh-Østergaard"
CPR = "010203-1234"


def lines(caplog) -> list[dict]:
    """The captured records as the JSON formatter writes them."""
    formatter = logs.JsonFormatter()
    return [json.loads(formatter.format(record)) for record in caplog.records]


@pytest.fixture()
def requests_logged(caplog):
    caplog.set_level(logging.INFO, logger="familyapp")
    return caplog


def test_a_request_with_personal_data_is_logged_without_it(app, client, world, requests_logged):
    """A parent's question with a name and a CPR-like number in the form, and a search in the query: the line
    has the route pattern, the status and the duration, and none of what was sent."""
    with app.app_context():
        meeting = factories.make_meeting(world.family_a, world.parent_a, world.consultant_a)
        db.session.commit()
        url = f"/families/{world.family_a.id}/meetings/{meeting.id}/questions?q={CPR}"
    factories.sign_in(client, world.parent_a)
    requests_logged.clear()
    response = client.post(url, data={"text": f"Kan {NAME} ({CPR}) komme med?"})
    assert response.status_code in (200, 302, 303)
    (line,) = [x for x in lines(requests_logged) if x["logger"] == logs.REQUESTS]
    assert line["message"] == "request" and line["method"] == "POST" and line["status"] == response.status_code
    assert line["route"] == "/families/<family_id>/meetings/<meeting_id>/questions"
    assert line["request_id"] == response.headers[logs.HEADER]
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    text = json.dumps(lines(requests_logged), ensure_ascii=False)
    for secret in (NAME, "Kragh", CPR, "0102031234", str(world.family_a.id), str(meeting.id), "?q="):
        assert secret not in text


@pytest.fixture()
def behind_proxy(tmp_path):
    """A client whose requests come from the trusted reverse proxy (10.0.0.1)."""
    from tests.conftest import TEST_CONFIG

    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url, "PROXY_FIX_HOPS": 1, "TRUSTED_PROXIES": "10.0.0.1"})
    return app.test_client()


def test_the_proxys_request_id_is_kept_and_a_forged_one_replaced(behind_proxy, requests_logged):
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    given = behind_proxy.get("/offline", headers={logs.HEADER: "lb-4f2a.17"}, environ_base=proxy)
    assert given.headers[logs.HEADER] == "lb-4f2a.17"
    assert lines(requests_logged)[-1]["request_id"] == "lb-4f2a.17"
    for forged in ("a b", "x" * 65, 'id"},{"level":"ERROR"', ""):
        response = behind_proxy.get("/offline", headers={logs.HEADER: forged}, environ_base=proxy)
        rid = response.headers[logs.HEADER]
        assert rid != forged and len(rid) == 16 and lines(requests_logged)[-1]["request_id"] == rid


def test_a_request_id_is_taken_only_from_the_trusted_proxy(behind_proxy):
    header = {logs.HEADER: "from-the-proxy"}
    stranger = behind_proxy.get("/offline", headers=header, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert stranger.headers[logs.HEADER] != "from-the-proxy"


def test_every_request_has_its_own_id(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert first.headers[logs.HEADER] != second.headers[logs.HEADER]


def test_an_error_is_logged_by_its_type_and_place_never_its_message(app, client, world, monkeypatch, caplog):
    """A database error's message carries the statement's values; the log line keeps only where it happened."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(app, "testing", False)
    from familyapp.overview import caseload

    def boom(*a, **k):
        raise RuntimeError(f"INSERT ... [parameters: ('{NAME}', '{CPR}')]")

    monkeypatch.setattr(caseload, "caseload_page", boom)
    factories.sign_in(client, world.consultant_a)
    caplog.set_level(logging.INFO, logger="familyapp")
    response = client.get(f"/caseload?q={NAME}")
    assert response.status_code == 500
    found = lines(caplog)
    (error,) = [x for x in found if x["level"] == "ERROR"]
    assert error["error"] == "builtins.RuntimeError" and any("in boom" in w for w in error["where"])
    assert error["request_id"] == response.headers[logs.HEADER]
    assert [x["status"] for x in found if x["logger"] == logs.REQUESTS] == [500]
    text = json.dumps(found, ensure_ascii=False)
    assert NAME not in text and CPR not in text and "parameters" not in text


@pytest.mark.parametrize(("kind", "formatter"), [("json", logs.JsonFormatter), ("text", logs.TextFormatter)])
def test_outside_tests_one_handler_writes_the_chosen_format(monkeypatch, tmp_path, kind, formatter):
    monkeypatch.setenv("LOG_FORMAT", kind)
    monkeypatch.setenv("LOG_LEVEL", "warning")
    monkeypatch.setenv("VAPID_PRIVATE_KEY", TEST_VAPID_KEY)
    logger = logging.getLogger("familyapp")
    config = {"SECRET_KEY": "x" * 32, "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}", "TESTING": False}
    for _ in range(2):  # a second app in the same process replaces the handler, never adds one
        create_app(config)
    ours = [h for h in logger.handlers if getattr(h, "familyapp", False)]
    assert len(ours) == 1 and type(ours[0].formatter) is formatter and logger.level == logging.WARNING
    # Its records stop there: a handler on the root logger (gunicorn's, alembic.ini's) never prints them as they are.
    assert logger.propagate is False


def test_off_writes_nothing_not_even_flasks_own_handler(monkeypatch, tmp_path, capsys):
    """With LOG_FORMAT=off an error goes nowhere (Flask would otherwise add a handler printing its message)."""
    monkeypatch.setenv("LOG_FORMAT", "off")
    monkeypatch.setenv("VAPID_PRIVATE_KEY", TEST_VAPID_KEY)
    config = {"SECRET_KEY": "x" * 32, "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}", "TESTING": False}
    app = create_app(config)
    try:
        raise RuntimeError(CPR)
    except RuntimeError:
        app.logger.exception("unhandled error")
    assert CPR not in capsys.readouterr().err


def test_the_probes_are_not_logged_at_info(client, requests_logged):
    client.get("/healthz")
    assert not [r for r in requests_logged.records if r.levelno >= logging.INFO and r.name == logs.REQUESTS]


def test_gunicorns_own_error_lines_carry_no_message_and_no_query():
    try:
        raise RuntimeError(f"{NAME} {CPR}")
    except RuntimeError:
        import sys

        failed = logging.LogRecord(
            "gunicorn.error", logging.ERROR, "x", 1, "Error handling request %s", ("/x?q=" + NAME,), sys.exc_info()
        )
    plain = logging.LogRecord(
        "gunicorn.error", logging.INFO, "x", 1, "Invalid request GET /caseload?q=%s", (CPR,), None
    )
    for record in (failed, plain):
        line = json.loads(logs.ServerFormatter().format(record))
        assert NAME not in json.dumps(line, ensure_ascii=False) and CPR not in json.dumps(line)
    assert json.loads(logs.ServerFormatter().format(failed))["error"] == "builtins.RuntimeError"


def test_the_text_format_reads_as_one_line():
    record = logging.LogRecord("familyapp.request", logging.INFO, __file__, 1, "request", None, None)
    record.request_id, record.route, record.status = "abc", "/healthz", 200
    line = logs.TextFormatter().format(record)
    assert "\n" not in line and " INFO abc request " in line and "route=/healthz" in line and "status=200" in line
