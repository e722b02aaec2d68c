"""Workers killed mid-task and two beats at once: every reminder's effect happens once.

Each worker sends through its own SMTP port, so the test knows which worker sent what.
Beat runs the reminder scan every one or two seconds instead of every five minutes.
"""

import time

import psycopg
import pytest

from tests.support.processes import wait_for

pytestmark = pytest.mark.faults

LEASE = {"NOTIFICATIONS_SENDING_LEASE_SECONDS": "4"}


def sent(deployment) -> int:
    return deployment.query("SELECT count(*) FROM notifications_reminder WHERE status = 'sent'")[0][
        0
    ]


def test_a_worker_killed_mid_delivery_has_its_batch_finished_by_another_worker(
    deployment, sink, mail_to
):
    """SIGKILL the worker that is sending; the other takes the rest once its lease ends.

    Nobody is missed; at most the one message on the wire at the moment of the kill is
    sent twice (docs/notifications.md says so)."""
    emails = deployment.scenario("managers", count=30)["emails"]
    sink.delay = 0.3  # a slow relay: the batch takes about nine seconds
    workers = {
        "a": deployment.worker("worker-a", EMAIL_URL=mail_to("a"), **LEASE),
        "b": deployment.worker("worker-b", EMAIL_URL=mail_to("b"), **LEASE),
    }
    beat = deployment.beat(every=2)
    deployment.ready()

    wait_for(lambda: sink.count() >= 5, 60, "the batch to start", beat.log)
    victim_label = sink.messages[0].via
    survivor_label = "b" if victim_label == "a" else "a"
    victim, survivor = workers[victim_label], workers[survivor_label]
    victim.kill()
    by_victim = set(sink.recipients(victim_label))
    in_lease = deployment.query(
        "SELECT count(*) FROM notifications_reminder WHERE status = 'sending'"
    )[0][0]

    wait_for(lambda: sent(deployment) == 30, 60, "all 30 reminders sent", survivor.log)
    time.sleep(3)  # any extra message would arrive now

    assert 0 < len(by_victim) < 30, "the kill did not land mid-batch"
    assert in_lease > 0
    recipients = sink.recipients()
    assert set(recipients) == set(emails)  # nobody lost
    assert len(recipients) <= len(emails) + 1  # at most the message in flight repeated
    assert set(sink.recipients(survivor_label)) >= set(emails) - by_victim
    assert not deployment.query("SELECT id FROM notifications_reminder WHERE status <> 'sent'")
    assert survivor.alive and beat.alive


def test_a_worker_killed_mid_scan_leaves_nothing_half_done(deployment, pg, sink, mail_to):
    """SIGKILL a worker while its scan is inside the ledger insert; the scan is rolled
    back with the connection, and the next scan, by another worker, adds and sends each
    reminder once."""
    emails = deployment.scenario("managers", count=12)["emails"]
    email_url = mail_to()
    holder = psycopg.connect(deployment.env["DATABASE_URL"], autocommit=False)
    try:
        # Hold the ledger, so that the first scan's INSERT waits inside the worker's
        # transaction with the 12 reminders it is about to add.
        holder.execute("LOCK TABLE notifications_reminder IN SHARE MODE")
        first = deployment.worker("worker-a", EMAIL_URL=email_url)
        beat = deployment.beat(every=2)
        deployment.ready()
        waiting = wait_for(
            lambda: deployment.query(
                "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE 'INSERT INTO \"notifications_reminder\"%%'"
            ),
            30,
            "a scan blocked inside its insert",
            first.log,
        )
        first.kill()
        scan_pid = waiting[0][0]
        wait_for(
            lambda: (
                not deployment.query("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [scan_pid])
            ),
            15,
            "the killed worker's database session to end",
        )
    finally:
        holder.rollback()
        holder.close()
    left_by_killed_scan = deployment.query("SELECT count(*) FROM notifications_reminder")[0][0]

    second = deployment.worker("worker-b", EMAIL_URL=email_url)
    deployment.ready()
    wait_for(lambda: sent(deployment) == 12, 60, "all 12 reminders sent", second.log)
    time.sleep(4)  # two more scans: nothing more may be added or sent

    assert left_by_killed_scan == 0
    assert sorted(sink.recipients()) == sorted(emails)
    assert deployment.query("SELECT count(*) FROM notifications_reminder")[0][0] == 12
    assert beat.alive and second.alive


def test_two_beats_at_once_send_no_reminder_twice(deployment, sink, mail_to):
    """During a deploy overlap two beats both schedule every scan; each reminder is added to
    the ledger once and emailed once."""
    emails = deployment.scenario("managers", count=20)["emails"]
    worker = deployment.worker(EMAIL_URL=mail_to(), concurrency=2)
    beats = [deployment.beat("beat-1", every=1), deployment.beat("beat-2", every=1)]
    deployment.ready()

    wait_for(lambda: sent(deployment) == 20, 60, "all 20 reminders sent", worker.log)
    time.sleep(5)  # about ten more scans between the two beats

    for beat in beats:
        assert beat.output().count("Sending due task notifications-scan") >= 4, beat.output()
    assert sorted(sink.recipients()) == sorted(emails)
    assert deployment.query("SELECT count(*) FROM notifications_reminder")[0][0] == 20
