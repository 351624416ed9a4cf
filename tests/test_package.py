"""The installable package (issue 14): the wheel, installed in a fresh virtual environment outside the checkout with
the pinned libraries, migrates a database (with the shipped scale definitions and consent texts) and serves pages
in Danish and English, with its static files, under gunicorn."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import TEST_VAPID_KEY
from tests.dbutil import fresh_database_url

ROOT = Path(__file__).resolve().parents[1]


def run(cmd: list, **kwargs) -> str:
    """Run a command; its output is shown when it fails."""
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def get(url: str, language: str = "da") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A virtual environment outside the checkout with the wheel built from it and requirements.lock."""
    where = tmp_path_factory.mktemp("package")
    # Built from a copy of the sources (no build/ left from an earlier build, no compiled catalogue left from
    # `make translations`: the copy compiles its own, as `make wheel` and the Dockerfile do).
    source = where / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "familyapp", source / "familyapp", ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    run([sys.executable, "-m", "babel.messages.frontend", "compile", "-d", source / "familyapp" / "translations"])
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", where / "dist", source], cwd=where)
    (wheel,) = (where / "dist").glob("familyapp-*.whl")
    run([sys.executable, "-m", "venv", where / "venv"], cwd=where)
    pip = [where / "venv" / "bin" / "python", "-m", "pip", "install", "--quiet"]
    run([*pip, "-c", ROOT / "requirements.lock", wheel], cwd=where)
    return where


def environment(where: Path, database_url: str) -> dict:
    """Production settings, nothing pointing back into the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "FLASK"))}
    venv = where / "venv" / "bin"
    env.update(
        PATH=f"{venv}:{env.get('PATH', '')}",
        FAMILYAPP_ENV="production",
        SECRET_KEY="package-test-" + "x" * 20,
        DATABASE_URL=database_url,
        LOG_FORMAT="json",
        VAPID_PRIVATE_KEY=TEST_VAPID_KEY,
        # As in the container: the instance folder (the made-up push key) is a volume, not the package's folder.
        FAMILYAPP_INSTANCE=str(where / "instance"),
    )
    return env


def test_the_wheel_outside_the_checkout_migrates_and_serves(installed, tmp_path):
    env = environment(installed, fresh_database_url(tmp_path, "package"))
    flask = [installed / "venv" / "bin" / "flask", "--app", "familyapp"]
    where = run(
        [installed / "venv" / "bin" / "python", "-c", "import familyapp; print(familyapp.__file__)"],
        env=env,
        cwd=tmp_path,
    )
    assert where.strip().startswith(str(installed / "venv")) and str(ROOT) not in where

    upgraded = run([*flask, "db-upgrade"], env=env, cwd=tmp_path)
    # The scale definitions and the consent texts came with the wheel.
    assert "wellbeing-adult" in upgraded and "share-plan" in upgraded
    assert "aarhus" in run([*flask, "municipality", "add", "aarhus", "Aarhus Kommune"], env=env, cwd=tmp_path)
    assert "Anna Admin" in run([*flask, "create-admin", "Anna Admin"], env=env, cwd=tmp_path)
    assert (installed / "instance").is_dir()  # made where FAMILYAPP_INSTANCE says, not in the package's folder

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # With the container's settings (familyapp/gunicorn_conf.py), told where to listen by the environment.
    server = subprocess.Popen(
        [installed / "venv" / "bin" / "gunicorn", "-c", "python:familyapp.gunicorn_conf", "familyapp:create_app()"],
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                status, body = get(base + "/readyz")
                break
            except OSError:
                assert time.time() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        assert status == 200 and '"ready"' in body  # the database is at the wheel's migrations
        status, danish = get(base + "/auth/login", "da")
        assert status == 200 and "<h1>Log ind</h1>" in danish  # compiled translations came with the wheel
        assert "<h1>Sign in</h1>" in get(base + "/auth/login", "en")[1]
        stylesheet = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]+)"', danish).group(1)
        status, css = get(base + stylesheet)
        assert status == 200 and len(css) > 1000
    finally:
        server.terminate()
        server.wait(10)
    log = server.stderr.read()
    server.stderr.close()
    # gunicorn's own lines too (familyapp.logs.ServerFormatter): every line is JSON.
    requests = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert {"route": "/auth/login", "status": 200} in [{k: r.get(k) for k in ("route", "status")} for r in requests]
    assert "GET /auth/login" not in log  # no access log of addresses (the app's JSON line has the route only)


def test_the_worker_runs_rounds_until_it_is_stopped(installed, tmp_path):
    """The container's job process starts (the queue's tables were made by db-upgrade on PostgreSQL) and SIGTERM
    (docker stop) ends it cleanly."""
    env = environment(installed, fresh_database_url(tmp_path, "worker"))
    flask = [str(installed / "venv" / "bin" / "flask"), "--app", "familyapp"]
    run([*flask, "db-upgrade"], env=env, cwd=tmp_path)
    worker = subprocess.Popen(
        [*flask, "worker", "--every", "1"], env=env, cwd=tmp_path, stdout=subprocess.PIPE, text=True
    )
    try:
        started = worker.stdout.readline()
        # On PostgreSQL the job queue, on SQLite rounds (its first at once).
        assert started.startswith(
            "Worker started: " + ("the job queue" if "postgresql" in env["DATABASE_URL"] else "a round")
        )
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(10) == 0
    finally:
        worker.kill()
        worker.stdout.close()
