"""Which pages a phone may keep for reading offline, and for whom; the service worker's release; static addresses
that change with their files."""

from __future__ import annotations

import re

import pytest

from familyapp import caching
from familyapp.pwa import views as pwa

FAMILY_PAGES = ["/", "/plan", "/meetings", "/yearwheel", "/scales"]


def test_a_family_members_own_pages_are_marked_for_keeping(app, client, world, login):
    login(world.parent_a)
    base = f"/families/{world.family_a.id}"
    with app.app_context():
        key = pwa.offline_key(world.parent_a)
    for path in FAMILY_PAGES:
        response = client.get(base + path)
        assert response.status_code == 200
        assert response.headers["X-Offline-User"] == key
        assert response.headers["X-Offline-Keep"] == ("home" if path == "/" else "1")
    # Other pages are the person's too, but are not kept.
    network = client.get(base + "/network")
    assert network.headers["X-Offline-User"] == key and "X-Offline-Keep" not in network.headers
    assert "X-Offline-Keep" not in client.get(f"{base}/consent").headers


def test_the_key_names_nobody(app, world):
    with app.app_context():
        keys = {pwa.offline_key(u) for u in (world.parent_a, world.parent_a2, world.parent_b)}
        assert len(keys) == 3
        assert all(re.fullmatch(r"[0-9a-f]{32}", k) for k in keys)
        assert str(world.parent_a.id).replace("-", "")[:8] not in pwa.offline_key(world.parent_a)


@pytest.mark.parametrize("who", ["consultant_a", "admin", None])
def test_professionals_and_signed_out_pages_are_never_kept(client, world, login, who):
    if who:
        login(getattr(world, who))
    path = f"/families/{world.family_a.id}/" if who == "consultant_a" else "/auth/login"
    response = client.get(path)
    assert response.headers["X-Offline-User"] == "-" and "X-Offline-Keep" not in response.headers


def test_error_pages_and_json_are_not_kept(client, world, login):
    login(world.parent_a)
    missing = client.get(f"/families/{world.family_b.id}/plan")
    assert missing.status_code == 404 and "X-Offline-Keep" not in missing.headers
    assert "X-Offline-User" not in client.get("/manifest.webmanifest").headers


def test_the_service_worker_carries_the_release_and_the_outbox(app, client):
    body = client.get("/sw.js").get_data(as_text=True)
    with app.app_context():
        version = pwa.app_version()
    assert f'const RELEASE = "{version}"' in body
    assert 'importScripts("/static/js/outbox.js?v=' in body
    assert "skipWaiting" in body and 'data.type === "skip-waiting"' in body


def test_static_addresses_change_with_their_files(app, client):
    """Each static address carries its own file's content hash (caching.py): a release changes the addresses of
    the files it changes, and the service worker's list names the same addresses as the pages."""
    page = client.get("/auth/login").get_data(as_text=True)
    worker = client.get("/sw.js").get_data(as_text=True)
    with app.app_context():
        css, js = caching.static_hash("css/app.css"), caching.static_hash("js/app.js")
    assert css != js
    assert f"/static/css/app.css?v={css}" in page and f"/static/js/app.js?v={js}" in page
    assert f"/static/css/app.css?v={css}" in worker and f"/static/js/app.js?v={js}" in worker
    with client.get(f"/static/css/app.css?v={css}") as response:
        assert response.status_code == 200


def test_the_release_follows_the_files(tmp_path):
    static, templates = tmp_path / "static", tmp_path / "templates"
    (templates / "pwa").mkdir(parents=True)
    static.mkdir()
    (templates / "pwa" / "sw.js").write_text("// worker")
    (static / "app.css").write_text("body {}")
    first = pwa._version(str(static), str(templates))
    (static / "app.css").write_text("body { color: red }")
    pwa._version.cache_clear()
    assert pwa._version(str(static), str(templates)) != first
    pwa._version.cache_clear()
