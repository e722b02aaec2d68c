"""Demo data for notifications: people's delivery preferences.

The first scan after ``make run`` (beat runs it every 5 minutes) finds, among others,
demo programme managers and admins who have not set up an authenticator app, and the
programmes demo's milestone due in 7 days. Their emails appear in the worker's output.
"""

from accounts.models import User

from .kinds import Delivery
from .models import Preference


def seed(*, stdout) -> None:
    au_researcher = User.objects.filter(email="researcher@aisi.example.gov.au").first()
    if au_researcher is not None:
        for kind in ("milestone_due", "checklist_item_due"):
            Preference.objects.get_or_create(
                user=au_researcher, kind=kind, defaults={"delivery": Delivery.DIGEST}
            )
    stdout.write(
        "Notifications: the first reminder scan runs within 5 minutes of `make run`; "
        "emails appear in the worker's output."
    )
