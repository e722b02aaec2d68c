"""PostgreSQL restarted while people use the portal.

gunicorn serves on the production settings, a worker and a beat run, and one person keeps
reading pages, marking notices read and uploading documents in a bounded loop while the
private PostgreSQL server is killed and started again.
"""

import hashlib
import threading
import time
from dataclasses import dataclass

import pytest

from tests.support.processes import wait_for

from .portal import HEALTHZ_TOKEN, PROXIED, Browser, health

pytestmark = pytest.mark.faults

MAX_REQUESTS = 1500
MAX_LOOP_SECONDS = 90


@dataclass
class Answer:
    at: float
    action: str
    status: int
    body: str = ""
    retry_after: str | None = None
    location: str = ""
    key: object = None


def csv_for(n: int) -> bytes:
    return f"request,value\n{n},{n * 7}\n".encode()


def request_loop(browser: Browser, notice_ids: list[int], stop: threading.Event, out: list):
    """Read, mark a notice read, upload: over and over, until told to stop (or bounded)."""
    started = time.monotonic()
    n = 0
    while not stop.is_set() and n < MAX_REQUESTS and time.monotonic() - started < MAX_LOOP_SECONDS:
        action = ("read", "mark", "upload")[n % 3]
        key = None
        try:
            if action == "read":
                response = browser.get("/notifications/")
            elif action == "mark":
                key = notice_ids[n // 3 % len(notice_ids)]
                response = browser.post(f"/notifications/{key}/read/")
            else:
                key = f"Upload {n}"
                response = browser.post(
                    "/documents/upload/",
                    {"title": key, "classification": "UK|OFFICIAL", "releasability": ""},
                    files={"file": (f"data-{n}.csv", csv_for(n), "text/csv")},
                )
        except Exception as exc:  # noqa: BLE001 - a dropped connection is an answer too
            out.append(Answer(time.monotonic(), action, 0, repr(exc), key=key))
        else:
            out.append(
                Answer(
                    time.monotonic(),
                    action,
                    response.status_code,
                    response.text if response.status_code >= 500 else "",
                    response.headers.get("Retry-After"),
                    response.headers.get("Location", ""),
                    key,
                )
            )
        n += 1
        time.sleep(0.02)


def test_postgresql_restart_gives_a_clear_503_and_the_portal_recovers_by_itself(
    pg, deployment, sink, mail_to
):
    """While PostgreSQL is down: 503 pages (never a 500 or a traceback) and /healthz names
    the database; once it is back the same web, worker and beat processes carry on, and
    every write that was answered with success is in the database."""
    deployment.env["EMAIL_URL"] = mail_to()
    made = deployment.scenario("people", notices=300)
    sender, notice_ids = made["sender"]["email"], made["notices"]
    web, worker, beat = deployment.single_host()
    browser = Browser(web.url)
    browser.sign_in(sender, made["password"])

    answers: list[Answer] = []
    stop = threading.Event()
    loop = threading.Thread(target=request_loop, args=(browser, notice_ids, stop, answers))
    loop.start()
    try:
        wait_for(lambda: len(answers) >= 12, 30, "requests to flow")

        pg.stop("immediate")  # as a crash would: connections cut, in-flight work lost
        down_at = time.monotonic()
        wait_for(
            lambda: sum(a.status == 503 and a.at > down_at for a in answers) >= 3,
            30,
            "503 answers while the database is down",
        )
        status, local = health(web.url)
        proxied_status, proxied = health(web.url, **PROXIED)
        _, with_token = health(web.url, Authorization=f"Bearer {HEALTHZ_TOKEN}", **PROXIED)
        ready_status, _ = health(web.url, "/readyz")
        time.sleep(max(0.0, 4 - (time.monotonic() - down_at)))

        pg.start()
        up_at = time.monotonic()
        wait_for(
            lambda: sum(a.status in (200, 302) and a.at > up_at for a in answers) >= 12,
            40,
            "the portal to serve again without a restart",
            web.service.log,
        )
        recovered_status, recovered = health(web.url)
    finally:
        stop.set()
        loop.join(30)

    # During the outage: a clear 503, and health that says what is down to those allowed.
    assert status == 503 and "database (postgresql)" in local["down"], local
    assert not local["checks"]["database"]["ok"]
    assert proxied_status == 503 and proxied == {"status": "unavailable"}
    assert "database (postgresql)" in with_token["down"]
    assert ready_status == 503
    outage = [a for a in answers if a.status == 503]
    assert outage, "no request saw the outage"
    for answer in outage:
        assert "Sorry, the service is unavailable" in answer.body
        assert "Traceback" not in answer.body and "OperationalError" not in answer.body
        assert answer.retry_after == "30"
    unexpected = [
        (a.action, a.status, a.body[:300]) for a in answers if a.status not in (200, 302, 503)
    ]
    assert not unexpected, unexpected

    # Recovered by itself: same processes, healthy, answering.
    assert recovered_status == 200 and recovered["status"] == "ok"
    assert web.service.alive and worker.alive and beat.alive
    assert all(a.status in (200, 302) for a in answers[-6:]), answers[-6:]

    # No write that was answered with success was lost.
    marked = {a.key for a in answers if a.action == "mark" and a.status == 302}
    read_ids = {
        row[0]
        for row in deployment.query(
            "SELECT id FROM notifications_notification WHERE read_at IS NOT NULL"
        )
    }
    assert marked and marked <= read_ids, marked - read_ids
    uploaded = {a.key: a.location for a in answers if a.action == "upload" and a.status == 302}
    assert uploaded
    stored = dict(
        deployment.query(
            "SELECT d.title, v.sha256 FROM handover_document d "
            "JOIN handover_documentversion v ON v.document_id = d.id"
        )
    )
    for title, location in uploaded.items():
        assert location.startswith("/documents/"), location
        n = int(title.split()[-1])
        assert stored.get(title) == hashlib.sha256(csv_for(n)).hexdigest(), title

    # The worker that lived through the outage still delivers: a reminder due now is sent.
    emails = deployment.scenario("managers", count=2, prefix="after-restart")["emails"]
    wait_for(lambda: sorted(sink.recipients()) == sorted(emails), 45, "reminders sent", worker.log)
