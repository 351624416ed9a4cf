"""The installable shell: manifest, service worker, offline page."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "familyapp" / "static"


def test_manifest(client):
    response = client.get("/manifest.webmanifest")
    data = response.get_json(force=True)
    assert response.mimetype == "application/manifest+json"
    assert data["lang"] == "da" and data["scope"] == "/" and data["display"] == "standalone"
    assert data["start_url"].startswith("/") and data["name"] and data["short_name"]
    sizes = {(i["sizes"], i["purpose"]) for i in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in data["icons"]:
        assert (STATIC / icon["src"].split("?")[0].removeprefix("/static/")).is_file()


def test_service_worker_is_served_from_the_root_uncached(client):
    response = client.get("/sw.js")
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert "/offline" in body and "/static/css/app.css" in body
    assert "/families" not in body  # personal pages are never precached


def test_offline_page_has_no_session_and_no_personal_data(client):
    response = client.get("/offline")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "csrf" not in response.get_data(as_text=True)


def test_pages_link_manifest_and_apple_touch_icon(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'rel="manifest"' in page and 'rel="apple-touch-icon"' in page
    assert "Føj til hjemmeskærm" in client.get("/install", headers={"Accept-Language": "da"}).get_data(as_text=True)


def test_no_third_party_hosts_in_templates_or_static():
    import re

    root = STATIC.parent
    offenders = []
    for path in list((root / "templates").rglob("*")) + list(STATIC.rglob("*.css")) + list(STATIC.rglob("*.js")):
        if path.is_file():
            for url in re.findall(r"(?:src|href)=[\"'](https?://[^\"']+)", path.read_text()):
                if not url.startswith(("http://localhost", "http://www.w3.org")):
                    offenders.append((path.name, url))
    assert offenders == []


def test_the_browsers_first_look_for_favicon_ico_finds_the_apps_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    body = response.get_data()
    # An icon file (reserved 0, type 1 = icon) holding the app's own icon, with no session for the visit.
    assert body[:4] == b"\x00\x00\x01\x00"
    assert (STATIC / "icons" / "icon-192.png").read_bytes() in body
    assert "Set-Cookie" not in response.headers
    assert "max-age" in response.headers["Cache-Control"]
