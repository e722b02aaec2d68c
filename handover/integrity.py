"""Check every stored file against the SHA-256 recorded when it was uploaded.

``verify_custody --files`` uses it after a restore from backup, or on a schedule: a file
that was altered, truncated or lost in storage is named with its document and version.
"""

from dataclasses import dataclass

from portal.uploads import stored_sha256

from .models import DocumentVersion


@dataclass(frozen=True)
class FileProblem:
    version: DocumentVersion
    problem: str

    def __str__(self) -> str:
        v = self.version
        return (
            f"document {v.document_id} ({v.document.title}) version {v.number}, "
            f"stored as {v.file}: {self.problem}"
        )


def verify_stored_files(chunk_size: int = 500) -> tuple[int, list[FileProblem]]:
    """Re-read every version's file from storage; return (files checked, problems)."""
    checked = 0
    problems: list[FileProblem] = []
    # A file deleted under the retention schedule is gone on purpose: not a problem.
    versions = (
        DocumentVersion.objects.filter(file_removed_at__isnull=True)
        .select_related("document")
        .order_by("pk")
    )
    for version in versions.iterator(chunk_size=chunk_size):
        checked += 1
        try:
            actual = stored_sha256(version.file)
        except OSError:
            problems.append(FileProblem(version, "the file is missing from storage"))
            continue
        if actual != version.sha256:
            problems.append(
                FileProblem(
                    version,
                    f"its SHA-256 is {actual}, not {version.sha256} as recorded at upload",
                )
            )
    return checked, problems
