"""The recognitions every new deployment starts with. Admins confirm or change the copies
in the database (Staff exchange → Clearance recognitions); this module only seeds them.

Each pair: (level held in the home scheme, highest host level it meets). A pair also meets
every lower level of the host scheme, and a higher held level meets whatever a lower one
does. Conservative on purpose: anything not here (an AU PV requirement, a UK DV
requirement for an AU holder) is an individual decision by the host's security team.
"""

DEFAULT_RECOGNITIONS = [
    # UK levels, for a host in Australia.
    ("UK_BPSS", "AU_BASELINE"),
    ("UK_CTC", "AU_BASELINE"),
    ("UK_SC", "AU_NV1"),
    ("UK_ESC", "AU_NV1"),
    ("UK_DV", "AU_NV2"),
    ("UK_EDV", "AU_NV2"),
    # AU levels, for a host in the UK.
    ("AU_BASELINE", "UK_BPSS"),
    ("AU_NV1", "UK_SC"),
    ("AU_NV2", "UK_ESC"),
]

NOTE = "Default seeded with the portal: to be confirmed by both institutes' security teams."


def install_default_recognitions(model) -> None:
    """Create the default pairs only when the table is empty: never undo an admin's edit."""
    if model.objects.exists():
        return
    model.objects.bulk_create(
        model(held=held, meets=meets, notes=NOTE) for held, meets in DEFAULT_RECOGNITIONS
    )
