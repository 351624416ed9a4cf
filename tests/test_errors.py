"""Errors: plain translated pages, never a stack trace, never a lost rollback."""

from __future__ import annotations


def test_404_is_plain_and_translated(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "da"})
    assert response.status_code == 404 and "Siden findes ikke" in response.get_data(as_text=True)


def test_500_shows_no_internals(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(app, "testing", False)
    from familyapp.overview import caseload

    def boom(*a, **k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(caseload, "caseload_page", boom)
    from tests import factories
    from tests.factories import make_world

    with app.app_context():
        world = make_world()
    factories.sign_in(client, world.consultant_a)
    response = client.get("/caseload")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body and "Something went wrong" in body


def test_too_large_request(client):
    response = client.post("/auth/activate", data={"code": "x" * 300_000})
    assert response.status_code == 413
