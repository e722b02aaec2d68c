"""Reminder scan and delivery on the large dataset, each against a baseline doing the same
work, measured in the same run.

1. Copies the ``seed_scale`` database (factor 1 by default; seeded on first use), so that
   every rule runs over realistic applications, checklists, secondments, handovers and
   people, and adds milestones with ``generate_series`` up to 1,000,000 (1% due soon or
   overdue).
2. Scan: one full scan (every registered rule) against hand-written
   ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` statements, one per rule, that write
   exactly the same rows (checked): into an empty ledger, then in the steady state where
   every row is already known (what the 5-minute scan does almost always). Interleaved
   runs; medians. Also each rule alone, steady state, to find the costly ones.
3. Delivery to a local SMTP sink that requires STARTTLS (a self-signed certificate made
   at run time), from one worker: batches over one TLS connection against batches that
   open one TLS connection per email, interleaved batch by batch over fresh reminders of
   the same mix, so both do the same work (re-check, in-portal notice, rendering, marks).
   And the sink alone, without the portal's per-email work, for the ceiling of the gain.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/exchange_portal python -m bench.reminders

The working database is ``<name>_reminders``, dropped and created afresh from the
dataset's database (which is kept for the next run). Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import smtplib
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import datasets  # noqa: E402

SCAN_GOAL = 2.0  # steady-state full scan at most twice the hand-written statements
DELIVERY_GOAL = 5.0  # one TLS connection per batch at least 5x one per email

# The certificate the sink presents, in the environment so that the email backends below
# trust it (and only it) whichever module object Django imports them from.
SINK_CA_ENV = "BENCH_SMTP_SINK_CA"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_database(source_url: str, target_url: str) -> None:
    import psycopg

    source, target = datasets.database_name(source_url), datasets.database_name(target_url)
    admin = datasets.with_database(source_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def execute(sql: str, params) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


# --- more milestones ----------------------------------------------------------------


def add_milestones(total: int, today: datetime.date) -> int:
    """Milestones up to ``total``, each owned by a member of its project.

    Every 100th is due, spread over the 14 days either side of today (overdue or due
    soon); a fifth of the rest are done in the past; the others are planned or in
    progress, due 30 days or more from now.
    """
    from programmes.models import Milestone

    existing = Milestone.objects.count()
    extra = max(0, total - existing)
    if not extra:
        return 0
    execute(
        f"""
        WITH members AS (
            SELECT array_agg(project_id ORDER BY id) AS projects,
                   array_agg(user_id ORDER BY id) AS users, count(*) AS n
            FROM programmes_projectmembership
        )
        INSERT INTO {Milestone._meta.db_table}
            (project_id, title, description, owner_id, due_date, baseline_due_date, status,
             completed_on, legacy_deliverables, requires_partner_handover, created_at, updated_at)
        SELECT members.projects[1 + g %% members.n], 'Milestone ' || g, '',
               members.users[1 + g %% members.n], d.due, d.due, d.status,
               CASE WHEN d.status = 'done' THEN d.due END, '', false, now(), now()
        FROM members, generate_series(1, %(extra)s) AS g
        CROSS JOIN LATERAL (
            SELECT
                CASE
                    WHEN g %% 100 = 0 THEN %(today)s::date + ((g / 100) %% 29) - 14
                    WHEN g %% 5 = 0 THEN %(today)s::date - 1 - (g %% 700)
                    ELSE %(today)s::date + 30 + (g %% 700)
                END AS due,
                CASE
                    WHEN g %% 100 = 0 THEN 'planned'
                    WHEN g %% 5 = 0 THEN 'done'
                    WHEN g %% 2 = 0 THEN 'in_progress'
                    ELSE 'planned'
                END AS status
        ) AS d
        """,
        {"extra": extra, "today": today},
    )
    return extra


# --- the hand-written statements ------------------------------------------------------

LEDGER_COLUMNS = (
    'kind, content_type_id, object_id, recipient_id, "window", due_at, status, delivery, '
    "available_at, claim_token, attempts, last_error, created"
)
OPEN_ITEM = "i.status IN ('not_started', 'in_progress') AND i.owner_id IS NOT NULL"
LIVE = "s.status IN ('planning', 'ready', 'active')"

# (rule name, kind, model label, object, recipient, window, FROM ... WHERE ..., due_at).
# Written by hand from each rule's definition: the expert's one statement per rule.
HAND = [
    ("programmes.milestone_due", "milestone_due", "programmes.Milestone", "m.id", "m.owner_id",
     "CASE WHEN m.due_date > %(d7)s THEN 'd14' WHEN m.due_date > %(d1)s THEN 'd7' "
     "ELSE 'd1' END || ':' || m.due_date",
     "programmes_milestone m WHERE m.status IN ('planned', 'in_progress') "
     "AND m.due_date BETWEEN %(today)s AND %(d14)s", None),
    ("programmes.milestone_overdue", "milestone_overdue", "programmes.Milestone", "m.id",
     "m.owner_id", "'overdue-w' || ((%(today)s::date - m.due_date - 1) / 7) || ':' || m.due_date",
     "programmes_milestone m WHERE m.status IN ('planned', 'in_progress') "
     "AND m.due_date <= %(d_1)s", None),
    ("exchange.application_awaiting_endorsement", "application_awaiting_decision",
     "exchange.Application", "a.id", "a.line_manager_id",
     "'submitted-w' || ((%(cutoff_day)s::date - (a.status_changed_at AT TIME ZONE 'UTC')::date)"
     " / 7) || ':' || (a.status_changed_at AT TIME ZONE 'UTC')::date",
     "exchange_application a WHERE a.status = 'submitted' AND a.status_changed_at <= %(cutoff)s "
     "AND a.line_manager_id IS NOT NULL", None),
    ("exchange.application_awaiting_acceptance", "application_awaiting_decision",
     "exchange.Application", "a.id", "pm.user_id",
     "'endorsed-w' || ((%(cutoff_day)s::date - (a.status_changed_at AT TIME ZONE 'UTC')::date)"
     " / 7) || ':' || (a.status_changed_at AT TIME ZONE 'UTC')::date",
     "exchange_application a JOIN programmes_programme_managers pm "
     "ON pm.programme_id = a.programme_id WHERE a.status = 'endorsed' "
     "AND a.status_changed_at <= %(cutoff)s", None),
    ("exchange.checklist_item_due", "checklist_item_due", "exchange.ChecklistItem", "i.id",
     "i.owner_id", "'d7:' || i.due_date",
     f"exchange_checklistitem i JOIN exchange_secondment s ON s.id = i.secondment_id "
     f"WHERE {OPEN_ITEM} AND {LIVE} AND i.due_date BETWEEN %(today)s AND %(d7)s", None),
    ("exchange.checklist_item_late", "checklist_item_late", "exchange.ChecklistItem", "i.id",
     "i.owner_id", "'late:' || i.due_date",
     f"exchange_checklistitem i JOIN exchange_secondment s ON s.id = i.secondment_id "
     f"WHERE {OPEN_ITEM} AND {LIVE} AND i.due_date <= %(d_1)s", None),
    *[
        (f"exchange.secondment_starting.{who}", "secondment_starting", "exchange.Secondment",
         "s.id", f"s.{who}_id",
         "CASE WHEN s.start_date > %(d7)s THEN 'd30' ELSE 'd7' END || ':' || s.start_date",
         f"exchange_secondment s WHERE s.status IN ('planning', 'ready') "
         f"AND s.start_date BETWEEN %(today)s AND %(d30)s AND s.{who}_id IS NOT NULL", None)
        for who in ("secondee", "home_manager", "host_supervisor")
    ],
    *[
        rule
        for who in ("secondee", "home_manager")
        for rule in [
            (f"exchange.secondment_ending.{who}", "secondment_ending", "exchange.Secondment",
             "s.id", f"s.{who}_id", "'d30:' || s.end_date",
             f"exchange_secondment s WHERE {LIVE} AND s.end_date BETWEEN %(today)s AND %(d30)s",
             None),
            *[
                (f"exchange.{key}_expiring.{who}", "clearance_expiring", "exchange.ChecklistItem",
                 "i.id", f"s.{who}_id", f"'{key}:' || i.{key}_expires_on",
                 f"exchange_checklistitem i JOIN exchange_secondment s "
                 f"ON s.id = i.secondment_id WHERE {LIVE} "
                 f"AND i.{key}_expires_on BETWEEN %(today)s AND %(d60)s", None)
                for key in ("clearance", "visa")
            ],
        ]
    ],
    ("handover.unacknowledged.recipients", "handover_unacknowledged", "handover.Handover",
     "h.id", "r.user_id", "'recipient:' || h.acknowledge_by",
     "handover_handover h JOIN handover_handover_recipients r ON r.handover_id = h.id "
     "WHERE h.status = 'sent' AND h.acknowledge_by <= %(d_1)s", None),
    ("handover.unacknowledged.sender", "handover_unacknowledged", "handover.Handover", "h.id",
     "h.sender_id", "'sender:' || h.acknowledge_by",
     "handover_handover h WHERE h.status = 'sent' AND h.acknowledge_by <= %(d_2)s", None),
    ("accounts.mfa_setup_required", "mfa_setup_required", "accounts.User", "u.id", "u.id",
     "%(week)s",
     "accounts_user u WHERE u.is_active AND (u.is_staff OR u.is_superuser OR EXISTS ("
     "SELECT 1 FROM accounts_user_groups ug JOIN auth_group g ON g.id = ug.group_id "
     "WHERE ug.user_id = u.id AND g.name IN ('Programme managers', 'Institute admins'))) "
     "AND NOT EXISTS (SELECT 1 FROM mfa_authenticator t WHERE t.user_id = u.id "
     "AND t.type = 'totp')", "%(week_start)s"),
]  # fmt: skip


def hand_statements(now: datetime.datetime) -> list[tuple[str, str, dict]]:
    """(rule name, SQL, parameters) for every hand-written statement, for ``now``."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from exchange.reminders import WAITING_WORKING_DAYS
    from notifications.calendars import working_days_before

    today = now.date()
    cutoff = working_days_before(now, WAITING_WORKING_DAYS)
    year, week, weekday = now.astimezone(datetime.UTC).isocalendar()
    week_start = datetime.datetime.combine(
        today - datetime.timedelta(days=weekday - 1), datetime.time(0), tzinfo=datetime.UTC
    )
    base = {
        "now": now,
        "today": today,
        "d_1": today - datetime.timedelta(days=1),
        "d_2": today - datetime.timedelta(days=2),
        "cutoff": cutoff,
        "cutoff_day": cutoff.date(),
        "week": f"week-{year}-W{week:02d}",
        "week_start": week_start,
        **{f"d{n}": today + datetime.timedelta(days=n) for n in (1, 7, 14, 30, 60)},
    }
    statements = []
    for name, kind, label, obj, recipient, window, source, due in HAND:
        ct = ContentType.objects.get_for_model(apps.get_model(label)).pk
        sql = (
            f"INSERT INTO notifications_reminder ({LEDGER_COLUMNS}) "  # noqa: S608
            f"SELECT '{kind}', {ct}, {obj}, {recipient}, {window}, {due or '%(now)s'}, "
            f"'pending', '', %(now)s, '', 0, '', %(now)s FROM {source} "
            f'ON CONFLICT (object_id, recipient_id, content_type_id, kind, "window") DO NOTHING'
        )
        statements.append((name, sql, base))
    return statements


