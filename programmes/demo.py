"""Demo data for programmes. Other apps' demo data hangs off ``demo_programme()``."""

import datetime

from accounts.models import Institute, User

from .models import Programme

DEMO_PROGRAMME_NAME = "UK–Australia AI Security Partnership"


def demo_programme() -> Programme:
    programme, created = Programme.objects.get_or_create(
        name=DEMO_PROGRAMME_NAME,
        defaults={
            "description": "Joint evaluations, staff exchanges and shared research under the "
            "2026 memorandum of understanding.",
            "agreement_reference": "MoU-2026-UK-AU-AISI",
            "start_date": datetime.date(2026, 1, 1),
            "end_date": datetime.date(2029, 12, 31),
            "reciprocity_target_months": 24,
        },
    )
    if created:
        programme.institutes.set(Institute.objects.filter(code__in=["UK-AISI", "AU-AISI"]))
        programme.managers.set(User.objects.filter(email__startswith="programmes@"))
    return programme


def seed(*, stdout) -> None:
    programme = demo_programme()
    stdout.write(f"Programme: {programme.name}")
