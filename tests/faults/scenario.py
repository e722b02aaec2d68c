"""Builds data inside a deployment under test, through the portal's own services.

    python -m tests.faults.scenario NAME '{"argument": "value"}'

Runs with the deployment's environment (its DATABASE_URL and file storage) and prints one
JSON line describing what it made, for the fault test that started it.
"""

import json
import sys

import django


def people(prefix: str = "", notices: int = 0, draft: bool = False) -> dict:
    """A UK sender and an Australian recipient who sign in with a password; optionally
    ``notices`` unread notices for the sender and a draft handover between them."""
    from tests.factories import DEFAULT_PASSWORD, InstituteFactory, UserFactory

    uk = InstituteFactory(uk=True)
    au = InstituteFactory(au=True)
    sender = UserFactory(
        institute=uk, email=f"{prefix}sender@uk.example.org", full_name="Priya Shah"
    )
    recipient = UserFactory(
        institute=au, email=f"{prefix}recipient@au.example.org", full_name="Liam Nguyen"
    )
    return {
        "password": DEFAULT_PASSWORD,
        "sender": {"id": sender.pk, "email": sender.email},
        "recipient": {"id": recipient.pk, "email": recipient.email},
        "notices": notifications(sender.email, notices)["ids"] if notices else [],
        "draft": _draft_handover(sender, recipient) if draft else "",
    }


def _draft_handover(sender, recipient) -> str:
    from tests.handover.factories import make_document, make_handover

    document = make_document(sender, title="Draft for the partner")
    return make_handover(sender, [recipient], [document], send=False).reference


def notifications(email: str, count: int) -> dict:
    """``count`` unread notices for one person (no email: they exist to be marked read)."""
    from accounts.models import User
    from notifications.models import Notification

    user = User.objects.get(email=email)
    made = Notification.objects.bulk_create(
        Notification(recipient=user, kind="handover_sent", subject=f"Notice {i}", url="/")
        for i in range(count)
    )
    return {"ids": [n.pk for n in made]}


def managers(count: int, prefix: str = "manager") -> dict:
    """Programme managers without two-factor authentication: each is due one reminder."""
    from accounts.models import Role
    from tests.factories import InstituteFactory, UserFactory

    institute = InstituteFactory(uk=True)
    made = [
        UserFactory(
            institute=institute,
            email=f"{prefix}{i}@uk.example.org",
            roles=[Role.PROGRAMME_MANAGER],
            password=None,
        )
        for i in range(count)
    ]
    return {"emails": [u.email for u in made]}


def handover_portal() -> dict:
    """Documents, versions, handovers in several states and their custody records."""
    from handover import services
    from handover.models import CustodyEvent, Document, DocumentVersion, Handover
    from tests.handover.factories import make_document, make_handover, sample_csv, upload

    made = people()
    from accounts.models import User

    sender = User.objects.get(pk=made["sender"]["id"])
    recipient = User.objects.get(pk=made["recipient"]["id"])
    plan = make_document(sender, title="Evaluation plan")
    services.document_version_add(
        user=sender, document=plan, uploaded=upload("plan-v2.csv", sample_csv()), note="v2"
    )
    results = make_document(sender, title="Results", name="results.pdf")
    notes = make_document(sender, title="Meeting notes", name="notes.pdf")

    acknowledged = make_handover(sender, [recipient], [plan, results])
    for item in acknowledged.items.all():
        services.handover_item_download(handover=acknowledged, item=item, user=recipient)
    services.handover_acknowledge(handover=acknowledged, user=recipient)
    pending = make_handover(sender, [recipient], [results, notes])
    queried = make_handover(sender, [recipient], [notes])
    services.handover_query(handover=queried, user=recipient, reason="Page 3 is missing.")
    make_handover(sender, [recipient], [plan], send=False)
    return {
        **made,
        "pending": pending.reference,
        "counts": {
            "documents": Document.objects.count(),
            "versions": DocumentVersion.objects.count(),
            "handovers": Handover.objects.count(),
            "custody_events": CustodyEvent.objects.count(),
        },
    }


def acknowledge(reference: str, email: str) -> dict:
    """The recipient acknowledges a handover: every file is re-checked first."""
    from django.core.exceptions import ValidationError

    from accounts.models import User
    from handover import services
    from handover.models import Handover

    handover = Handover.objects.get(reference=reference)
    try:
        services.handover_acknowledge(handover=handover, user=User.objects.get(email=email))
    except ValidationError as exc:
        return {"acknowledged": False, "message": " ".join(exc.messages)}
    return {"acknowledged": True, "message": ""}


SCENARIOS = {
    "people": people,
    "notifications": notifications,
    "managers": managers,
    "handover_portal": handover_portal,
    "acknowledge": acknowledge,
}


def main() -> None:
    django.setup()
    name = sys.argv[1]
    arguments = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    result = SCENARIOS[name](**arguments)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
