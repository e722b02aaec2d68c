"""Two web hosts and two workers on one deployment, as the README's scaling section says.

Two gunicorn processes on different ports share the private PostgreSQL and Redis and an
S3-compatible object store on loopback (moto's server) through django-storages; nothing is
written to either host's local disk.
"""

import datetime
import hashlib
import time

import pytest

from tests.support.processes import wait_for

from .portal import Browser

pytestmark = pytest.mark.faults


def figures_csv() -> bytes:
    """About 3 MB: over the 2 MB at which Django spools an upload to a temporary file."""
    rows = [f"model-{n},task-{n % 17},{(n * 7919) % 1000 / 1000:.3f}" for n in range(120_000)]
    return ("model,task,score\n" + "\n".join(rows) + "\n").encode()


def test_a_document_uploaded_on_one_host_is_downloaded_and_acknowledged_on_the_other(
    deployment, s3_server, sink, mail_to, tmp_path
):
    """Upload on host A; send with the same session on host B; the recipient downloads on
    B the exact bytes (SHA-256), acknowledges there (the file is re-read from object
    storage and checked), and each notice and reminder is emailed once by the two
    workers."""
    deployment.env.update(s3_server.storage_env())
    made = deployment.scenario("people")
    managers = deployment.scenario("managers", count=6)["emails"]
    host_a, host_b = deployment.web("web-a"), deployment.web("web-b")
    workers = [
        deployment.worker("worker-1", EMAIL_URL=mail_to("1")),
        deployment.worker("worker-2", EMAIL_URL=mail_to("2")),
    ]
    deployment.beat(every=2)
    deployment.ready()
    sender, recipient = made["sender"], made["recipient"]

    # A session started on host A works on host B.
    on_a = Browser(host_a.url)
    on_a.sign_in(sender["email"], made["password"])
    on_b = on_a.at(host_b.url)
    home_on_b = on_b.get("/")
    assert home_on_b.status_code == 200 and "Priya Shah" in home_on_b.text

    content = figures_csv()
    uploaded = on_a.post(
        "/documents/upload/",
        {"title": "Joint evaluation figures", "classification": "UK|OFFICIAL", "releasability": ""},
        files={"file": ("figures.csv", content, "text/csv")},
    )
    assert uploaded.status_code == 302, uploaded.text[:2000]
    document_id = int(uploaded.headers["Location"].strip("/").split("/")[-1])
    ((version_id, key, sha256),) = deployment.query(
        "SELECT id, file, sha256 FROM handover_documentversion WHERE document_id = %s",
        [document_id],
    )
    assert sha256 == hashlib.sha256(content).hexdigest()
    assert key in s3_server.object_names()
    (partner,) = deployment.query("SELECT id FROM accounts_institute WHERE code = 'AU-AISI'")

    prepared = on_b.post(
        "/documents/handovers/new/",
        {
            "receiving_institute": partner[0],
            "recipients": [recipient["id"]],
            "versions": [version_id],
            # Two weeks on from today in UTC: a future date in the sender's zone too.
            "acknowledge_by": (
                datetime.datetime.now(tz=datetime.UTC).date() + datetime.timedelta(days=14)
            ).isoformat(),
            "message": "Figures for the joint evaluation.",
        },
    )
    assert prepared.status_code == 302, prepared.text[:2000]
    reference = prepared.headers["Location"].strip("/").split("/")[-1]
    assert on_a.post(f"/documents/handovers/{reference}/send/").status_code == 302

    receiving = Browser(host_b.url)
    receiving.sign_in(recipient["email"], made["password"])
    ((item_id,),) = deployment.query(
        "SELECT i.id FROM handover_handoveritem i JOIN handover_handover h "
        "ON h.id = i.handover_id WHERE h.reference = %s",
        [reference],
    )
    download = receiving.get(f"/documents/handovers/{reference}/items/{item_id}/download/")
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == sha256
    acknowledged = receiving.post(f"/documents/handovers/{reference}/acknowledge/")
    assert acknowledged.status_code == 302
    assert deployment.query(
        "SELECT status FROM handover_handover WHERE reference = %s", [reference]
    ) == [("acknowledged",)]
    custody = [
        kind
        for (kind,) in deployment.query(
            "SELECT e.kind FROM handover_custodyevent e JOIN handover_handover h "
            "ON h.id = e.handover_id WHERE h.reference = %s ORDER BY e.sequence",
            [reference],
        )
    ]
    assert custody == ["created", "sent", "downloaded", "acknowledged"]

    # Each notice and reminder once, whichever of the two workers took it.
    expected = sorted([*managers, recipient["email"], sender["email"]])
    wait_for(lambda: sink.count() >= len(expected), 60, "every email", workers[0].log)
    time.sleep(4)  # two more scans: a doubled email would arrive now
    assert sorted(sink.recipients()) == expected

    # The files live only in the object store, and the checks an operator runs see them.
    assert not (tmp_path / "media").exists()
    verified = deployment.manage("verify_custody", "--files")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Files intact: 1 stored files match their SHA-256." in verified.stdout
    s3_server.client().put_object(
        Bucket=s3_server.bucket, Key="handover/left-by-a-rolled-back-upload", Body=b"x"
    )
    orphans = deployment.manage("orphaned_files")
    assert orphans.returncode == 0, orphans.stderr
    assert orphans.stdout.splitlines()[0].startswith("handover/left-by-a-rolled-back-upload\t")
    assert "1 orphaned file(s) among 2 in storage" in orphans.stdout
