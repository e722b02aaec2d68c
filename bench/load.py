"""Server CPU per request of every main page on the large dataset, against the stock admin.

For each factor (0.1 and 1 by default) it seeds, or reuses, a database with
``seed_scale``, starts gunicorn with production settings on PostgreSQL and Redis, signs
in the dataset's benchmark people (a programme manager who sees a fifth of everything, a
researcher, a line manager, a handover recipient, a superuser) by sessions created in the
database, and sends each page requests from 8 keep-alive connections. For each page it
reports req/s, p50, p95, errors and the server's CPU per request (gunicorn workers plus
their PostgreSQL backends), as a ratio to the Django admin's milestone changelist in the
same run, then the growth of each page's CPU from the smallest factor to the largest and
which of the issue's goals pass.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python -m bench.load [--factors 0.1,1]

Only loopback addresses are used, and the run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import datasets  # noqa: E402

HTML, FEED, EXPORT, BASELINE, CEILING = "html", "feed", "export", "baseline", "ceiling"

# Goals from the issue (benchmark figures, not timed tests).
HTML_GOAL = 0.25  # HTML page CPU per request at most a quarter of the admin changelist's
FEED_GOAL = 1.0  # feeds and exports no more than the admin changelist's
GROWTH_GOAL = 1.3  # CPU growth from the smallest factor to the largest
MEMORY_GOAL_MB = 5.0  # feeds and exports: peak worker memory no larger at the larger factor
ICAL_PAST_DAYS, ICAL_FUTURE_DAYS = 90, 731  # the example window


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    kind: str
    role: str | None  # a BENCH_USERS role, or None when the page needs no session
    target: str  # a URL name, a path, or a template filled from the run's context
    query: str = ""
    memory: bool = False


PAGES = [
    Page("health", "/healthz (ceiling)", CEILING, None, "/healthz"),
    Page(
        "admin",
        "admin milestone changelist",
        BASELINE,
        "superuser",
        "admin:programmes_milestone_changelist",
    ),
    Page("home_pm", "my work (programme manager)", HTML, "programme_manager", "home"),
    Page("home_researcher", "my work (researcher)", HTML, "researcher", "home"),
    Page("opportunities", "opportunities", HTML, "researcher", "exchange:opportunity_list"),
    Page(
        "applications",
        "applications (line manager)",
        HTML,
        "line_manager",
        "exchange:application_list",
    ),
    Page(
        "queue", "application queue (PM)", HTML, "programme_manager", "exchange:application_queue"
    ),
    Page("secondments", "secondments (PM)", HTML, "programme_manager", "exchange:secondment_list"),
    Page(
        "secondment",
        "secondment page (PM)",
        HTML,
        "programme_manager",
        "/exchanges/secondments/{secondment}/",
    ),
    Page("reciprocity", "reciprocity (PM)", HTML, "programme_manager", "exchange:reciprocity"),
    Page("programmes", "programmes (PM)", HTML, "programme_manager", "programmes:programme_list"),
    Page(
        "dashboard",
        "programme dashboard (PM)",
        HTML,
        "programme_manager",
        "/programmes/{programme}/",
    ),
    Page(
        "project", "project page (PM)", HTML, "programme_manager", "/programmes/projects/{project}/"
    ),
    Page(
        "milestones_pm",
        "milestone list (PM)",
        HTML,
        "programme_manager",
        "programmes:milestone_list",
    ),
    Page(
        "milestones_filtered",
        "milestone list filtered (PM)",
        HTML,
        "programme_manager",
        "programmes:milestone_list",
        "status=planned&institute=UK-AISI&due_before={in90}&sort=due",
    ),
    Page(
        "milestones_researcher",
        "milestone list (researcher)",
        HTML,
        "researcher",
        "programmes:milestone_list",
    ),
    Page(
        "milestone",
        "milestone page (PM)",
        HTML,
        "programme_manager",
        "/programmes/milestones/{milestone}/",
    ),
    Page("documents", "documents (researcher)", HTML, "researcher", "handover:document_list"),
    Page("document", "document page (researcher)", HTML, "researcher", "/documents/{document}/"),
    Page("handovers", "handovers (recipient)", HTML, "recipient", "handover:handover_list"),
    Page(
        "handover",
        "handover page (recipient)",
        HTML,
        "recipient",
        "/documents/handovers/{handover}/",
    ),
    Page("notifications", "notifications (researcher)", HTML, "researcher", "notifications:list"),
    Page(
        "csv",
        "milestone CSV export (PM)",
        EXPORT,
        "programme_manager",
        "programmes:milestone_export_csv",
        memory=True,
    ),
    Page(
        "xlsx",
        "milestone XLSX export (PM)",
        EXPORT,
        "programme_manager",
        "programmes:milestone_export_xlsx",
        memory=True,
    ),
    Page("ical", "iCal feed (PM)", FEED, None, "/calendar/{token}.ics", memory=True),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url: str, secret_key: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
        # Keep each worker's database connection for the whole run, so that the backend
        # whose CPU is counted stays the same process.
        CONN_MAX_AGE="3600",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


# --- one factor, in its own process -----------------------------------------------


def _context(today: datetime.date) -> tuple[dict, dict]:
    """Session cookies for the benchmark people, and the ids the page paths need."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User
    from bench.scale import BENCH_USERS
    from exchange.models import Secondment
    from handover.models import Document, Handover, HandoverStatus
    from programmes.models import CalendarFeed, Milestone, Programme, Project

    people = {role: User.objects.get(email=email) for role, email in BENCH_USERS.items()}
    cookies = {}
    for role, person in people.items():
        # A signed-in session, as the sign-in (with its second factor) would leave it.
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.create()
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    pm, researcher, recipient = (
        people["programme_manager"],
        people["researcher"],
        people["recipient"],
    )
    programme = Programme.objects.filter(managers=pm).order_by("pk").first()
    project = Project.objects.filter(programme=programme).order_by("code").first()
    delivered = [HandoverStatus.SENT, HandoverStatus.ACKNOWLEDGED, HandoverStatus.QUERIED]
    ids = {
        "programme": programme.pk,
        "project": project.code,
        "milestone": Milestone.objects.filter(project=project).order_by("pk").first().pk,
        "secondment": Secondment.objects.filter(programme=programme).order_by("pk").first().pk,
        "handover": Handover.objects.filter(recipients=recipient, status__in=delivered)
        .order_by("-pk")
        .first()
        .reference,
        "document": Document.objects.filter(
            owner_institute_id=researcher.institute_id, releasability=""
        )
        .order_by("-updated_at", "-pk")
        .first()
        .pk,
        "token": CalendarFeed.objects.get(user=pm).token,
        "in90": (today + datetime.timedelta(days=90)).isoformat(),
    }
    return cookies, ids


def _path(page: Page, ids: dict) -> str:
    from django.urls import reverse

    path = page.target if page.target.startswith("/") else reverse(page.target)
    path = path.format(**ids)
    if page.query:
        path += "?" + page.query.format(**ids)
    return path


def _ical_checks(body: bytes, headers: dict, today: datetime.date, port: int, path: str):
    """Whether the feed covers a bounded window and answers conditional requests."""
    from bench.http_load import fetch

    dates = sorted(
        datetime.date(int(m[0:4]), int(m[4:6]), int(m[6:8]))
        for m in re.findall(rb"DTSTART;VALUE=DATE:(\d{8})", body)
        for m in [m.decode()]
    )
    conditional = {}
    if "etag" in headers:
        conditional["If-None-Match"] = headers["etag"]
    if "last-modified" in headers:
        conditional["If-Modified-Since"] = headers["last-modified"]
    status = None
    if conditional:
        again = asyncio.run(
            fetch("127.0.0.1", port, path, {"X-Forwarded-Proto": "https", **conditional})
        )
        status = again.status
    earliest = (dates[0] - today).days if dates else None
    latest = (dates[-1] - today).days if dates else None
    return {
        "events": len(dates),
        "earliest_days": earliest,
        "latest_days": latest,
        "bounded": bool(dates)
        and earliest >= -ICAL_PAST_DAYS - 1
        and latest <= ICAL_FUTURE_DAYS + 1,
        "validators": sorted(conditional),
        "conditional_status": status,
        "answers_304": status == 304,
    }


def prepare(args) -> dict:
    """Sessions, page paths and today's date for one factor's database (its own process)."""
    os.environ.update(production_env(args.database_url, args.secret_key))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import timezone

    today = timezone.now().date()
    cookies, ids = _context(today)
    return {
        "today": today.isoformat(),
        "cookies": cookies,
        "paths": {page.key: _path(page, ids) for page in PAGES},
    }


@dataclass
class Target:
    """One factor's running server, and what its pages need."""

    factor: float
    url: str
    server: object
    port: int
    today: datetime.date
    cookies: dict
    paths: dict


def _memory_probe(target: Target, page: Page, headers: dict) -> dict:
    """Peak resident memory one request adds to a fresh worker (after a small page)."""
    from bench.http_load import hammer
    from bench.server import peak_rss_mb, reset_peak_rss, rss_mb

    server, port = target.server, target.port
    server.restart_workers()
    asyncio.run(
        hammer("127.0.0.1", port, "/healthz", headers, concurrency=server.workers,
               min_requests=4 * server.workers, max_requests=4 * server.workers,
               min_seconds=0, max_seconds=30)
    )  # fmt: skip
    base = {pid: rss_mb(pid) for pid in server.worker_pids()}
    for pid in base:
        reset_peak_rss(pid)
    single = asyncio.run(
        hammer("127.0.0.1", port, target.paths[page.key], headers, concurrency=1,
               min_requests=1, max_requests=1, min_seconds=0, max_seconds=600, timeout=600)
    )  # fmt: skip
    if set(server.worker_pids()) != set(base) or single.errors:
        return {"memory_note": "the worker was replaced or the request failed"}
    peaks = {pid: peak_rss_mb(pid) for pid in base}
    return {
        "base_rss_mb": max(base.values()),
        "peak_rss_mb": max(peaks.values()),
        "growth_mb": max(peaks[pid] - base[pid] for pid in base),
    }


