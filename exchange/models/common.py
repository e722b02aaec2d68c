"""Choices the exchange's models share, and the generated names of uploaded files."""

import uuid
from pathlib import PurePath

from django.db import models
from django.utils import timezone


class Direction(models.TextChoices):
    UK_TO_AU = "UK_AU", "UK to Australia"
    AU_TO_UK = "AU_UK", "Australia to UK"


class ClearanceLevel(models.TextChoices):
    """Vetting levels in each institute's scheme, lowest first within a scheme."""

    UK_BPSS = "UK_BPSS", "UK Baseline Personnel Security Standard (BPSS)"
    UK_CTC = "UK_CTC", "UK Counter-Terrorist Check (CTC)"
    UK_SC = "UK_SC", "UK Security Check (SC)"
    UK_ESC = "UK_ESC", "UK Enhanced Security Check (eSC)"
    UK_DV = "UK_DV", "UK Developed Vetting (DV)"
    UK_EDV = "UK_EDV", "UK Enhanced Developed Vetting (eDV)"
    AU_BASELINE = "AU_BASELINE", "AU Baseline"
    AU_NV1 = "AU_NV1", "AU Negative Vetting 1 (NV1)"
    AU_NV2 = "AU_NV2", "AU Negative Vetting 2 (NV2)"
    AU_PV = "AU_PV", "AU Positive Vetting (PV / TS-PA)"

    @classmethod
    def for_scheme(cls, scheme: str) -> list[tuple[str, str]]:
        return [(value, label) for value, label in cls.choices if value.startswith(scheme + "_")]

    @classmethod
    def rank(cls, value: str) -> int:
        """Position within its own scheme (0 = lowest), for held-against-required checks."""
        scheme = value.split("_", 1)[0]
        values = [v for v, _ in cls.for_scheme(scheme)]
        return values.index(value) if value in values else -1


def _upload_to(prefix: str, instance, filename: str) -> str:
    # Stored under a generated name: the person's file name is kept only as data.
    suffix = PurePath(filename).suffix.lower()[:10]
    today = timezone.now()
    return f"exchange/{prefix}/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


def cv_upload_to(instance, filename: str) -> str:
    return _upload_to("cv", instance, filename)


def evidence_upload_to(instance, filename: str) -> str:
    return _upload_to("evidence", instance, filename)