def run_hand(statements) -> int:
    return sum(execute(sql, params) for _, sql, params in statements)


def scan(now) -> int:
    from notifications import services

    result = services.reminder_scan(now=now)
    if result.failed:
        raise RuntimeError(f"Rules failed: {result.failed}")
    return result.total


def rule_statement(name: str, now):
    from notifications import rules
    from notifications.services.scan import scan_sql

    rule = next(r for r in rules.all_rules() if r.name == name)
    return scan_sql(rule, now)


def truncate_ledger() -> None:
    execute("TRUNCATE notifications_reminder", None)


def ledger_rows() -> set:
    from notifications.models import Reminder

    return set(
        Reminder.objects.values_list(
            "kind", "content_type_id", "object_id", "recipient_id", "window", "due_at"
        )
    )


# --- delivery -----------------------------------------------------------------------


try:
    from django.core.mail.backends.smtp import EmailBackend as _SMTPBackend
    from django.utils.functional import cached_property

    class TrustingSink(_SMTPBackend):
        """The portal's SMTP backend, trusting the sink's certificate for STARTTLS."""

        @cached_property
        def ssl_context(self):
            return ssl.create_default_context(cafile=os.environ[SINK_CA_ENV])

    class OneConnectionPerEmail(TrustingSink):
        """The baseline: a fresh connection (TCP, STARTTLS, EHLO) and QUIT for every email."""

        def send_messages(self, email_messages):
            self.close()
            try:
                return super().send_messages(email_messages)
            finally:
                self.close()

