from django.conf import settings
from django.db import models


class Person(models.Model):
    """A person at the test provider: the claims their tokens carry, and any faults.

    ``faults`` makes the provider misbehave for this person's ID tokens, so that the
    portal's checks can be seen to refuse them: ``{"iss": ...}``, ``{"aud": ...}`` or
    ``{"sign_with_other_key": true}``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    claims = models.JSONField(default=dict)
    faults = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.user.username
