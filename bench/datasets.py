"""Benchmark databases holding the ``seed_scale`` dataset, one per factor.

Each is named after the database in ``DATABASE_URL`` with a suffix (``<name>_scale_1``,
``<name>_scale_0p1``), created, migrated and seeded on first use, and kept for the next
run: PostgreSQL's comment on the database records the factor, the seed and a digest of
the seeder's code, so a changed seeder or factor seeds afresh.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def base_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not urlsplit(url).scheme.startswith("postgres"):
        sys.exit("The benchmarks need PostgreSQL: set DATABASE_URL=postgres://...")
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def factor_slug(factor: float) -> str:
    return f"{factor:g}".replace(".", "p").replace("-", "m")


def _admin_connection(url: str):
    import psycopg

    return psycopg.connect(with_database(url, "postgres"), autocommit=True)


def recreate_database(url: str) -> None:
    name = database_name(url)
    with _admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    with _admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database_name(url)}" WITH (FORCE)')


def _comment(url: str) -> str | None:
    with _admin_connection(url) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [database_name(url)],
        ).fetchone()
    return None if row is None else (row[0] or "")


def seeder_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "bench" / "scale").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def marker(factor: float, seed: int) -> str:
    return f"seed_scale factor={factor:g} seed={seed} code={seeder_digest()}"


def manage(url: str, *args: str, env: dict | None = None) -> None:
    environment = dict(env or os.environ)
    environment["DATABASE_URL"] = url
    environment.setdefault("DEBUG", "true")
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, check=True)


def ensure_dataset(
    base_url: str, factor: float, *, seed: int, reseed: bool = False, say=print
) -> tuple[str, float | None]:
    """The URL of a database holding the dataset for ``factor``, and the seconds spent
    seeding it now (None when an earlier run's database was reused)."""
    url = with_database(base_url, f"{database_name(base_url)}_scale_{factor_slug(factor)}")
    expected = marker(factor, seed)
    if not reseed and _comment(url) == expected:
        say(f"Reusing {database_name(url)} ({expected}).")
        return url, None
    say(f"Creating {database_name(url)}: migrate, then seed_scale --factor {factor:g}.")
    recreate_database(url)
    manage(url, "migrate", "--noinput", "-v0")
    started = time.perf_counter()
    manage(url, "seed_scale", "--factor", f"{factor:g}", "--seed", str(seed))
    seconds = time.perf_counter() - started
    with _admin_connection(url) as conn:
        conn.execute(f"COMMENT ON DATABASE \"{database_name(url)}\" IS '{expected}'")
    return url, seconds
