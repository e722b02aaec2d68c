"""Backup and restore with the commands docs/operations.md gives, checked end to end.

A portal with documents, versions, handovers in every state and their custody records is
backed up (``pg_dump`` of the database, then an archive of the file storage), restored into
a fresh database and a fresh storage folder, and checked with ``verify_custody --files``.
A restore with one file altered is caught both by that check and by the next
acknowledgement.
"""

import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.faults

COUNTS = {
    "documents": "handover_document",
    "versions": "handover_documentversion",
    "handovers": "handover_handover",
    "custody_events": "handover_custodyevent",
}


def run(*argv) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{argv}\n{result.stdout}{result.stderr}"


def restore(pg, name: str, dump: Path, files: Path, into: Path) -> dict:
    """Restore the backup into a new database and storage folder; the environment to use."""
    pg.drop_database(name)
    url = pg.create_database(name)
    run(pg.tool("pg_restore"), "--no-owner", "--no-acl", "--exit-on-error", f"--dbname={url}",
        str(dump))  # fmt: skip
    into.mkdir()
    run("tar", "-C", str(into), "-xzf", str(files))
    return {"DATABASE_URL": url, "MEDIA_ROOT": str(into)}


def test_a_restored_backup_verifies_and_an_altered_file_is_caught(deployment, pg, tmp_path):
    """The restored copy has every record, its custody chains and files verify, and its
    pending handover can be acknowledged; with one file changed in the backup, the check
    names that file and acknowledgement is refused."""
    made = deployment.scenario("handover_portal")
    backup = tmp_path / "backup"
    backup.mkdir()
    dump, files = backup / "portal.dump", backup / "files.tar.gz"

    # The backup, in the order docs/operations.md gives: the database first, then the files
    # (a file is always stored before the record that names it is committed).
    run(pg.tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", f"--file={dump}",
        deployment.env["DATABASE_URL"])  # fmt: skip
    run("tar", "-C", deployment.env["MEDIA_ROOT"], "-czf", str(files), ".")

    try:
        restored = restore(pg, "ep_restored", dump, files, tmp_path / "restored-files")
        verified = deployment.manage("verify_custody", "--files", **restored)
        counts = {
            name: [
                deployment.query(f"SELECT count(*) FROM {table}", using=env)[0][0]  # noqa: S608
                for name, table in COUNTS.items()
            ]
            for name, env in (("original", None), ("restored", restored))
        }
        acknowledged = deployment.scenario(
            "acknowledge",
            using=restored,
            reference=made["pending"],
            email=made["recipient"]["email"],
        )

        altered = restore(pg, "ep_altered", dump, files, tmp_path / "altered-files")
        (victim,) = [
            name
            for (name,) in deployment.query(
                "SELECT v.file FROM handover_documentversion v JOIN handover_document d "
                "ON d.id = v.document_id WHERE d.title = 'Results'"
            )
        ]
        path = Path(altered["MEDIA_ROOT"]) / victim
        path.write_bytes(path.read_bytes().replace(b"Results", b"Resulte"))
        caught = deployment.manage("verify_custody", "--files", **altered)
        refused = deployment.scenario(
            "acknowledge",
            using=altered,
            reference=made["pending"],
            email=made["recipient"]["email"],
        )
    finally:
        pg.drop_database("ep_restored")
        pg.drop_database("ep_altered")

    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert (
        f"Custody intact: {made['counts']['custody_events']} events in "
        f"{made['counts']['handovers']} handovers verified." in verified.stdout
    )
    assert f"Files intact: {made['counts']['versions']} stored files" in verified.stdout
    assert counts["original"] == counts["restored"] == list(made["counts"].values())
    assert acknowledged == {"acknowledged": True, "message": ""}

    assert caught.returncode == 1
    assert "Custody intact" in caught.stdout  # the records are fine; a file is not
    assert f"stored as {victim}: its SHA-256 is" in caught.stderr
    assert "1 of 4 stored files do not match" in caught.stderr
    assert refused["acknowledged"] is False
    assert "no longer matches the checksum recorded at upload" in refused["message"]
