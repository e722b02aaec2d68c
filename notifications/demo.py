"""Demo data for notifications: preferences, and something due on the first scan.

The first scan after ``make run`` (beat runs it every 5 minutes) finds, among others:
demo programme managers and admins who have not set up an authenticator app, and a demo
milestone due in 7 days. Their emails appear in the worker's console output.
"""

import datetime

from django.utils import timezone

from accounts.models import User

from .kinds import Delivery
from .models import Preference

DEMO_MILESTONE_TITLE = "Agree the joint evaluation protocol"


def _demo_milestone(stdout) -> None:
    """A milestone due in a week on the first demo project, owned by the UK researcher."""
    from programmes.models import Milestone, Project

    owner = User.objects.filter(email="researcher@aisi.example.gov.uk").first()
    project = Project.objects.order_by("pk").first()
    if owner is None or project is None:
        return
    due = timezone.now().date() + datetime.timedelta(days=7)
    milestone, created = Milestone.objects.get_or_create(
        project=project,
        title=DEMO_MILESTONE_TITLE,
        defaults={"owner": owner, "due_date": due, "baseline_due_date": due},
    )
    if created:
        stdout.write(f"Notifications: milestone “{milestone.title}” due on {due:%-d %B %Y}")


def seed(*, stdout) -> None:
    au_researcher = User.objects.filter(email="researcher@aisi.example.gov.au").first()
    if au_researcher is not None:
        for kind in ("milestone_due", "checklist_item_due"):
            Preference.objects.get_or_create(
                user=au_researcher, kind=kind, defaults={"delivery": Delivery.DIGEST}
            )
    _demo_milestone(stdout)
    stdout.write(
        "Notifications: the first reminder scan runs within 5 minutes of `make run`; "
        "emails appear in the worker's output."
    )
