"""Personal access tokens: what a person's scripts use to call the API as them."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    READ_WRITE = "read_write", "Read and write"


class PersonalAccessToken(models.Model):
    """A bearer token, stored as the SHA-256 of its secret and found by its prefix.

    The whole token (``ep_<prefix>_<secret>``) is shown once, when it is created; only
    the prefix is kept in the clear, so that the person and admins can tell tokens apart.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for.")
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Managers' and admins' tokens work only if MFA was done when they were created.
    created_with_mfa = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "personal access token"

    def __str__(self) -> str:
        return f"{self.name} (ep_{self.prefix}_…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def is_live(self) -> bool:
        return not self.is_revoked and not self.is_expired()

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE

    def status_label(self) -> str:
        if self.is_revoked:
            return "Revoked"
        if self.is_expired():
            return "Expired"
        return "Active"
