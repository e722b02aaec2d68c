"""Reminder scan and delivery at scale, as ratios against baselines from the same run.

1. Seeds 1,000,000 milestones (1% due: in the next 14 days or overdue) into a separate
   PostgreSQL database with ``generate_series``.
2. Times one full scan (every registered rule, ``INSERT ... SELECT ... ON CONFLICT``)
   against the single hand-written SQL query that finds the same due set; a repeat scan
   (everything already in the ledger); and a scan when nothing is due.
3. Delivers the 10,000 reminders the scan found to a local SMTP sink from one worker
   process (the same code the Celery task runs), and compares emails per second with a
   one-connection-per-email baseline sent through the same pipeline in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/exchange_portal python -m bench.reminders

The benchmark database is ``<name>_bench`` (or ``BENCH_DATABASE_URL``); it is dropped and
created afresh. Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bench_database_url() -> str:
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return explicit
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/exchange_portal")
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


# --- seeding -------------------------------------------------------------------------


def seed(total: int, owners: int, projects: int) -> None:
    import datetime

    from django.db import connection
    from django.utils import timezone

    from accounts.models import Institute, User
    from programmes.models import Programme, Project, ProjectMembership

    uk = Institute.objects.create(
        name="UK AI Security Institute",
        code="UK-AISI",
        country="GBR",
        time_zone="Europe/London",
        classification_scheme="UK",
        subdivision="ENG",
    )
    users = User.objects.bulk_create(
        [
            User(email=f"owner{i}@bench.example.org", full_name=f"Owner {i}", institute=uk)
            for i in range(owners)
        ]
    )
    programme = Programme.objects.create(
        name="Benchmark programme",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2035, 1, 1),
    )
    project_rows = Project.objects.bulk_create(
        [
            Project(
                programme=programme,
                code=f"BENCH-{i:04d}",
                title=f"Project {i}",
                lead_institute=uk,
                start_date=datetime.date(2020, 1, 1),
                end_date=datetime.date(2035, 1, 1),
            )
            for i in range(projects)
        ]
    )
    # Owners are members of the project their milestones belong to (milestone g goes to
    # project g mod P and owner g mod O, and O is a multiple of P), as the programmes app
    # requires for them to see it.
    ProjectMembership.objects.bulk_create(
        [
            ProjectMembership(project=project_rows[i % len(project_rows)], user=u, institute=uk)
            for i, u in enumerate(users)
        ]
    )
    today = timezone.now().date()
    # Every 100th milestone is due: spread over the 14 days before and after today
    # (overdue or due soon). A fifth of the rest are done in the past; the others are
    # planned or in progress, due 30 days or more from now.
    sql = """
        INSERT INTO programmes_milestone
            (project_id, title, description, owner_id, due_date, baseline_due_date, status,
             completed_on, deliverables, requires_partner_handover, created_at, updated_at)
        SELECT
            (%(projects)s::bigint[])[1 + g %% %(n_projects)s],
            'Milestone ' || g, '',
            (%(owners)s::bigint[])[1 + g %% %(n_owners)s],
            d.due, d.due,
            d.status,
            CASE WHEN d.status = 'done' THEN d.due END,
            '', false, now(), now()
        FROM generate_series(1, %(total)s) AS g
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
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "projects": [p.pk for p in project_rows],
                "n_projects": len(project_rows),
                "owners": [u.pk for u in users],
                "n_owners": len(users),
                "total": total,
                "today": today,
            },
        )
        cursor.execute("ANALYZE")


# --- the scan ------------------------------------------------------------------------


def hand_written_due_set(now):
    import datetime

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, owner_id, due_date FROM programmes_milestone "
            "WHERE status IN ('planned', 'in_progress') AND due_date <= %s",
            [now.date() + datetime.timedelta(days=14)],
        )
        return len(cursor.fetchall())


def hand_written_insert(now):
    """What an expert would write by hand for the milestone rules: one INSERT ... SELECT."""
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from programmes.models import Milestone

    today = now.date()
    ct = ContentType.objects.get_for_model(Milestone).pk
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO notifications_reminder
                (kind, content_type_id, object_id, recipient_id, "window", due_at, status,
                 delivery, available_at, claim_token, attempts, last_error, created)
            SELECT CASE WHEN due_date < %(today)s THEN 'milestone_overdue'
                        ELSE 'milestone_due' END,
                   %(ct)s, id, owner_id,
                   CASE WHEN due_date < %(today)s
                        THEN 'overdue-w' || ((%(today)s - due_date - 1) / 7) || ':' || due_date
                        WHEN due_date > %(d7)s THEN 'd14:' || due_date
                        WHEN due_date > %(d1)s THEN 'd7:' || due_date
                        ELSE 'd1:' || due_date END,
                   %(now)s, 'pending', '', %(now)s, '', 0, '', %(now)s
            FROM programmes_milestone
            WHERE status IN ('planned', 'in_progress') AND due_date <= %(d14)s
            ON CONFLICT (kind, content_type_id, object_id, recipient_id, "window") DO NOTHING
            """,
            {
                "today": today,
                "d1": today + datetime.timedelta(days=1),
                "d7": today + datetime.timedelta(days=7),
                "d14": today + datetime.timedelta(days=14),
                "ct": ct,
                "now": now,
            },
        )
        return cursor.rowcount


def truncate_ledger():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE notifications_reminder, notifications_notification CASCADE")


def scan(now):
    from notifications import services

    return services.reminder_scan(now=now).total


def scan_milestone_rules(now):
    """Only the milestone rules: exactly the due set the hand-written query finds."""
    from notifications import rules as registry
    from notifications.services.scan import insert_due

    created = 0
    for rule in registry.all_rules():
        if rule.model._meta.label == "programmes.Milestone":
            created += insert_due(rule, now)
    return created


def analyze_ledger():
    # What autovacuum does soon after the first scan fills the ledger.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_reminder")


# --- delivery ------------------------------------------------------------------------


def deliver_all(batch: int) -> int:
    from notifications import services

    total = 0
    while True:
        result = services.reminder_deliver_due(limit=batch)
        total += result.sent
        if result.claimed == 0:
            return total


def requeue(count: int) -> int:
    from django.utils import timezone

    from notifications.models import Reminder

    ids = list(Reminder.objects.order_by("pk").values_list("pk", flat=True)[:count])
    return Reminder.objects.filter(pk__in=ids).update(
        status="pending", delivery="", claim_token="", attempts=0, available_at=timezone.now()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--milestones", type=int, default=1_000_000)
    parser.add_argument("--owners", type=int, default=1000)
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure (median)")
    parser.add_argument("--batch", type=int, default=100, help="delivery batch size")
    parser.add_argument(
        "--baseline-emails",
        type=int,
        default=2000,
        help="emails sent one connection each for the baseline rate",
    )
    args = parser.parse_args()
    if args.owners % args.projects:
        parser.error("--owners must be a multiple of --projects")

    url = bench_database_url()
    print(f"Benchmark database: {urlsplit(url).path.lstrip('/')} (dropped and recreated)")
    recreate_database(url)
    setup_django(url)

    import datetime

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed(args.milestones, args.owners, args.projects)
    print(f"Seeded {args.milestones:,} milestones in {time.perf_counter() - started:.1f} s")

    now = timezone.now()
    query_s, due = timed(lambda: hand_written_due_set(now), args.repeat)

    scan_times = []
    created = 0
    for _ in range(args.repeat):
        truncate_ledger()
        seconds, created = timed(lambda: scan(now))
        scan_times.append(seconds)
    scan_s = statistics.median(scan_times)
    analyze_ledger()
    repeat_s, again = timed(lambda: scan(now), args.repeat)
    milestones_s, _ = timed(lambda: scan_milestone_rules(now), args.repeat)
    hand_insert_times = []
    for _ in range(args.repeat):
        truncate_ledger()
        seconds, hand_created = timed(lambda: hand_written_insert(now))
        hand_insert_times.append(seconds)
    hand_insert_s = statistics.median(hand_insert_times)
    truncate_ledger()
    scan(now)  # the ledger as the scan leaves it, for delivery below
    quiet_now = now - datetime.timedelta(days=5000)
    quiet_s, none_due = timed(lambda: scan(quiet_now), args.repeat)

    print()
    print(f"Due set: {due:,} of {args.milestones:,} milestones")
    print(f"  hand-written SQL query          {query_s * 1000:9.1f} ms")
    print(
        f"  hand-written INSERT ... SELECT  {hand_insert_s * 1000:9.1f} ms   ({hand_created:,} new)"
    )
    print(f"  full scan, empty ledger         {scan_s * 1000:9.1f} ms   ({created:,} new)")
    print(f"  full scan, all already known    {repeat_s * 1000:9.1f} ms   ({again:,} new)")
    print(f"  full scan, nothing due          {quiet_s * 1000:9.1f} ms   ({none_due:,} new)")
    print(f"  milestone rules, all known      {milestones_s * 1000:9.1f} ms")
    print("Ratios (goal: the scan within 2x of the hand-written query):")
    print(f"  milestone rules / SELECT        {milestones_s / query_s:9.2f}x  (same due set)")
    print(f"  steady-state full scan / SELECT {repeat_s / query_s:9.2f}x  (all rules)")
    print(f"  first scan / SELECT             {scan_s / query_s:9.2f}x")
    print(f"  first scan / hand INSERT        {scan_s / hand_insert_s:9.2f}x  (same rows written)")

    import subprocess

    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "bench.smtp_sink", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout.readline().strip() == "ready"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        pooled_s, sent = timed(lambda: deliver_all(args.batch))
        pooled_rate = sent / pooled_s

        requeue(args.baseline_emails)
        settings.EMAIL_BACKEND = "bench.reminders.OneConnectionPerEmail"
        baseline_s, baseline_sent = timed(lambda: deliver_all(args.batch))
        baseline_rate = baseline_sent / baseline_s
    finally:
        sink.terminate()
        received = int(sink.communicate(timeout=30)[0].strip() or 0)

    print()
    print(f"Delivery to a local SMTP sink, one worker, batches of {args.batch}:")
    print(
        f"  one connection per batch        {pooled_rate:9.0f} emails/s "
        f"({sent:,} in {pooled_s:.1f} s)"
    )
    print(
        f"  one connection per email        {baseline_rate:9.0f} emails/s "
        f"({baseline_sent:,} in {baseline_s:.1f} s)"
    )
    print(f"  ratio                           {pooled_rate / baseline_rate:9.2f}×")
    print(f"  emails received by the sink     {received:9,}")


try:
    from django.core.mail.backends.smtp import EmailBackend as _SMTPBackend

    class OneConnectionPerEmail(_SMTPBackend):
        """The baseline: a fresh SMTP connection (and QUIT) for every message."""

        def send_messages(self, email_messages):
            self.close()
            try:
                return super().send_messages(email_messages)
            finally:
                self.close()

except ImportError:  # pragma: no cover - Django is always installed with the project
    pass


if __name__ == "__main__":
    main()