except ImportError:  # pragma: no cover - Django is always installed with the project
    pass


def make_available(ids: list[int], now) -> None:
    from notifications.models import Reminder

    Reminder.objects.filter(pk__in=ids).update(available_at=now)


def deliver_batch(batch: int, now) -> tuple[int, int]:
    from notifications import services

    result = services.reminder_deliver_due(limit=batch, now=now)
    return result.claimed, result.sent


def sink_only(port: int, count: int, pooled: bool) -> float:
    """Emails a second straight to the sink with smtplib: no portal work at all."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = (
        "portal@example.org",
        "person@example.org",
        "Milestone due",
    )
    message.set_content("A reminder.\n" * 20)
    context = ssl.create_default_context(cafile=os.environ[SINK_CA_ENV])
    started = time.perf_counter()
    conn = None
    for _ in range(count):
        if conn is None:
            conn = smtplib.SMTP("127.0.0.1", port)
            conn.starttls(context=context)
            conn.ehlo()
        conn.send_message(message)
        if not pooled:
            conn.quit()
            conn = None
    if conn is not None:
        conn.quit()
    return count / (time.perf_counter() - started)


def main() -> int:  # noqa: C901 - one run, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=float, default=1.0, help="seed_scale factor")
    parser.add_argument("--milestones", type=int, default=1_000_000, help="milestones in all")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument("--batch", type=int, default=100, help="delivery batch size")
    parser.add_argument("--rounds", type=int, default=10, help="delivery batches per side")
    parser.add_argument("--sink-emails", type=int, default=400)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the working database")
    args = parser.parse_args()

    from bench.scale import DEFAULT_SEED

    base = datasets.base_database_url()
    source, _ = datasets.ensure_dataset(
        base, args.factor, seed=DEFAULT_SEED if args.seed is None else args.seed
    )
    url = datasets.with_database(base, f"{datasets.database_name(base)}_reminders")
    print(f"Working database {datasets.database_name(url)}: a copy of {source.rsplit('/', 1)[1]}")
    copy_database(source, url)
    setup_django(url)
    try:
        return run(args, url)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            datasets.drop_database(url)


def run(args, url: str) -> int:  # noqa: C901
    from django.conf import settings
    from django.utils import timezone

    from notifications import rules
    from notifications.models import Reminder
    from programmes.models import Milestone

    # The scan logs what it creates at INFO; here that is noise between the figures.
    logging.getLogger("notifications").setLevel(logging.WARNING)
    now = timezone.now()
    started = time.perf_counter()
    added = add_milestones(args.milestones, now.date())
    execute("ANALYZE", None)
    print(f"Added {added:,} milestones in {time.perf_counter() - started:.1f} s "
          f"({Milestone.objects.count():,} in all)")  # fmt: skip

    statements = hand_statements(now)
    names = [r.name for r in rules.all_rules()]
    missing = sorted(set(names) - {name for name, _, _ in statements})
    if missing:
        print(f"No hand-written statement for: {', '.join(missing)} (not compared)")

    # Same rows: the hand-written statements and the scan, each into an empty ledger.
    truncate_ledger()
    hand_created = run_hand(statements)
    hand_rows = ledger_rows()
    truncate_ledger()
    scan_created = scan(now)
    scan_rows = ledger_rows()
    same = hand_rows == scan_rows
    verdict = "the same rows" if same else "DIFFERENT rows"
    print(f"\nDue set: {scan_created:,} reminders from {len(names)} rules; hand-written "
          f"statements write {hand_created:,}: {verdict}")  # fmt: skip
    if not same:
        print(f"  only the scan: {len(scan_rows - hand_rows)}, "
              f"only hand-written: {len(hand_rows - scan_rows)}")  # fmt: skip

    # First scan into an empty ledger, against the hand-written statements, interleaved.
    first_scan, first_hand = [], []
    for r in range(args.repeat):
        for which in ("scan", "hand") if r % 2 else ("hand", "scan"):
            truncate_ledger()
            began = time.perf_counter()
            scan(now) if which == "scan" else run_hand(statements)
            (first_scan if which == "scan" else first_hand).append(time.perf_counter() - began)
    # Steady state: everything known, nothing written, as almost every 5-minute scan.
    truncate_ledger()
    scan(now)
    execute("ANALYZE notifications_reminder", None)
    steady_scan, steady_hand = [], []
    for r in range(args.repeat):
        for which in ("scan", "hand") if r % 2 else ("hand", "scan"):
            began = time.perf_counter()
            wrote = scan(now) if which == "scan" else run_hand(statements)
            assert wrote == 0, "the steady state writes nothing"
            (steady_scan if which == "scan" else steady_hand).append(time.perf_counter() - began)
    per_rule = []
    hand_by_name = {name: (sql, params) for name, sql, params in statements}
    for name in names:
        if name not in hand_by_name:
            continue
        sql, params = rule_statement(name, now)
        rule_s, _ = median_time(lambda sql=sql, params=params: execute(sql, params), args.repeat)
        hand_s, _ = median_time(
            lambda name=name: execute(*hand_by_name[name]), args.repeat
        )  # fmt: skip
        per_rule.append((name, rule_s, hand_s))
    quiet_s, _ = median_time(lambda: scan(now - datetime.timedelta(days=5000)), args.repeat)

    med = statistics.median
    steady_ratio = med(steady_scan) / med(steady_hand)
    first_ratio = med(first_scan) / med(first_hand)
    print(f"\nScan ({args.repeat} interleaved runs each, medians)")
    print(f"  first scan, empty ledger           {1000 * med(first_scan):8.1f} ms")
    print(f"  hand-written, empty ledger         {1000 * med(first_hand):8.1f} ms   "
          f"ratio {first_ratio:.2f}x")  # fmt: skip
    print(f"  steady-state full scan             {1000 * med(steady_scan):8.1f} ms")
    print(f"  hand-written, steady state         {1000 * med(steady_hand):8.1f} ms   "
          f"ratio {steady_ratio:.2f}x (goal ≤ {SCAN_GOAL:g}x)")  # fmt: skip
    print(f"  full scan, nothing due (info)      {1000 * quiet_s:8.1f} ms")
    print("  steady state per rule: scan statement / hand-written")
    for name, rule_s, hand_s in sorted(per_rule, key=lambda p: -p[1]):
        print(f"    {name:46} {1000 * rule_s:7.1f} / {1000 * hand_s:7.1f} ms  "
              f"{rule_s / hand_s:5.2f}x")  # fmt: skip

    # --- delivery -------------------------------------------------------------------
    directory = Path(tempfile.mkdtemp(prefix="bench-sink-"))
    from bench.smtp_sink import self_signed_certificate

    cert, key = self_signed_certificate(directory)
    os.environ[SINK_CA_ENV] = str(cert)
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "bench.smtp_sink", "--port", str(port),
         "--tls-cert", str(cert), "--tls-key", str(key)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert sink.stdout.readline().strip() == "ready"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL = True, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 30
    backends = {
        "batch": "bench.reminders.TrustingSink",
        "each": "bench.reminders.OneConnectionPerEmail",
    }
    totals = {side: {"seconds": 0.0, "claimed": 0, "sent": 0} for side in backends}
    try:
        # Fresh reminders (no notice yet), in id order, dealt alternately to each side.
        pending = list(
            Reminder.objects.filter(status="pending").order_by("pk").values_list("pk", flat=True)
        )
        Reminder.objects.filter(pk__in=pending).update(available_at=None)
        rounds = min(args.rounds, len(pending) // (2 * args.batch))
        for r in range(rounds):
            order = ("batch", "each") if r % 2 == 0 else ("each", "batch")
            for i, side in enumerate(order):
                ids = pending[(2 * r + i) * args.batch : (2 * r + i + 1) * args.batch]
                at = timezone.now()
                make_available(ids, at)
                settings.EMAIL_BACKEND = backends[side]
                began = time.perf_counter()
                claimed, sent = deliver_batch(args.batch, at)
                totals[side]["seconds"] += time.perf_counter() - began
                totals[side]["claimed"] += claimed
                totals[side]["sent"] += sent
        sink_rates = {}
        for r in range(2):
            for pooled in (True, False) if r % 2 == 0 else (False, True):
                rate = sink_only(port, args.sink_emails // 2, pooled)
                sink_rates.setdefault(pooled, []).append(rate)
    finally:
        sink.terminate()
        received = int(sink.communicate(timeout=30)[0].strip() or 0)

    rate = {side: t["sent"] / t["seconds"] for side, t in totals.items() if t["seconds"]}
    delivery_ratio = rate["batch"] / rate["each"]
    sink_ratio = statistics.mean(sink_rates[True]) / statistics.mean(sink_rates[False])
    print(f"\nDelivery over STARTTLS to a local sink, one worker, {rounds} interleaved "
          f"batches of {args.batch} per side")  # fmt: skip
    for side, label in (("batch", "one connection per batch"), ("each", "one per email")):
        t = totals[side]
        print(f"  {label:26} {rate[side]:7.0f} emails/s ({t['sent']:,} sent of {t['claimed']:,} "
              f"claimed, {t['seconds']:.1f} s, {1000 * t['seconds'] / max(t['claimed'], 1):.1f} "
              f"ms each)")  # fmt: skip
    print(f"  ratio                      {delivery_ratio:7.2f}x (goal ≥ {DELIVERY_GOAL:g}x)")
    print(f"  sink alone (smtplib, no portal work): {statistics.mean(sink_rates[True]):.0f} "
          f"emails/s on one connection, {statistics.mean(sink_rates[False]):.0f}/s with one "
          f"each: {sink_ratio:.2f}x")  # fmt: skip
    print(f"  emails received by the sink {received:,}")

    goals = [
        ("steady-state full scan ≤ 2x the hand-written statements", steady_ratio <= SCAN_GOAL,
         f"{steady_ratio:.2f}x"),
        ("the scan writes the same rows as the hand-written statements", same,
         f"{len(scan_rows):,} rows"),
        ("batched delivery ≥ 5x one TLS connection per email", delivery_ratio >= DELIVERY_GOAL,
         f"{delivery_ratio:.2f}x"),
    ]  # fmt: skip
    print(f"\nGoals: {sum(ok for _, ok, _ in goals)} of {len(goals)} pass")
    for name, ok, detail in goals:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
