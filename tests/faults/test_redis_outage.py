"""Redis stopped for a while, with the portal in use.

Sessions live in the database, so pages keep working; the cache falls back to each web
process's memory; the broker is down, so reminders wait in the ledger and are delivered,
once each, when Redis is back (its queue is empty then: nothing was saved).
"""

import time

import pytest

from tests.support.processes import wait_for

from .portal import Browser, health

pytestmark = pytest.mark.faults

NOBODY = "no-such-person@uk.example.org"


def test_redis_outage_keeps_pages_working_and_delivers_what_fell_due_once(
    deployment, redis_server, sink, mail_to
):
    """With Redis down: pages and writes work, sign-in works with its limits counted per
    process, /healthz names Redis while /readyz stays up; afterwards every reminder that
    fell due meanwhile is delivered exactly once, by the same worker and beat."""
    deployment.env["EMAIL_URL"] = mail_to()
    made = deployment.scenario("people", draft=True)
    sender, recipient = made["sender"]["email"], made["recipient"]["email"]
    web, worker, beat = deployment.single_host()
    browser = Browser(web.url)
    browser.sign_in(sender, made["password"])
    assert health(web.url)[0] == 200

    redis_server.stop()
    down_at = time.monotonic()

    status, body = health(web.url)
    ready_status, _ = health(web.url, "/readyz")
    pages = {}
    for path in ("/", "/documents/", "/documents/handovers/", "/notifications/"):
        started = time.monotonic()
        pages[path] = (browser.get(path).status_code, time.monotonic() - started)
    started = time.monotonic()
    sent = browser.post(f"/documents/handovers/{made['draft']}/send/")
    send_seconds = time.monotonic() - started
    other = Browser(web.url)
    other.sign_in(recipient, made["password"])
    signed_in_page = other.get("/")
    guesser = Browser(web.url)
    attempts = [
        guesser.post("/accounts/login/", {"login": NOBODY, "password": f"guess-{i}"})
        for i in range(12)
    ]
    due = deployment.scenario("managers", count=5, prefix="during-outage")["emails"]
    time.sleep(max(0.0, 8 - (time.monotonic() - down_at)))  # beat ticks fail meanwhile
    delivered_during_outage = sink.count()

    redis_server.start()
    expected = sorted([*due, recipient])
    wait_for(lambda: sink.count() >= len(expected), 60, "delivery after Redis returns", worker.log)
    time.sleep(6)  # three more scans: anything doubled would arrive now
    after_status, after = health(web.url)

    assert status == 503, body
    assert "cache (FailsafeRedisCache)" in body["down"] and "broker (redis)" in body["down"]
    assert body["checks"]["database"]["ok"]
    assert ready_status == 200  # the load balancer keeps the host in service
    assert all(code == 200 for code, _ in pages.values()), pages
    assert all(seconds < 5 for _, seconds in pages.values()), pages
    assert sent.status_code == 302 and send_seconds < 5, (sent.status_code, send_seconds)
    assert signed_in_page.status_code == 200 and "Liam Nguyen" in signed_in_page.text
    # Limits stay on, counted by each of the two web processes alone: 5 failures each, so
    # of 12 attempts at one address at most 10 are tried and the rest refused.
    limited = ["Too many failed login attempts" in a.text for a in attempts]
    assert all(a.status_code == 200 for a in attempts)
    assert not limited[0] and limited.count(False) <= 10, limited
    assert delivered_during_outage == 0

    assert sorted(sink.recipients()) == expected  # each once: none lost, none doubled
    assert deployment.query(
        "SELECT count(*) FROM notifications_reminder WHERE status = 'sent'"
    ) == [(len(expected),)]
    assert after_status == 200 and after["status"] == "ok", after
    assert web.service.alive and worker.alive and beat.alive
