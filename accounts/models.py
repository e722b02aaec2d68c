import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

# The tz database's geographic areas: canonical zones are named Area/Location. Legacy
# names ("GB-Eire", "Factory", "localtime", "US/Eastern", "Etc/GMT+5") stay valid for
# stored values but are not offered.
_TIME_ZONE_AREAS = {
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
}


def _offered_order(name: str) -> tuple[int, str]:
    """The UK's zone first, then Australia's, then UTC, then the rest alphabetically."""
    if name == "Europe/London":
        return (0, name)
    if name.startswith("Australia/"):
        return (1, name)
    return (2 if name == "UTC" else 3, name)


def _canonical(name: str) -> bool:
    area, _, location = name.partition("/")
    return name == "UTC" or (area in _TIME_ZONE_AREAS and bool(location))


TIME_ZONE_CHOICES = [
    (tz, tz.replace("_", " "))
    for tz in sorted(filter(_canonical, zoneinfo.available_timezones()), key=_offered_order)
]
# For a form where a person may leave their time zone to their institute.
PERSONAL_TIME_ZONE_CHOICES = [("", "Use my institute's time zone"), *TIME_ZONE_CHOICES]


def personal_time_zone_choices(current: str = "") -> list[tuple[str, str]]:
    """The offered zones, plus ``current`` if a person's stored zone is a legacy name, so
    that saving the form unchanged keeps it."""
    offered = {value for value, _ in PERSONAL_TIME_ZONE_CHOICES}
    if current and current not in offered and current in zoneinfo.available_timezones():
        return [*PERSONAL_TIME_ZONE_CHOICES, (current, current.replace("_", " "))]
    return PERSONAL_TIME_ZONE_CHOICES


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("Enter a time zone such as Europe/London or Australia/Sydney.")


class ClassificationScheme(models.TextChoices):
    UK = "UK", "UK Government Security Classifications"
    AU = "AU", "Australian Protective Security Policy Framework"


class Institute(models.Model):
    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(
        "short code", max_length=20, unique=True, help_text="For example UK-AISI or AU-AISI."
    )
    country = models.CharField(
        max_length=3, help_text="ISO 3166-1 alpha-3 code, for example GBR or AUS."
    )
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    classification_scheme = models.CharField(max_length=2, choices=ClassificationScheme.choices)
    subdivision = models.CharField(
        max_length=10,
        blank=True,
        help_text="Region for public holidays (ENG, ACT...). Blank for the country default.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class InstituteDomain(models.Model):
    """An email domain whose verified addresses may sign up and join the institute."""

    institute = models.ForeignKey(Institute, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().lstrip("@")
        super().save(*args, **kwargs)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class Role(models.TextChoices):
    """Portal-wide roles held as Django groups; per-record roles live on the records."""

    PROGRAMME_MANAGER = "Programme managers", "Programme manager"
    INSTITUTE_ADMIN = "Institute admins", "Institute admin"


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    institute = models.ForeignKey(
        Institute, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    job_title = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Leave blank to use your institute's time zone.",
    )
    nationality = models.CharField(
        max_length=3, blank=True, help_text="ISO 3166-1 alpha-3 code, for example GBR or AUS."
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "admin site access", default=False, help_text="Can sign in to the Django admin."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_absolute_url(self) -> str:
        return reverse("profile")

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]

    @property
    def effective_time_zone(self) -> str:
        if self.time_zone:
            return self.time_zone
        if self.institute_id:
            return self.institute.time_zone
        return "UTC"


class SingleSignOn(models.Model):
    """Links an identity provider from the environment to an institute and its domains.

    The provider's issuer, client id and secret live in the environment only (``SSO_*``,
    see docs/sso.md): this record says which institute it signs in, for which of the
    institute's email domains, and whether those people may still use a password.
    """

    institute = models.OneToOneField(
        Institute, on_delete=models.CASCADE, related_name="single_sign_on"
    )
    provider_id = models.CharField(
        "identity provider",
        max_length=30,
        unique=True,
        help_text="One of the providers set up in the environment (SSO_PROVIDERS).",
    )
    domains = models.ManyToManyField(
        InstituteDomain,
        related_name="single_sign_ons",
        help_text="The institute's email domains whose people sign in through this provider.",
    )
    is_enabled = models.BooleanField(
        "offer single sign-on",
        default=True,
        help_text="Untick to stop offering this provider without losing its settings.",
    )
    password_sign_in = models.BooleanField(
        "allow password sign-in",
        default=True,
        help_text="Untick to refuse password sign-in, password reset and password sign-up "
        "for these domains: people then sign in through the identity provider only.",
    )

    class Meta:
        verbose_name = "single sign-on"
        verbose_name_plural = "single sign-on"
        ordering = ["institute__name"]

    def __str__(self) -> str:
        return f"{self.institute.name} through {self.provider_id}"


class AttributeChangeRequest(models.Model):
    """A person asks for an attribute that decides access to be changed; it takes effect
    only when an admin of their institute confirms it (``accounts.services``)."""

    class Field(models.TextChoices):
        NATIONALITY = "nationality", "Nationality"
        INSTITUTE = "institute", "Institute"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an admin"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="attribute_change_requests"
    )
    field = models.CharField(max_length=20, choices=Field.choices)
    current_value = models.CharField("value when asked", max_length=200, blank=True)
    requested_value = models.CharField(max_length=200)
    reason = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "change of details request"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "field"],
                condition=models.Q(status="pending"),
                name="attribute_change_one_pending_per_field",
                violation_error_message="You have already asked for a change to this.",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(decided_at__isnull=False)),
                name="attribute_change_decided_when_not_pending",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_field_display()} for {self.user}: "
            f"{self.current_value or 'none'} to {self.requested_value}"
        )
