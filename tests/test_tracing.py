"""Optional tracing (issue 14, familyapp/tracing.py): off unless configured; when on, a span per request named by
its route and a span per SQL statement, and nothing in them that names or leads to a person: not the address (ids,
the query), not the client's address or user agent, not a statement's values."""

from __future__ import annotations

import json

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from familyapp import create_app, db, tracing
from familyapp.cli import upgrade_database
from tests import factories
from tests.conftest import TEST_CONFIG
from tests.dbutil import fresh_database_url


@pytest.fixture()
def traced(tmp_path):
    """An app on a database of its own with the test families in it, traced into memory; and its families."""
    url = fresh_database_url(tmp_path, "tracing")
    upgrade_database(url)
    factories.add_municipality(url, factories.HOME, "Testkommune")
    exporter = InMemorySpanExporter()
    made = create_app({**TEST_CONFIG, "DATABASE_URL": url, "TRACING_EXPORTER": exporter})
    with made.app_context():
        world = factories.make_world()
        db.session.commit()
        db.session.expunge_all()
    made.extensions["tracer_provider"].force_flush()
    exporter.clear()  # the families' making is not what is looked at
    yield made, exporter, world
    tracing.stop(made)
    made.extensions["db_engine"].dispose()


def test_off_unless_configured(app):
    assert "tracer_provider" not in app.extensions and not tracing.init_app(app)


def test_a_request_and_its_statements_are_traced_without_anything_personal(traced):
    app, exporter, world = traced
    client = app.test_client()
    factories.sign_in(client, world.consultant_a)
    secret = "Sara Nielsen 010203-1234"
    response = client.get(
        "/caseload",
        query_string={"q": secret},
        headers={"User-Agent": "Sara's phone"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 200
    client.get(f"/families/{world.family_a.id}/")
    app.extensions["tracer_provider"].force_flush()
    spans = exporter.get_finished_spans()
    names = [s.name for s in spans]
    assert "GET /caseload" in names and "GET /families/<family_id>/" in names
    assert any(s.attributes.get("db.statement", "").startswith("SELECT") for s in spans)  # the SQL, traced
    text = json.dumps([{**dict(s.attributes), "name": s.name} for s in spans], ensure_ascii=False, default=str)
    for leak in ("Sara", "010203", "198.51.100.7", str(world.family_a.id), world.family_a.id.hex, "q="):
        assert leak not in text


def test_the_probes_are_not_traced(traced):
    app, exporter, _world = traced
    app.test_client().get("/healthz")
    app.extensions["tracer_provider"].force_flush()
    assert exporter.get_finished_spans() == ()


def test_configured_without_the_extra_stops_at_start_and_says_so(monkeypatch, tmp_path):
    monkeypatch.setitem(__import__("sys").modules, "opentelemetry.instrumentation.flask", None)  # not installed
    config = {**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}"}
    with pytest.raises(RuntimeError, match=r"pip install 'familyapp\[tracing\]'"):
        create_app({**config, "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/v1/traces"})
