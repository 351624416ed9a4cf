"""Benchmark: server time per page against a bare Flask "hello", SQL statements per page, and page weight.

Run with `make bench`. It builds its own SQLite database in a temporary folder, so it never touches yours.
Budgets (DESIGN.md section 8): constant queries per page; server time a small multiple of a bare Flask
response; first load at most ~60 KB compressed with at most ~15 KB of our own JavaScript.
"""

from __future__ import annotations

import gzip
import resource
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask
from py_vapid import Vapid02
from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from familyapp import create_app, db  # noqa: E402
from familyapp.cli import upgrade_database  # noqa: E402
from tests import factories  # noqa: E402

ROUNDS = 300


def timed(client, url: str, rounds: int = ROUNDS) -> float:
    """Median server time of a GET in milliseconds (in-process, no network)."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return samples[len(samples) // 2] * 1000


def grow_network(family, parent, people: int = 25) -> None:
    """A busy network map: 25 more people around the family (every change keeps a version of the map)."""
    from familyapp.network import services
    from familyapp.network.models import PersonKind, Ring, Sector

    rings, sectors = list(Ring), list(Sector)
    for i in range(people):
        data = factories.person_data(f"Person {i}", "ven", rings[i % 3], sectors[i % 6])
        services.add_person(family, PersonKind.PRIVATE, data, actor=parent, among=[])
    db.session.commit()


def grow_answers(world, parent, meetings: int = 20) -> None:
    """A long history: 20 earlier meetings, each with the parent's wellbeing and collaboration answers."""
    from datetime import timedelta

    for week in range(2, 2 + meetings):
        starts = db.utcnow() - timedelta(days=7 * week)
        meeting = factories.make_meeting(world.family_a, parent, world.consultant_a, starts_at=starts)
        factories.make_answer(world.family_a, parent, meeting, (5, 6, 5, 6))
        factories.make_answer(world.family_a, parent, meeting, (9, 9, 8, 9), purpose="alliance")
    db.session.commit()


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    upgrade_database(url)
    vapid = Vapid02()
    vapid.generate_keys()
    config = {"SECRET_KEY": "bench", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False}
    app = create_app({**config, "VAPID_PRIVATE_KEY": vapid.private_pem().decode()})
    with app.app_context():
        world = factories.make_world()
        family_id, parent, consultant = world.family_a.id, world.parent_a, world.consultant_a
        grow_network(world.family_a, parent)
        grow_answers(world, parent)

    hello = Flask("hello")
    hello.get("/")(lambda: "hello")
    base = timed(hello.test_client(), "/")

    statements: list[str] = []
    event.listen(app.extensions["db_engine"], "before_cursor_execute", lambda *a: statements.append(a[2]))
    pages = {
        "parent home": (parent, f"/families/{family_id}/"),
        "parent plan": (parent, f"/families/{family_id}/plan"),
        "plan history": (parent, f"/families/{family_id}/plan/history"),
        "parent meetings": (parent, f"/families/{family_id}/meetings"),
        "parent year wheel": (parent, f"/families/{family_id}/yearwheel"),
        "parent network map": (parent, f"/families/{family_id}/network"),
        "network then and now": (parent, f"/families/{family_id}/network/history"),
        "parent scales": (parent, f"/families/{family_id}/scales"),
        "consultant scales": (consultant, f"/families/{family_id}/scales"),
        "review queue": (consultant, "/review"),
        "consent centre": (parent, f"/families/{family_id}/consent"),
        "reminders": (parent, "/reminders"),
        "service worker": (None, "/sw.js"),
        "consultant caseload": (consultant, "/caseload"),
        "sign-in page": (None, "/auth/login"),
    }
    print(f"bare Flask hello: {base:.3f} ms median over {ROUNDS}")
    print(f"{'page':<22}{'median ms':>10}{'x hello':>9}{'queries':>9}{'html gz KB':>12}")
    for name, (user, path) in pages.items():
        client = app.test_client()
        if user is not None:
            factories.sign_in(client, user)
        client.get(path)
        statements.clear()
        body = client.get(path).get_data()
        queries = len(statements)
        ms = timed(client, path)
        print(f"{name:<22}{ms:>10.3f}{ms / base:>9.1f}{queries:>9}{len(gzip.compress(body)) / 1024:>12.1f}")

    static = ROOT / "familyapp" / "static"
    css = len(gzip.compress((static / "css" / "app.css").read_bytes())) / 1024
    js = sum(len(gzip.compress(p.read_bytes())) for p in (static / "js").glob("*.js")) / 1024
    print(f"static: CSS {css:.1f} KB gz, our JavaScript {js:.1f} KB gz (budget 15 KB)")
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    db.session.remove()


if __name__ == "__main__":
    main()
