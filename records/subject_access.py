"""A person's download of everything the portal holds about them (a subject access
request answered by the portal itself).

Each app registers the sections it holds from its ``AppConfig.ready()``: a section is a
name, a title, the rows about the person (plain dicts, written as JSON) and, optionally,
the stored files that are theirs (their own uploads). A section returns the person's own
data only: records they made or that are about them, never another person's private
details or documents they may not see.
"""

import datetime
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from portal.registry import Registry


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    rows: Callable[..., Iterable[dict]]
    files: Callable[..., Iterable[tuple[str, str]]] | None = None


_sections: Registry[Section] = Registry("personal data sections")


def register(section: Section, *, order: int) -> Section:
    return _sections.register(section.name, section, order=order)


def sections() -> list[Section]:
    return _sections.entries()


README = """Everything {portal} holds about {name}, downloaded on {when} (UTC).

Each .json file is one kind of record, as a list of entries. The files/ folder holds the
files you uploaded that the portal still keeps. Records the portal no longer holds (see
the retention schedule in the privacy notice) are not included.

Records about you that other people made, such as a manager's reasons for a decision on
your application, are included where they are about you. Documents handed over to you are
listed, not included: download them from the portal while you have access.

Questions, or something missing or wrong: {support}.
"""


def _safe_part(text: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_. " else "_" for c in text).strip(" .")
    return keep[:80] or "file"


def build_archive(user, *, max_file_bytes: int | None = None):
    """The archive as an open temporary file positioned at its start, and the number
    of sections written. Files beyond ``max_file_bytes`` in total are listed in
    ``files-not-included.json`` rather than copied."""
    limit = settings.SUBJECT_ACCESS_MAX_FILE_BYTES if max_file_bytes is None else max_file_bytes
    # Returned open: the response streams it and closes it.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    file_bytes = 0
    left_out: list[dict] = []
    now = timezone.now()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                portal=settings.PORTAL_NAME,
                name=user.get_full_name(),
                when=now.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
                support=settings.SUPPORT_EMAIL,
            ),
        )
        for section in sections():
            rows = list(section.rows(user))
            archive.writestr(
                f"{section.name}.json",
                json.dumps(
                    {"section": section.title, "entries": rows},
                    cls=DjangoJSONEncoder,
                    indent=2,
                    default=str,
                ),
            )
            if section.files is None:
                continue
            for index, (label, stored) in enumerate(section.files(user), start=1):
                if not stored:
                    continue
                arcname = str(
                    PurePosixPath("files") / section.name / f"{index:03d}-{_safe_part(label)}"
                )
                try:
                    size = default_storage.size(stored)
                except OSError:
                    left_out.append({"file": label, "why": "missing from storage"})
                    continue
                if file_bytes + size > limit:
                    left_out.append({"file": label, "why": "over the download's size limit"})
                    continue
                with (
                    default_storage.open(stored, "rb") as source,
                    archive.open(arcname, "w", force_zip64=True) as target,
                ):
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
                file_bytes += size
        if left_out:
            archive.writestr(
                "files-not-included.json",
                json.dumps(
                    {
                        "why": "Ask the support address in README.txt for these files.",
                        "files": left_out,
                    },
                    indent=2,
                ),
            )
    out.seek(0)
    return out
