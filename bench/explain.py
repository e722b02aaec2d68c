"""Where each page's database time goes: EXPLAIN ANALYZE of the queries a page really runs.

Requests each page of the load benchmark once, in process, as its benchmark person, on a
``seed_scale`` database (reused or seeded as ``bench.load`` does), records the SQL, and
runs ``EXPLAIN (ANALYZE, BUFFERS)`` on each SELECT. Prints, per page, the number of
queries and their total execution time, then the slowest queries with the plan nodes that
cost most (sequential scans, sorts, nested loops) so that the fix can be named.

    DATABASE_URL=postgres://... python -m bench.explain [--factor 1] [--pages milestones_pm]
    python -m bench.explain --pages milestones_pm --full 1   # whole plan of the slowest

Read-only apart from the sessions it creates for the benchmark people.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import datasets  # noqa: E402

INTERESTING = {"Seq Scan", "Sort", "Nested Loop", "Hash Join", "Aggregate", "Bitmap Heap Scan"}


def _nodes(plan: dict, depth: int = 0):
    yield depth, plan
    for child in plan.get("Plans", []):
        yield from _nodes(child, depth + 1)


def _describe(node: dict) -> str:
    what = node["Node Type"]
    if node.get("Relation Name"):
        what += f" on {node['Relation Name']}"
    if node.get("Index Name"):
        what += f" using {node['Index Name']}"
    rows = node.get("Actual Rows", 0)
    loops = node.get("Actual Loops", 1)
    total = node.get("Actual Total Time", 0.0) * loops
    extra = ""
    if node.get("Filter"):
        extra = f" filter {node['Filter'][:90]}"
    if node.get("Rows Removed by Filter"):
        extra += f" (removed {node['Rows Removed by Filter'] * loops:,})"
    if node.get("Sort Key"):
        extra += f" key {', '.join(node['Sort Key'])[:80]}"
    return f"{what}: {rows:,} rows x {loops:,} loops, {total:.1f} ms{extra}"


def explain(cursor, sql: str, *, timing: bool = True) -> dict:
    # Timing every plan node slows large joins down several times over; the ranking uses
    # the total without it, the details come from a second, timed run.
    cursor.execute(
        f"EXPLAIN (ANALYZE, BUFFERS, TIMING {'ON' if timing else 'OFF'}, FORMAT JSON) {sql}"
    )
    value = cursor.fetchone()[0]
    return (json.loads(value) if isinstance(value, str) else value)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=float, default=1.0)
    parser.add_argument("--pages", default="", help="comma-separated page keys (default all)")
    parser.add_argument("--top", type=int, default=3, help="slowest queries shown per page")
    parser.add_argument("--full", type=int, default=0, help="print whole plans of the N slowest")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)

    from bench.scale import DEFAULT_SEED

    seed = DEFAULT_SEED if args.seed is None else args.seed
    url, _ = datasets.ensure_dataset(datasets.base_database_url(), args.factor, seed=seed)
    from bench.load import PAGES, _context, _path, production_env

    os.environ.update(production_env(url, secrets.token_urlsafe(50)))
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    # Exports and feeds read with a server-side cursor, which is not recorded: use an
    # ordinary cursor here (the same SELECT).
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    cookies, ids = _context(timezone.now().date())
    only = set(args.pages.split(",")) if args.pages else None
    for page in PAGES:
        if only and page.key not in only:
            continue
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        if page.role:
            client.cookies[settings.SESSION_COOKIE_NAME] = cookies[page.role].split("=", 1)[1]
        path = _path(page, ids)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
        plans = []
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                plan = explain(cursor, sql, timing=False)
                plans.append((plan["Execution Time"], plan["Planning Time"], sql))
        total = sum(p[0] for p in plans)
        print(
            f"\n== {page.label} ({path}) status {response.status_code}: "
            f"{len(captured.captured_queries)} queries, {total:.1f} ms executing"
        )
        plans.sort(key=lambda p: p[0], reverse=True)
        for rank, (execution, planning, sql) in enumerate(plans[: args.top], start=1):
            print(f"  #{rank} {execution:.1f} ms (planning {planning:.1f} ms): {sql[:160]}...")
            with connection.cursor() as cursor:
                plan = explain(cursor, sql)
            timed = plan["Execution Time"]
            costly = [
                (depth, node)
                for depth, node in _nodes(plan["Plan"])
                if node["Node Type"] in INTERESTING
                and node.get("Actual Total Time", 0) * node.get("Actual Loops", 1) > 0.2 * timed
            ]
            for depth, node in costly[:6]:
                print(f"      {'  ' * min(depth, 4)}{_describe(node)}")
            if rank <= args.full:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    print("\n".join("      | " + row[0] for row in cursor.fetchall()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
