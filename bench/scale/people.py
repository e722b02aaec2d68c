"""Institutes, people, roles, verified addresses, authenticator apps and calendar tokens."""

from __future__ import annotations

import base64

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt

from accounts.models import Role, User
from accounts.services import institute_upsert, role_groups_ensure
from programmes.models import CalendarFeed

from .base import Context

# The partner institutes, as the demo data and production have them.
INSTITUTES = {
    "UK": {
        "code": "UK-AISI",
        "name": "UK AI Security Institute",
        "country": "GBR",
        "time_zone": "Europe/London",
        "classification_scheme": "UK",
        "subdivision": "ENG",
        "domains": ["aisi.example.gov.uk"],
    },
    "AU": {
        "code": "AU-AISI",
        "name": "Australian AI Safety Institute",
        "country": "AUS",
        "time_zone": "Australia/Sydney",
        "classification_scheme": "AU",
        "subdivision": "ACT",
        "domains": ["aisi.example.gov.au"],
    },
}

# Not a password hash any password matches: these people sign in by session in benchmarks.
UNUSABLE_PASSWORD = "!seed-scale"  # noqa: S105 - a marker no password can match

JOB_TITLES = [
    "Research Scientist",
    "Research Engineer",
    "Policy Adviser",
    "Technical Lead",
    "Evaluations Lead",
    "Software Engineer",
    "Security Adviser",
    "Operations Manager",
]

# (role key, institute, full name, job title)
KEY_PEOPLE = [
    ("programme_manager", "UK", "Morgan Programmes", "Programme Director"),
    ("researcher", "UK", "Riley Researcher", "Principal Research Scientist"),
    ("line_manager", "UK", "Casey Manager", "Head of Evaluations"),
    ("recipient", "AU", "Jordan Recipient", "Research Lead"),
    ("superuser", "UK", "Avery Admin", "Portal Administrator"),
]


def _person(ctx: Context, *, email: str, institute, full_name: str, job_title: str) -> User:
    return User(
        email=email,
        full_name=full_name,
        institute=institute,
        job_title=job_title,
        time_zone=institute.time_zone,
        nationality=institute.country,
        password=UNUSABLE_PASSWORD,
        date_joined=ctx.ago(30, 1500),
    )


def seed(ctx: Context) -> None:
    from . import BENCH_USERS

    for side, spec in INSTITUTES.items():
        ctx.institutes[side] = institute_upsert(**spec)
    groups = role_groups_ensure()

    people = []
    key_people = []
    for role, side, full_name, job_title in KEY_PEOPLE:
        person = _person(
            ctx,
            email=BENCH_USERS[role],
            institute=ctx.institutes[side],
            full_name=full_name,
            job_title=job_title,
        )
        if role == "superuser":
            person.is_staff = person.is_superuser = True
        key_people.append((role, side, person))
        people.append(person)
    sides = []
    for i in range(ctx.sizes.users - len(KEY_PEOPLE)):
        # A little more than half the people are at the UK institute.
        side = "UK" if i % 20 < 11 else "AU"
        institute = ctx.institutes[side]
        full_name = ctx.name()
        local = full_name.lower().replace(" ", ".").replace("'", "")
        people.append(
            _person(
                ctx,
                email=f"{local}.{i:05d}@{INSTITUTES[side]['domains'][0]}",
                institute=institute,
                full_name=full_name,
                job_title=ctx.rng.choice(JOB_TITLES),
            )
        )
        sides.append(side)
    ctx.users = ctx.create(User, people)
    ctx.key = {role: person for role, _, person in key_people}

    ordinary = ctx.users[len(KEY_PEOPLE) :]
    ctx.staff = {"UK": [], "AU": []}
    for side, person in zip(sides, ordinary, strict=True):
        ctx.staff[side].append(person)
    # One in twenty is a line manager and one in a hundred a programme manager, at each
    # institute; institute admins are a handful.
    for side, staff in ctx.staff.items():
        ctx.line_managers[side] = staff[::20]
        ctx.programme_managers[side] = staff[7::100] or staff[:1]
    ctx.line_managers["UK"].insert(0, ctx.key["line_manager"])
    ctx.programme_managers["UK"].insert(0, ctx.key["programme_manager"])
    admins = [ctx.staff["UK"][3], ctx.staff["AU"][3]]
    for person in admins:
        person.is_staff = True
    User.objects.filter(pk__in=[p.pk for p in admins]).update(is_staff=True)

    through = User.groups.through
    pm_group = groups[Role.PROGRAMME_MANAGER.value]
    admin_group = groups[Role.INSTITUTE_ADMIN.value]
    memberships = [
        through(user_id=p.pk, group_id=pm_group.pk)
        for side in ("UK", "AU")
        for p in ctx.programme_managers[side]
    ] + [through(user_id=p.pk, group_id=admin_group.pk) for p in admins]
    through.objects.bulk_create(memberships, batch_size=2000)

    # Every address verified, as sign-up requires.
    ctx.create(
        EmailAddress,
        [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in ctx.users],
    )
    # Managers and admins have an authenticator app, as the portal requires of them.
    with_mfa = [
        *ctx.programme_managers["UK"],
        *ctx.programme_managers["AU"],
        *admins,
        ctx.key["superuser"],
    ]
    ctx.create(
        Authenticator,
        [
            Authenticator(
                user=p,
                type=Authenticator.Type.TOTP,
                data={"secret": encrypt(_totp_secret(ctx))},
                created_at=p.date_joined,
            )
            for p in with_mfa
        ],
    )
    # One person in five subscribes to their calendar, the benchmark people included.
    subscribers = [*ctx.key.values(), *ctx.users[len(KEY_PEOPLE) :: 5]]
    ctx.create(
        CalendarFeed,
        [
            CalendarFeed(user=p, token=f"{ctx.rng.getrandbits(256):064x}", created_at=ctx.now)
            for p in subscribers
        ],
    )


def _totp_secret(ctx: Context) -> str:
    return base64.b32encode(ctx.rng.getrandbits(160).to_bytes(20, "big")).decode()
