"""The sweep's one world: built once per module inside a transaction that is rolled back
at the end, with the clock frozen; each test runs in a savepoint of it."""

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from tests.conftest import need_service

from .world import NOW, SESSIONS, TOKENS, build


@pytest.fixture(autouse=True)
def _fast_and_isolated():
    """Replaces the suite's per-test media folder: the world's files live in the module's
    folder (see ``world``), so every test of the module can download them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    # The sweep reads PostgreSQL's per-transaction write counters.
    need_service(
        "PostgreSQL",
        settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        "set DATABASE_URL=postgres://postgres@127.0.0.1:5432/exchange_portal",
    )
    media = tmp_path_factory.mktemp("sweep-media")
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        },
    }
    with (
        time_machine.travel(NOW, tick=False),
        override_settings(
            MEDIA_ROOT=str(media),
            STORAGES=storages,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build()
            SESSIONS.update(_sign_in_everyone(world))
            TOKENS.update(_tokens_for_everyone(world))
            yield world
        finally:
            SESSIONS.clear()
            TOKENS.clear()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _sign_in_everyone(world) -> dict:
    """One session per person of the world, made inside the world's transaction, so each
    test starts signed in without writing a session of its own."""
    from django.conf import settings as django_settings
    from django.test import Client

    from accounts.models import User

    sessions = {}
    for person in vars(world).values():
        if isinstance(person, User) and person.pk not in sessions:
            client = Client()
            client.force_login(person)
            sessions[person.pk] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return sessions


def _tokens_for_everyone(world) -> dict:
    """A read-and-write API token for each person of the world (made with MFA, as a
    manager's must be)."""
    from accounts.models import User
    from api import services as api_services

    tokens = {}
    for person in vars(world).values():
        if isinstance(person, User) and person.pk not in tokens:
            _token, raw = api_services.token_create(
                actor=person, name="Sweep", scope="read_write", expires_in_days=30, mfa_done=True
            )
            tokens[person.pk] = raw
    return tokens
