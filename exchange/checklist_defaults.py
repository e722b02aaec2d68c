"""The checklist every new deployment starts with, one per direction. Admins edit the
copies in the database (Staff exchange → Checklist templates); this module only seeds them.

Each item: (key, title, kind, owner party, mandatory, anchor, offset days, guidance).
Items due after the start are not mandatory: they cannot block a secondment becoming ready.
"""

COMMON_BEFORE = [
    (
        "agreement",
        "Sign the three-party secondment agreement",
        "agreement",
        "home",
        True,
        "start",
        -42,
        "The secondee, home institute and host institute sign one agreement. Record whether "
        "it was e-signed, wet-signed (upload the signed copy) or signed outside the portal.",
    ),
    (
        "conflict-plan",
        "Agree the conflict-of-interest handling plan",
        "conflict",
        "home",
        True,
        "start",
        -35,
        "Record how any interest declared in the application will be managed during the "
        "secondment. Upload the agreed plan.",
    ),
    (
        "clearance",
        "Have the security clearance recognised by the host",
        "clearance",
        "host",
        True,
        "start",
        -42,
        "Compare the level the host requires with the level held, request recognition and "
        "record when it was received and when the clearance expires.",
    ),
]

COMMON_AFTER = [
    (
        "travel",
        "Book travel",
        "travel",
        "secondee",
        True,
        "start",
        -21,
        "Book flights through your institute's travel provider and upload the itinerary.",
    ),
    (
        "accommodation",
        "Arrange accommodation",
        "accommodation",
        "secondee",
        True,
        "start",
        -14,
        "Confirm accommodation for at least the first month.",
    ),
    (
        "security-briefing",
        "Attend the pre-departure security briefing",
        "briefing",
        "home",
        True,
        "start",
        -7,
        "The home security team briefs the secondee on travel and contact reporting.",
    ),
    (
        "it-accounts",
        "Set up IT and compute accounts at the host",
        "it",
        "host",
        True,
        "start",
        -3,
        "Accounts, building pass and access to the compute the secondee will need.",
    ),
    (
        "induction",
        "Complete the host induction",
        "induction",
        "host",
        False,
        "start",
        5,
        "Host-side induction in the first week.",
    ),
    (
        "midpoint-review",
        "Hold the mid-point review",
        "midpoint",
        "home",
        False,
        "midpoint",
        0,
        "Secondee, home manager and host supervisor review progress against objectives.",
    ),
    (
        "knowledge-handover",
        "Hand over knowledge to the host team",
        "knowledge",
        "secondee",
        False,
        "end",
        -7,
        "Make sure the host team can carry on the work after the secondee leaves.",
    ),
    (
        "return-report",
        "Write the return report",
        "return_report",
        "secondee",
        False,
        "end",
        14,
        "What was done, skills gained and how the home team will use them.",
    ),
]

VISA_INTO_AUSTRALIA = (
    "visa",
    "Get the visa for Australia (subclass 403)",
    "visa",
    "secondee",
    True,
    "start",
    -28,
    "Temporary Work (International Relations) visa, subclass 403: record the stream, the "
    "date of the host's letter of support, the grant date and the expiry date.",
)

VISA_INTO_UK = (
    "visa",
    "Get the visa for the UK (Temporary Work)",
    "visa",
    "secondee",
    True,
    "start",
    -28,
    "Temporary Work – Government Authorised Exchange or – International Agreement. The "
    "Certificate of Sponsorship must be assigned no earlier than 3 months before you apply.",
)

DEFAULT_TEMPLATES = {
    "UK_AU": (
        "UK to Australia secondment checklist",
        COMMON_BEFORE + [VISA_INTO_AUSTRALIA] + COMMON_AFTER,
    ),
    "AU_UK": (
        "Australia to UK secondment checklist",
        COMMON_BEFORE + [VISA_INTO_UK] + COMMON_AFTER,
    ),
}


def install_default_templates(template_model, item_model) -> None:
    """Create the templates that do not exist yet; never touch ones an admin has edited."""
    for direction, (name, items) in DEFAULT_TEMPLATES.items():
        template, created = template_model.objects.get_or_create(
            direction=direction, defaults={"name": name}
        )
        if not created:
            continue
        item_model.objects.bulk_create(
            item_model(
                template=template,
                key=key,
                title=title,
                kind=kind,
                owner_party=party,
                mandatory=mandatory,
                due_anchor=anchor,
                due_offset_days=offset,
                guidance=guidance,
                order=(index + 1) * 10,
            )
            for index, (key, title, kind, party, mandatory, anchor, offset, guidance) in enumerate(
                items
            )
        )
