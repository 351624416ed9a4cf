"""Load benchmark: the app under gunicorn (4 sync workers) with 20 concurrent clients, against a bare Flask "hello"
under the same gunicorn settings.

    .venv/bin/python bench/load.py                      # SQLite (a fresh file in a temporary folder)
    .venv/bin/python bench/load.py --postgres URL       # and PostgreSQL too (or BENCH_POSTGRES_URL=URL)

The PostgreSQL database at URL is emptied first (its public schema is dropped): give it one of its own. The
database is built by the app's own CLI (``flask db-upgrade``) and filled through its services (the test
factories); clients are signed in by session rows written straight into the database, as the tests do, so no
passkey ceremony is needed. Each client is a process of its own that signs in as one parent or consultant and
mixes reads (home, plan, meetings, scales; a consultant's read also writes its audit row) with writes (a plan
step ticked off and back, a reply to a meeting), for a bounded time, on the loopback address only.

It prints requests per second, p50 and p95 latency, the ratio to the bare "hello", and the 5xx answers (the budget
is 0; DESIGN.md section 8: at least a tenth of the hello's throughput). Everything it starts is stopped again.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"  # loopback only: the bench never sends anything off this machine
WORKERS = 4
COOKIE = "familyapp_session"  # plain-HTTP name (no __Host- prefix without HTTPS)
HELLO = """from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
"""


# --- the database ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _vapid_pem() -> str:
    from py_vapid import Vapid02

    key = Vapid02()
    key.generate_keys()
    return key.private_pem().decode()


def _empty_postgres(url: str) -> None:
    """Start from an empty schema (the bench's database is its own)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _flask(env: dict, *args: str) -> None:
    """Run the app's own CLI (``flask db-upgrade``)."""
    cmd = [sys.executable, "-m", "flask", "--app", "familyapp", *args]
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True, text=True)


