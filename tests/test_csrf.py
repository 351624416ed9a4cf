"""CSRF is enforced on every state-changing request, the passkey JSON endpoints included."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.test_access_matrix import MATRIX, _url


@pytest.fixture()
def csrf_client(app, client, monkeypatch):
    """The suite turns CSRF off for convenience; here it is on, as in production."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    return client


POSTS = sorted(endpoint for endpoint, (method, _t, _e) in MATRIX.items() if method == "POST")


@pytest.mark.parametrize("endpoint", POSTS)
def test_post_without_token_is_refused(csrf_client, world, endpoint):
    factories.sign_in(csrf_client, world.admin if endpoint.startswith("admin.") else world.consultant_a)
    _method, template, _expected = MATRIX[endpoint]
    response = csrf_client.post(_url(template, world))
    assert response.status_code == 400


def test_json_endpoint_accepts_header_token(csrf_client, world):
    page = csrf_client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    assert csrf_client.post("/auth/login/begin").status_code == 400
    response = csrf_client.post("/auth/login/begin", headers={"X-CSRFToken": token})
    assert response.status_code == 200 and "challenge" in response.get_json()


def test_form_with_token_works(csrf_client, world):
    page = csrf_client.get("/auth/activate").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post("/auth/activate", data={"csrf_token": token, "code": "AAAA-AAAA"})
    assert response.status_code == 200


def test_missing_token_page_is_translated_and_calm(csrf_client, world):
    response = csrf_client.post("/language", data={"language": "en"}, headers={"Accept-Language": "da"})
    assert response.status_code == 400 and "Intet blev gemt" in response.get_data(as_text=True)


def test_the_anonymous_token_still_counts_once_the_session_is_in_the_database(csrf_client, world):
    """The token is kept in the signed cookie first; the ceremony's begin moves it into the database with it."""
    page = csrf_client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    assert csrf_client.post("/auth/login/begin", headers={"X-CSRFToken": token}).status_code == 200
    response = csrf_client.post("/language", data={"language": "da", "csrf_token": token})
    assert response.status_code == 302
