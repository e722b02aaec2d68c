import datetime

import factory
from allauth.account.models import EmailAddress

from accounts.models import ClassificationScheme, Institute, InstituteDomain, Role, User
from programmes.models import Programme

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class InstituteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institute
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    class Params:
        uk = factory.Trait(
            code="UK-AISI",
            name="UK AI Security Institute",
            country="GBR",
            time_zone="Europe/London",
            classification_scheme=ClassificationScheme.UK,
            subdivision="ENG",
        )
        au = factory.Trait(
            code="AU-AISI",
            name="Australian AI Safety Institute",
            country="AUS",
            time_zone="Australia/Sydney",
            classification_scheme=ClassificationScheme.AU,
            subdivision="ACT",
        )

    code = factory.Sequence(lambda n: f"INST-{n}")
    name = factory.Sequence(lambda n: f"Institute {n}")
    country = "GBR"
    time_zone = "Europe/London"
    classification_scheme = ClassificationScheme.UK

    @factory.post_generation
    def domains(self, create, extracted, **kwargs):
        if not create:
            return
        for domain in extracted or [f"{self.code.lower()}.example.org"]:
            InstituteDomain.objects.get_or_create(domain=domain, defaults={"institute": self})


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    institute = factory.SubFactory(InstituteFactory)
    job_title = "Research Scientist"
    nationality = factory.LazyAttribute(lambda u: u.institute.country if u.institute else "")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        from accounts.services import user_grant_role

        for role in extracted or []:
            user_grant_role(user=self, role=Role(role))


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """A programme of the UK and Australian institutes (or those given).

    ``managers`` are set as data. A test that needs them to hold the programme manager
    role names them through ``programmes.services.programme_managers_set``, as the portal
    does.
    """

    class Meta:
        model = Programme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Programme {n}")
    agreement_reference = factory.Sequence(lambda n: f"MoU-{n}")
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2029, 12, 31)

    @factory.post_generation
    def institutes(self, create, extracted, **kwargs):
        if create:
            self.institutes.set(extracted or [InstituteFactory(uk=True), InstituteFactory(au=True)])

    @factory.post_generation
    def managers(self, create, extracted, **kwargs):
        if create and extracted:
            self.managers.set(extracted)


def client_for(user):
    """A test client signed in as ``user``."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app would show for ``secret`` at time ``at``."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(at if at is not None else time.time()) // 30))


def enable_totp(user: User) -> str:
    """Turn on TOTP (and recovery codes) for ``user`` as the activation view does."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret
