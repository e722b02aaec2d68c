"""Latency and throughput of the main pages under concurrent load.

Starts gunicorn with production settings on this machine, signs a demo person in, and
sends a bounded number of requests to each page from a pool of keep-alive connections.
Every figure is also given as a ratio against ``/healthz`` measured in the same run, so
results compare across machines.

    DATABASE_URL=postgres://... python -m bench.load [--requests 400] [--concurrency 8]

Only loopback addresses are used, and the run stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (label, URL name or path, signed in?). Pages not built yet are skipped.
PAGES = [
    ("health (baseline)", "/healthz", False),
    ("sign-in page", "/accounts/login/", False),
    ("my work", "home", True),
    ("opportunities", "exchange:opportunity_list", True),
    ("applications", "exchange:application_list", True),
    ("programmes", "programmes:programme_list", True),
    ("milestones", "programmes:milestone_list", True),
    ("documents", "handover:document_list", True),
    ("handovers", "handover:handover_list", True),
    ("notifications", "notifications:list", True),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_django() -> None:
    # One signing key for this process and the server, so that our session cookie holds.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def resolve(name: str) -> str | None:
    from django.urls import NoReverseMatch, reverse

    if name.startswith("/"):
        return name
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def session_cookie(email: str) -> str:
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def production_env() -> dict:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def start_server(port: int, workers: int) -> subprocess.Popen:
    env = production_env()
    # Production serves hashed, compressed static files: collect them as a deploy would.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status in (200, 503):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not start within 60 seconds")


def hammer(port: int, path: str, cookie: str | None, total: int, concurrency: int) -> dict:
    per_worker = [
        total // concurrency + (1 if i < total % concurrency else 0) for i in range(concurrency)
    ]
    headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie

    def worker(count: int) -> tuple[list[float], int]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        timings, errors = [], 0
        for _ in range(count):
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors += 1
            except OSError:
                errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            timings.append(time.perf_counter() - started)
        conn.close()
        return timings, errors

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(worker, per_worker))
    elapsed = time.perf_counter() - started
    timings = sorted(t for r in results for t in r[0])
    return {
        "requests": len(timings),
        "errors": sum(r[1] for r in results),
        "rps": len(timings) / elapsed,
        "p50_ms": statistics.median(timings) * 1000,
        "p95_ms": timings[int(len(timings) * 0.95) - 1] * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per page")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--as-user", default="researcher@aisi.example.gov.uk")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "load.json"))
    args = parser.parse_args(argv)

    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    cookie = session_cookie(args.as_user)

    port = free_port()
    server = start_server(port, args.workers)
    rows = []
    try:
        for label, name, signed_in in PAGES:
            path = resolve(name)
            if path is None:
                continue
            hammer(port, path, cookie if signed_in else None, min(40, args.requests), 2)  # warm
            result = hammer(
                port, path, cookie if signed_in else None, args.requests, args.concurrency
            )
            rows.append({"page": label, "path": path, **result})
    finally:
        server.terminate()
        server.wait(timeout=30)

    base = rows[0]
    header = f"{'page':22} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}"
    print(header + "  vs /healthz (p50, req/s)")
    for row in rows:
        row["p50_ratio"] = row["p50_ms"] / base["p50_ms"]
        row["rps_ratio"] = row["rps"] / base["rps"]
        print(
            f"{row['page']:22} {row['rps']:8.1f} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
            f"{row['errors']:6d}  {row['p50_ratio']:5.2f}x, {row['rps_ratio']:5.2f}x"
        )
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps({"args": vars(args), "rows": rows}, indent=2))
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
