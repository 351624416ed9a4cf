"""Optional tracing (issue 14): an OpenTelemetry span for each request and for each of its SQL statements, sent
over OTLP to the municipality's collector. Off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set, and then only with
the ``tracing`` extra installed (``pip install 'familyapp[tracing]'``).

Set up in each gunicorn worker, after the fork (the app is made there: ``preload_app`` is off), so that every
worker has its own exporting thread.

Never personal data: a request's span names its route pattern, and the address (ids, the query), the client's
address and its user agent that the instrumentation records are replaced; a statement's span carries the SQL with
its placeholders, never its values.
"""

from __future__ import annotations

from flask import Flask, request

#: What the instrumentation records of a request that can name or lead to a person: replaced in every span.
_ADDRESS = ("http.target", "http.url", "url.full", "url.path")
_PERSON = ("net.peer.ip", "client.address", "http.client_ip", "http.user_agent", "user_agent.original")
#: The probes are not traced (every few seconds, nothing to learn).
EXCLUDED = "healthz,readyz,static/.*"


def init_app(app: Flask) -> bool:
    """Trace the app when an exporter is configured: ``TRACING_EXPORTER`` (an exporter object, for tests) or
    ``OTEL_EXPORTER_OTLP_ENDPOINT``. True when tracing is on."""
    exporter = app.config.get("TRACING_EXPORTER")
    if exporter is None and not app.config.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return False
    try:
        from opentelemetry.instrumentation.flask import FlaskInstrumentor
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        raise RuntimeError(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set, but tracing is not installed: pip install 'familyapp[tracing]'."
        ) from exc
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=app.config["OTEL_EXPORTER_OTLP_ENDPOINT"])
    provider = TracerProvider(resource=Resource.create({"service.name": app.config["OTEL_SERVICE_NAME"]}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    app.extensions["tracer_provider"] = provider
    FlaskInstrumentor().instrument_app(app, tracer_provider=provider, response_hook=_redact, excluded_urls=EXCLUDED)
    # The instrumentation names SQLAlchemy below 2.1; the events it listens to are the same in 2.1.
    SQLAlchemyInstrumentor().instrument(
        engine=app.extensions["db_engine"], tracer_provider=provider, enable_commenter=False, skip_dep_check=True
    )
    return True


def stop(app: Flask) -> None:
    """Send what is left and take the tracing off again (tests: one traced app at a time in a process)."""
    from opentelemetry.instrumentation.flask import FlaskInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    FlaskInstrumentor().uninstrument_app(app)
    SQLAlchemyInstrumentor().uninstrument()
    app.extensions.pop("tracer_provider").shutdown()


def _redact(span, *_response) -> None:
    """Replace what the request's span recorded of the address and the person by the route pattern and "-" (when
    the response starts: the instrumentation records them after its request hook)."""
    if not span.is_recording():
        return
    route = request.url_rule.rule if request.url_rule is not None else "-"
    for key in _ADDRESS:
        span.set_attribute(key, route)
    span.set_attribute("url.query", "")
    for key in _PERSON:
        span.set_attribute(key, "-")
