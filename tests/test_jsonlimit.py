"""JSON nested too deeply is a clear 400 in JSON on every route, never a RecursionError (a 500)."""

from __future__ import annotations

import base64
import uuid

import pytest

from familyapp import jsonlimit
from tests.auth.helpers import new_activation
from tests.scales.test_views import meeting_in, s_url

#: What an outside probe sent: a few kilobytes, a thousand levels deep.
DEEP = "[" * 1000 + "]" * 1000
OUTBOX = {"X-Outbox": "replay", "Accept": "application/json"}


def post_deep(client, url: str, headers: dict | None = None, levels: int = 1000):
    body = '{"endpoint": "https://fcm.googleapis.com/x", "deep": ' + "[" * levels + "]" * levels + "}"
    return client.post(url, data=body, content_type="application/json", headers=headers or {})


def assert_refused(response) -> None:
    assert response.status_code == 400, response.status_code
    data = response.get_json()
    assert data["key"] == "json_too_deep" and "nested too deeply" in data["error"]


class TestDepth:
    @pytest.mark.parametrize(
        "text, deep",
        [
            ("[" * 32 + "]" * 32, False),
            ("[" * 33 + "]" * 33, True),
            ('{"a": "' + "[" * 100 + '"}', False),  # brackets in a string do not nest
            ('["\\"' + "[" * 100 + '"]', False),  # nor after an escaped quote
            ('["\\\\", ' + "[" * 40 + "]" * 40 + "]", True),  # an escaped backslash ends the escape
            ('{"a": {"b": [1, {"c": []}]}}', False),
        ],
    )
    def test_counted_without_parsing(self, text, deep):
        assert jsonlimit.exceeds(text) is deep
        assert jsonlimit.exceeds(text.encode()) is deep

    def test_loads_raises_a_value_error_not_a_recursion_error(self):
        with pytest.raises(ValueError):
            jsonlimit.loads(DEEP)
        assert jsonlimit.loads("[[1]]") == [[1]]


class TestEveryJsonRoute:
    def test_passkey_ceremony(self, app, client, world, login):
        assert_refused(post_deep(client, "/auth/login/finish"))
        token, _code = new_activation(app, world.parent_a2)
        client.get(f"/auth/activate/{token}")
        assert_refused(post_deep(client, "/auth/activate/register/finish"))
        login(world.parent_a)
        assert_refused(post_deep(client, "/auth/confirm/finish"))

    def test_scales_outbox_and_draft(self, client, world, login):
        meeting = meeting_in(world, 30)
        login(world.parent_a)
        key = f"wellbeing.m.{meeting.id}"
        assert_refused(post_deep(client, s_url(world, f"/fill/{key}/draft")))
        assert_refused(post_deep(client, s_url(world, f"/fill/{key}"), headers=OUTBOX))

    def test_reminders(self, client, world, login):
        login(world.parent_a)
        assert_refused(post_deep(client, "/reminders/subscribe"))
        assert_refused(post_deep(client, "/reminders/unsubscribe"))

    def test_every_post_route_signed_in_or_not(self, app, client, world, login):
        """Whatever the route (also ones that read no JSON today), the answer is the same clear 400."""
        routes = [r for r in app.url_map.iter_rules() if "POST" in (r.methods or ())]
        assert len(routes) > 20
        for user in (None, world.consultant_a):
            if user is not None:
                login(user)
            for rule in routes:
                url = rule.build({a: str(uuid.uuid4()) for a in rule.arguments}, append_unknown=False)[1]
                assert_refused(post_deep(client, url, headers=OUTBOX))

    def test_shallow_json_still_reaches_the_route(self, client, world, login):
        login(world.parent_a)
        response = post_deep(client, "/reminders/subscribe", levels=30)
        assert response.status_code == 400 and response.get_json().get("key") != "json_too_deep"


def test_a_deep_client_data_json_inside_the_body_is_a_plain_refusal(app, client, world):
    """The browser's clientDataJSON is JSON inside the body (base64url): a deep one is refused like any bad one."""
    client_data = base64.urlsafe_b64encode(DEEP.encode()).rstrip(b"=").decode()
    credential = {"id": "AA", "rawId": "AA", "type": "public-key", "response": {"clientDataJSON": client_data}}
    response = client.post("/auth/login/finish", json={"credential": credential})
    assert response.status_code == 400 and response.get_json()["key"] == "passkey_rejected"


@pytest.mark.parametrize("body", ["5", '"abc"', "[1, 2]", '{"code": {"x": 1}}', '{"name": [1], "version": {}}'])
def test_odd_json_never_breaks_a_form(app, client, world, login, body):
    """JSON that is not a flat object, posted to every route with real ids: forms read only posted form data, so
    the answer is a refusal or the form's own message, never a 500."""
    from tests.test_access_matrix import MATRIX, _url

    posts = [(endpoint, template) for endpoint, (method, template, _e) in sorted(MATRIX.items()) if method == "POST"]
    for user in (world.parent_a, world.consultant_a):
        for endpoint, template in posts:
            login(user)  # again each time: one of the routes is the sign-out
            response = client.post(_url(template, world), data=body, content_type="application/json")
            assert response.status_code < 500, (endpoint, body, response.status_code)
            assert endpoint == "signin.logout" or response.status_code != 302 or "/auth/login" not in response.location
