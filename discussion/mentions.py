"""@mentions in a comment: ``@`` followed by the person's full email address, such as
``@rita.researcher@aisi.gov.uk``. The email address is the one handle every person has
that is unique and does not change with a name, so a mention is never ambiguous."""

import re

from django.db.models import QuerySet
from django.db.models.functions import Lower

from accounts.models import User

MAX_MENTIONS = 10

# "@" at the start or after a space or an opening bracket, then an email address; a
# full stop or comma after it ends the mention.
MENTION = re.compile(
    r"(?:^|(?<=[\s(\[]))@(?P<email>[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9-]{1,63}"
    r"(?:\.[A-Za-z0-9-]{1,63})+)"
)


def handles(body: str) -> list[str]:
    """The email addresses mentioned in ``body``, lower-cased, each once, in order."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(body or ""):
        seen.setdefault(match.group("email").rstrip(".-").lower(), None)
    return list(seen)


def people(emails: list[str]) -> QuerySet[User]:
    """The active people with these addresses (case does not matter)."""
    if not emails:
        return User.objects.none()
    return (
        User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails, is_active=True)
        .select_related("institute")
    )