def seed(env: dict, families: int) -> list[dict]:
    """Families built through the app's services, one signed-in session per client.

    :return: per client: its session cookie, role and the ids its requests use.
    """
    from familyapp import create_app, db, tenancy
    from familyapp.auth.models import UserSession
    from familyapp.families import services
    from familyapp.families.models import AssignmentRole, CaseType
    from familyapp.meetings.models import Meeting
    from familyapp.plans.models import GoalStep
    from tests import factories

    config = {"SECRET_KEY": env["SECRET_KEY"], "DATABASE_URL": env["DATABASE_URL"], "LOG_FORMAT": "off"}
    app = create_app({**config, "VAPID_PRIVATE_KEY": env["VAPID_PRIVATE_KEY"]})
    clients = []
    # Everything is made in the tests' municipality, where its logins' sessions then are.
    factories.add_municipality(env["DATABASE_URL"], factories.HOME, "Testkommune")
    with app.app_context(), tenancy.entered(factories.HOME):
        from datetime import date

        from sqlalchemy import select

        consultants = [factories.make_consultant(f"Konsulent {i}") for i in range(max(1, families // 2))]
        people = []
        for i in range(families):
            family = factories.make_family(f"Familien {i}", CaseType.SUPPORT if i % 2 else CaseType.INVESTIGATION)
            mother = services.add_adult(family, f"Mor {i}", "mor", actor=None, custody=True)
            father = services.add_adult(family, f"Far {i}", "far", actor=None, custody=True)
            services.add_child(family, f"Barn {i}", date(2018, 5, 1), actor=None)
            consultant = consultants[i % len(consultants)]
            services.assign_consultant(family, consultant, AssignmentRole.PRIMARY, actor=None)
            factories.make_plan(family, mother, consultant)
            meeting = factories.make_meeting(family, mother, consultant)
            factories.make_network(family, mother, consultant)
            factories.make_answer(family, mother, meeting, (6, 7, 5, 8))
            people.append((family, (mother, father), consultant))
        db.session.commit()
        ids = {}
        for family, _parents, _consultant in people:
            step = db.session.scalar(select(GoalStep.id).where(GoalStep.family_id == family.id))
            meeting = db.session.scalar(select(Meeting.id).where(Meeting.family_id == family.id))
            ids[family.id] = {"family": str(family.id), "step": str(step), "meeting": str(meeting)}
        now = db.utcnow()
        for n in range(families * 2):
            family, parents, consultant = people[n % families]
            # One client in four is a consultant (reads that write an audit row), the others parents.
            role = "consultant" if n % 4 == 3 else "parent"
            user = consultant if role == "consultant" else parents[(n // families) % 2]
            token = secrets.token_urlsafe(32)
            data = {"_user_id": str(user.id), "_fresh": True}
            db.session.add(
                UserSession(
                    id=db.secret_hash(token),
                    user_id=user.id,
                    data=data,
                    created_at=now,
                    last_seen_at=now,
                    signed_in_at=now,
                )
            )
            clients.append({"cookie": token, "role": role, **ids[family.id]})
        db.session.commit()
        db.session.remove()
    app.extensions["db_engine"].dispose()
    return clients


# --- gunicorn ----------------------------------------------------------------------------------------------


class Gunicorn:
    """A gunicorn master with WORKERS sync workers on the loopback address; stopped by ``stop``."""

    def __init__(self, target: str, env: dict, cwd: Path):
        self.port = _free_port()
        self.env = {**env, "WEBAUTHN_ORIGIN": f"http://localhost:{self.port}"}
        self.cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{self.port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
            target,
        ]
        self.cwd = cwd
        self.process: subprocess.Popen | None = None

    def start(self, probe: str) -> None:
        # Its own process group, so that stopping it takes its workers too and nothing else.
        # Its log (a JSON line per request, as in production) goes to a file, not among the figures.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            self.cmd, env=self.env, cwd=self.cwd, start_new_session=True, stdout=self.log, stderr=self.log
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                status, _body = _request(self.port, "GET", probe, {})
                if status < 500:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        self.log.seek(0)
        sys.stderr.write(self.log.read()[-4000:].decode(errors="replace"))
        raise RuntimeError(f"gunicorn did not start: {' '.join(self.cmd)}")

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        except ProcessLookupError:
            pass
        self.process = None


# --- the clients -------------------------------------------------------------------------------------------

#: What a parent does, by weight: mostly reading, sometimes ticking a step off or answering a meeting.
PARENT_MIX = [
    (30, "GET", "/families/{family}/"),
    (20, "GET", "/families/{family}/plan"),
    (15, "GET", "/families/{family}/meetings"),
    (10, "GET", "/families/{family}/scales"),
    (15, "POST", "/families/{family}/plan/steps/{step}/done"),
    (10, "POST", "/families/{family}/meetings/{meeting}/reply"),
]
#: What a consultant does: the family's mirrored screens (each read writes an audit row).
CONSULTANT_MIX = [
    (35, "GET", "/families/{family}/"),
    (25, "GET", "/families/{family}/plan"),
    (20, "GET", "/families/{family}/meetings"),
    (20, "GET", "/families/{family}/scales"),
]
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@dataclass
class Tally:
    """One client's (or everyone's) results: latencies in ms per kind, and statuses."""

    latencies: dict = field(default_factory=lambda: {"read": [], "write": []})
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0

    def add(self, other: Tally) -> None:
        for kind, values in other.latencies.items():
            self.latencies[kind].extend(values)
        self.statuses.update(other.statuses)
        self.errors += other.errors


def _request(port: int, method: str, path: str, headers: dict, body: str | None = None):
    """One request on a new connection (gunicorn's sync workers close each one); (status, body).

    A redirect to the sign-in page counts as status 0: the client lost its sign-in, which must not happen here.
    """
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        signed_out = response.status in (302, 303) and "/auth/login" in (response.getheader("Location") or "")
        return (0 if signed_out else response.status), response.read()
    finally:
        conn.close()


def run_client(job: tuple) -> Tally:
    """One client: sign-in cookie, the form token from its first page, a warm-up (every worker compiles its
    templates once; not counted), then requests until the deadline."""
    port, client, warm_until, seconds, seed_ = job
    tally = Tally()
    rng = random.Random(seed_)
    headers = {"Cookie": f"{COOKIE}={client['cookie']}"} if client else {}
    mix = [(1, "GET", "/")]
    token = ""
    if client:
        mix = PARENT_MIX if client["role"] == "parent" else CONSULTANT_MIX
        _status, page = _request(port, "GET", f"/families/{client['family']}/", headers)
        found = CSRF.search(page.decode())
        token = found.group(1) if found else ""
    weights = [w for w, _m, _p in mix]
    answers = ["coming", "cannot"]
    deadline = warm_until + seconds
    while time.time() < deadline:
        counted = time.time() >= warm_until
        _w, method, path = rng.choices(mix, weights)[0]
        url = path.format(**client) if client else path
        body, extra = None, {}
        if method == "POST":
            body = f"csrf_token={token}&answer={rng.choice(answers)}&reason="
            extra = {"Content-Type": "application/x-www-form-urlencoded"}
        began = time.perf_counter()
        try:
            status, _body = _request(port, method, url, {**headers, **extra}, body)
        except OSError:
            tally.errors += counted
            continue
        if counted:
            tally.latencies["write" if method == "POST" else "read"].append((time.perf_counter() - began) * 1000)
            tally.statuses[status] += 1
        elif status >= 500:
            tally.statuses[status] += 1  # a server error counts whenever it happens
    return tally


def load(port: int, clients: list[dict | None], seconds: float, warmup: float) -> tuple[Tally, float]:
    """Run every client at once (one process each) for ``warmup`` + ``seconds``; return the tally of the counted
    part and its wall time."""
    warm_until = time.time() + 2.0 + warmup  # every client has its form token before the clock starts
    jobs = [(port, c, warm_until, seconds, n) for n, c in enumerate(clients)]
    with multiprocessing.get_context("fork").Pool(len(jobs)) as pool:
        tallies = pool.map(run_client, jobs)
    total = Tally()
    for tally in tallies:
        total.add(tally)
    return total, max(seconds, time.time() - warm_until)


# --- the report --------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@dataclass
class Result:
    name: str
    tally: Tally
    seconds: float

    @property
    def requests(self) -> int:
        return sum(self.tally.statuses.values())

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.tally.statuses.items() if status >= 500)

    @property
    def signed_out(self) -> int:
        return self.tally.statuses.get(0, 0)


def report(results: list[Result], clients: int) -> None:
    hello = next(r for r in results if r.name == "bare Flask hello")
    print(f"\n{clients} clients, gunicorn {WORKERS} sync workers, {HOST}; latencies in ms")
    head = f"{'target':<26}{'requests':>9}{'req/s':>9}{'x hello':>9}{'p50':>8}{'p95':>8}"
    print(head + f"{'read p50/p95':>16}{'write p50/p95':>16}{'5xx':>6}{'net err':>9}")
    for r in results:
        every = r.tally.latencies["read"] + r.tally.latencies["write"]
        reads, writes = r.tally.latencies["read"], r.tally.latencies["write"]
        split_r = f"{percentile(reads, 50):.0f}/{percentile(reads, 95):.0f}"
        split_w = f"{percentile(writes, 50):.0f}/{percentile(writes, 95):.0f}" if writes else "-"
        print(
            f"{r.name:<26}{r.requests:>9}{r.rate:>9.0f}{r.rate / hello.rate:>9.2f}"
            f"{percentile(every, 50):>8.1f}{percentile(every, 95):>8.1f}{split_r:>16}{split_w:>16}"
            f"{r.server_errors:>6}{r.tally.errors:>9}"
        )
    for r in results:
        statuses = ", ".join(f"{s or 'sent to sign-in'}: {n}" for s, n in sorted(r.tally.statuses.items()))
        print(f"  {r.name}: statuses {statuses}")
    worst = min((r for r in results if r is not hello), key=lambda r: r.rate, default=None)
    if worst is not None:
        verdict = "within" if worst.rate >= hello.rate / 10 else "OUTSIDE"
        print(f"budget (DESIGN.md 8): at least 1/10 of hello's throughput: {verdict} ({worst.rate / hello.rate:.2f})")
    hello_p95 = percentile(hello.tally.latencies["read"], 95)
    for r in results:
        if r is not hello:
            p95 = percentile(r.tally.latencies["read"] + r.tally.latencies["write"], 95)
            verdict = "within" if p95 <= 20 * hello_p95 else "OUTSIDE"
            print(f"budget (issue 23): p95 within 20x the hello's: {r.name}: {verdict} ({p95 / hello_p95:.1f}x)")
    print(f"budget: 5xx answers: {sum(r.server_errors for r in results)} (must be 0)")


# --- the runs ----------------------------------------------------------------------------------------------


def bench_app(name: str, url: str, args, base_env: dict, tmp: Path) -> Result:
    """Build the database, sign the clients in, serve the app with gunicorn and load it."""
    env = {**base_env, "DATABASE_URL": url}
    if url.startswith("postgresql"):
        _empty_postgres(url)
    _flask(env, "db-upgrade")
    clients = seed(env, args.clients // 2)
    server = Gunicorn("familyapp:create_app()", env, ROOT)
    server.start("/offline")
    try:
        print(f"{name}: {len(clients)} clients for {args.seconds:.0f} s ...", flush=True)
        tally, seconds = load(server.port, clients, args.seconds, args.warmup)
    finally:
        server.stop()
    return Result(name, tally, seconds)


def bench_hello(args, base_env: dict, tmp: Path) -> Result:
    (tmp / "hello_app.py").write_text(HELLO)
    server = Gunicorn("hello_app:app", base_env, tmp)
    server.start("/")
    try:
        print(f"bare Flask hello: {args.clients} clients for {args.seconds:.0f} s ...", flush=True)
        tally, seconds = load(server.port, [None] * args.clients, args.seconds, args.warmup)
    finally:
        server.stop()
    return Result("bare Flask hello", tally, seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL"), help="also PostgreSQL (emptied)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--seconds", type=float, default=15, help="how long each run is counted (default 15)")
    parser.add_argument("--warmup", type=float, default=3, help="uncounted seconds before (default 3)")
    args = parser.parse_args()
    if args.clients < 2:
        parser.error("--clients must be at least 2")
    tmp = Path(tempfile.mkdtemp(prefix="familyapp-load-"))
    base_env = {
        **os.environ,
        "SECRET_KEY": "bench-" + secrets.token_hex(8),
        "FAMILYAPP_ENV": "production",
        "VAPID_PRIVATE_KEY": _vapid_pem(),
        "PYTHONPATH": str(ROOT),
    }
    try:
        results = [bench_hello(args, base_env, tmp)]
        results.append(bench_app("app on SQLite", f"sqlite:///{tmp / 'load.sqlite3'}", args, base_env, tmp))
        if args.postgres:
            results.append(bench_app("app on PostgreSQL", args.postgres, args, base_env, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report(results, args.clients)
    return 0 if all(r.server_errors == 0 and r.signed_out == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
