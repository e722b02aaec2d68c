"""A real Celery worker on Redis, a real SMTP server: exactly once, and nothing lost.

The worker runs as a subprocess against the pytest database (committed data, so
``transaction=True``); the SMTP server is aiosmtpd inside this test process.
"""

import os
import subprocess
import sys
import time
from email import message_from_bytes

import pytest
from django.db import connection

from accounts.models import Role
from config.celery import app as celery_app
from notifications import services
from notifications.models import Reminder
from notifications.services.queue import start_delivery
from tests.factories import InstituteFactory, UserFactory
from tests.support.processes import ROOT, celery_worker, wait_for
from tests.support.smtp import Sink, smtp_server

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp_sink():
    sink = Sink()
    with smtp_server(sink) as port:
        sink.port = port
        yield sink


@pytest.fixture
def worker_env(redis_url, postgres, smtp_sink, tmp_path):
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
        "DJANGO_SETTINGS_MODULE": "tests.support.worker_settings",
        "DEBUG": "true",
        "SITE_URL": "https://portal.example.org",
        "PYTHONPATH": str(ROOT),
    }
    # Start from an empty queue: no messages left over from another run.
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    return env


@pytest.fixture
def start_worker(worker_env, tmp_path):
    workers = []

    def start(**extra):
        worker = celery_worker({**worker_env, **extra}, tmp_path / "worker.log")
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def managers_without_mfa(count: int) -> list[str]:
    institute = InstituteFactory(uk=True)
    return [
        UserFactory(
            institute=institute, email=f"manager{i}@example.org", roles=[Role.PROGRAMME_MANAGER]
        ).email
        for i in range(count)
    ]


def sent_count() -> int:
    return Reminder.objects.filter(status="sent").count()


def test_scans_repeated_and_concurrent_send_exactly_one_email_per_reminder(
    worker_env, start_worker, smtp_sink, tmp_path
):
    """Two scans here, two at once in other processes, one in the worker: N emails, once each."""
    emails = managers_without_mfa(25)
    worker = start_worker()

    scanners = [
        subprocess.Popen(
            [sys.executable, "manage.py", "scan_reminders", "--no-enqueue"],
            cwd=ROOT,
            env=worker_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60)[0].decode() for p in scanners]
    assert all(p.returncode == 0 for p in scanners), outputs
    services.reminder_scan()
    services.reminder_scan()
    celery_app.send_task("notifications.tasks.scan_reminders")
    for _ in range(3):
        start_delivery()

    wait_for(lambda: sent_count() == 25, 60, "25 reminders sent", worker.log)
    wait_for(lambda: len(smtp_sink.messages) >= 25, 10, "25 emails received", worker.log)
    time.sleep(2)  # anything extra would arrive now
    start_delivery()
    time.sleep(2)

    assert Reminder.objects.count() == 25
    assert sorted(smtp_sink.recipients()) == sorted(emails)
    subject = message_from_bytes(smtp_sink.messages[0][1])["Subject"]
    assert subject == "Set up two-factor authentication"
    assert b"https://portal.example.org/accounts/2fa/totp/activate/" in smtp_sink.messages[0][1]


def test_a_worker_killed_mid_batch_loses_no_reminder(start_worker, smtp_sink, tmp_path):
    """SIGKILL during a batch; a new worker takes the abandoned rows once their lease ends."""
    emails = managers_without_mfa(40)
    smtp_sink.delay = 0.1
    lease = {"NOTIFICATIONS_SENDING_LEASE_SECONDS": "4"}
    services.reminder_scan()

    first = start_worker(**lease)
    start_delivery()
    wait_for(lambda: len(smtp_sink.messages) >= 8, 60, "the batch to start", first.log)
    first.kill()
    in_flight = Reminder.objects.exclude(status="sent").count()
    assert in_flight > 0, "the worker finished before it was killed"
    assert Reminder.objects.filter(status="sending").exists()

    smtp_sink.delay = 0
    second = start_worker(**lease)

    def all_sent():
        # What beat would do every 5 minutes: ask for delivery again.
        start_delivery()
        return sent_count() == 40

    wait_for(lambda: all_sent() or (time.sleep(0.8) or False), 90, "all 40 sent", second.log)
    time.sleep(1)

    recipients = smtp_sink.recipients()
    assert set(recipients) == set(emails)  # nobody lost
    # At most the one message on the wire at the moment of the kill is repeated.
    assert len(recipients) <= len(emails) + 1
    assert not Reminder.objects.exclude(status="sent").exists()