def measure(target: Target, page: Page, args) -> dict:
    """One page on one factor's server: memory (feeds, exports), then CPU under load."""
    from bench.http_load import fetch, hammer

    server, port, path = target.server, target.port, target.paths[page.key]
    headers = {"X-Forwarded-Proto": "https", "Accept-Encoding": "identity"}
    if page.role:
        headers["Cookie"] = target.cookies[page.role]
    memory = _memory_probe(target, page, headers) if page.memory else {}
    # Warm up (compiled templates, connections, caches), then measure.
    warm = asyncio.run(
        hammer("127.0.0.1", port, path, headers, concurrency=2,
               min_requests=args.warmup, max_requests=args.warmup,
               min_seconds=0, max_seconds=args.max_seconds, timeout=args.timeout + 30)
    )  # fmt: skip
    # A request may wait behind (connections / workers) others: the client waits as long,
    # so that a slow page is measured, not abandoned while the server still works on it.
    queue = -(-args.concurrency // server.workers)
    before = server.snapshot()
    result = asyncio.run(
        hammer("127.0.0.1", port, path, headers, concurrency=args.concurrency,
               min_requests=args.min_requests, max_requests=args.max_requests,
               min_seconds=args.seconds, max_seconds=args.max_seconds,
               timeout=args.timeout * queue + 30)
    )  # fmt: skip
    used = server.used_since(before)
    row = {
        "key": page.key,
        "label": page.label,
        "kind": page.kind,
        "role": page.role,
        "path": path,
        "requests": result.requests,
        "errors": result.errors + warm.errors,
        "statuses": result.statuses,
        "rps": result.rps,
        "p50_ms": result.p50_ms,
        "p95_ms": result.percentile(0.95),
        "max_ms": result.percentile(1.0),
        "bytes_per_response": result.bytes / result.requests if result.requests else 0,
        "streamed": result.chunked,
        "cpu_workers_s": used.workers,
        "cpu_db_s": used.backends,
        "cpu_ms": 1000 * used.total / result.requests if result.requests else 0,
        "db_share": used.backends / used.total if used.total else 0,
        "processes_lost": used.lost,
        **memory,
    }
    if page.key == "ical":
        sample = asyncio.run(fetch("127.0.0.1", port, path, headers))
        row["ical"] = _ical_checks(sample.body, sample.headers, target.today, port, path)
    lost = f", {used.lost} processes lost: CPU undercounted" if used.lost else ""
    print(
        f"  {page.label:34} factor {target.factor:<4g} {row['cpu_ms']:9.1f} ms CPU/request "
        f"({result.requests} requests, {row['errors']} errors{lost})",
        flush=True,
    )
    return row


# --- the whole run ----------------------------------------------------------------


def _ratio(value: float, base: float) -> float:
    return value / base if base else float("nan")


def report(results: list[dict], seeding: dict) -> tuple[str, list[tuple[str, bool, str]]]:
    """The tables and the goals, as text; and each goal's (name, passed, detail)."""
    lines = []
    results = sorted(results, key=lambda r: r["factor"])
    for result in results:
        rows = {row["key"]: row for row in result["rows"]}
        admin = rows["admin"]["cpu_ms"]
        lines.append(
            f"\nFactor {result['factor']:g} ({result['database']}, {result['today']}): "
            f"admin changelist {admin:.1f} ms server CPU per request"
        )
        lines.append(
            f"{'page':34} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'err':>4} "
            f"{'CPU ms':>8} {'DB %':>5} {'÷ admin':>8} {'KB':>8}"
        )
        for row in result["rows"]:
            row["cpu_ratio"] = _ratio(row["cpu_ms"], admin)
            lines.append(
                f"{row['label']:34} {row['rps']:7.1f} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
                f"{row['errors']:4d} {row['cpu_ms']:8.1f} {100 * row['db_share']:5.0f} "
                f"{row['cpu_ratio']:7.2f}x {row['bytes_per_response'] / 1024:8.1f}"
                + ("  (!) processes lost: CPU undercounted" if row["processes_lost"] else "")
            )
    goals: list[tuple[str, bool, str]] = []
    small, large = results[0], results[-1]
    large_rows = {row["key"]: row for row in large["rows"]}
    small_rows = {row["key"]: row for row in small["rows"]}
    if len(results) > 1:
        lines.append(
            f"\nGrowth of CPU per request from factor {small['factor']:g} to "
            f"{large['factor']:g} (goal: at most {GROWTH_GOAL}x)"
        )
        for key, row in large_rows.items():
            if key not in small_rows:
                continue
            row["growth"] = _ratio(row["cpu_ms"], small_rows[key]["cpu_ms"])
            lines.append(f"  {row['label']:34} {row['growth']:6.2f}x")
    for key, row in large_rows.items():
        if row["kind"] == HTML:
            ok = row["cpu_ratio"] <= HTML_GOAL
            goals.append((f"{row['label']}: ≤ {HTML_GOAL}x admin", ok, f"{row['cpu_ratio']:.2f}x"))
        elif row["kind"] in (FEED, EXPORT):
            ok = row["cpu_ratio"] <= FEED_GOAL
            goals.append(
                (f"{row['label']}: ≤ {FEED_GOAL:g}x admin", ok, f"{row['cpu_ratio']:.2f}x")
            )
        if row["kind"] in (HTML, FEED, EXPORT) and "growth" in row:
            ok = row["growth"] <= GROWTH_GOAL
            goals.append((f"{row['label']}: growth ≤ {GROWTH_GOAL}x", ok, f"{row['growth']:.2f}x"))
        small_growth = small_rows.get(key, {}).get("growth_mb")
        if row.get("growth_mb") is not None and small_growth is not None and len(results) > 1:
            extra = row["growth_mb"] - small_rows[key].get("growth_mb", 0)
            goals.append(
                (
                    f"{row['label']}: constant memory (peak grows < {MEMORY_GOAL_MB:g} MB)",
                    extra < MEMORY_GOAL_MB,
                    f"+{small_rows[key]['growth_mb']:.1f} MB at {small['factor']:g}, "
                    f"+{row['growth_mb']:.1f} MB at {large['factor']:g}",
                )
            )
        if row.get("errors"):
            goals.append((f"{row['label']}: no errors", False, f"{row['errors']} errors"))
    ical = large_rows.get("ical", {}).get("ical")
    if ical:
        goals.append(
            (
                "iCal feed: bounded window (past 90 days, next two years)",
                ical["bounded"],
                f"{ical['events']} events from {ical['earliest_days']} to "
                f"{ical['latest_days']} days from today",
            )
        )
        goals.append(
            (
                "iCal feed: answers a conditional request with 304",
                ical["answers_304"],
                f"validators {ical['validators'] or 'none'}, status {ical['conditional_status']}",
            )
        )
    lines.append(f"\nMemory of a fresh worker (factor {large['factor']:g})")
    for row in large["rows"]:
        if row.get("memory_note"):
            lines.append(f"  {row['label']:34} not measured: {row['memory_note']}")
        if row.get("peak_rss_mb"):
            lines.append(
                f"  {row['label']:34} base {row['base_rss_mb']:6.1f} MB, peak "
                f"{row['peak_rss_mb']:6.1f} MB (+{row['growth_mb']:.1f} MB), "
                f"{'streamed' if row['streamed'] else 'not streamed'}"
            )
    if seeding:
        lines.append(
            "\nSeeding: " + ", ".join(f"factor {f:g} {s:.0f} s" for f, s in seeding.items())
        )
    passed = sum(1 for _, ok, _ in goals if ok)
    lines.append(f"\nGoals: {passed} of {len(goals)} pass")
    for name, ok, detail in goals:
        lines.append(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")
    return "\n".join(lines), goals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", default="0.1,1", help="comma-separated seed_scale factors")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--seconds", type=float, default=6, help="least time per page")
    parser.add_argument("--max-seconds", type=float, default=60, help="most time per page")
    parser.add_argument("--min-requests", type=int, default=16)
    parser.add_argument(
        "--timeout",
        type=int,
        default=120,
        help="gunicorn's worker timeout (30 in production; longer so that slow pages on a "
        "busy machine are measured rather than killed)",
    )
    parser.add_argument("--max-requests", type=int, default=1500)
    parser.add_argument("--warmup", type=int, default=6)
    parser.add_argument("--pages", default="", help="comma-separated page keys (default all)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--reseed", action="store_true", help="seed afresh even if reusable")
    parser.add_argument("--drop", action="store_true", help="drop the databases afterwards")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "load.json"))
    # Internal: prepare one factor's sessions and paths in this process.
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--secret-key", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.prepare:
        Path(args.result).write_text(json.dumps(prepare(args)))
        return 0

    from bench.scale import DEFAULT_SEED
    from bench.server import Server

    seed = DEFAULT_SEED if args.seed is None else args.seed
    base = datasets.base_database_url()
    factors = [float(f) for f in args.factors.split(",")]
    secret_key = secrets.token_urlsafe(50)
    seeding, targets = {}, []
    started = time.perf_counter()
    results_dir = Path(args.output).parent
    results_dir.mkdir(parents=True, exist_ok=True)
    for factor in factors:
        url, seconds = datasets.ensure_dataset(base, factor, seed=seed, reseed=args.reseed)
        if seconds is not None:
            seeding[factor] = seconds
    # Production serves hashed, compressed static files: collect them as a deploy would.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=production_env(base, secret_key),
        check=True,
    )
    try:
        for factor in factors:
            url = datasets.with_database(
                base, f"{datasets.database_name(base)}_scale_{datasets.factor_slug(factor)}"
            )
            prepared = results_dir / f"prepare.{datasets.factor_slug(factor)}.json"
            subprocess.run(
                [sys.executable, "-m", "bench.load", "--prepare", f"--database-url={url}",
                 f"--secret-key={secret_key}", f"--result={prepared}"],
                cwd=ROOT,
                check=True,
            )  # fmt: skip
            info = json.loads(prepared.read_text())
            prepared.unlink()
            port = free_port()
            server = Server(
                port=port,
                workers=args.workers,
                env=production_env(url, secret_key),
                database_url=url,
                timeout=args.timeout,
            )
            server.start()
            targets.append(
                Target(
                    factor=factor,
                    url=url,
                    server=server,
                    port=port,
                    today=datetime.date.fromisoformat(info["today"]),
                    cookies=info["cookies"],
                    paths=info["paths"],
                )
            )
        # Every page at every factor, one after the other, so that the machine's load at
        # the time weighs on both sides of each growth figure alike.
        only = set(args.pages.split(",")) if args.pages else None
        rows = {target.factor: [] for target in targets}
        for n, page in enumerate(PAGES):
            if only and page.key not in only and page.kind not in (BASELINE, CEILING):
                continue
            for target in targets if n % 2 == 0 else reversed(targets):
                rows[target.factor].append(measure(target, page, args))
    finally:
        for target in targets:
            target.server.stop()
    results = [
        {
            "factor": target.factor,
            "database": datasets.database_name(target.url),
            "today": target.today.isoformat(),
            "rows": sorted(
                rows[target.factor], key=lambda r: [p.key for p in PAGES].index(r["key"])
            ),
        }
        for target in targets
    ]
    text, goals = report(results, seeding)
    print(text)
    print(f"\nTotal time {time.perf_counter() - started:.0f} s")
    Path(args.output).write_text(
        json.dumps({"args": vars(args), "seeding": seeding, "results": results,
                    "goals": goals}, indent=2, default=str)
    )  # fmt: skip
    if args.drop:
        for target in targets:
            datasets.drop_database(target.url)
    # Failing goals are the findings; only errors make the run itself fail.
    return 1 if any(row["errors"] for r in results for row in r["rows"]) else 0


if __name__ == "__main__":
    raise SystemExit(main())
