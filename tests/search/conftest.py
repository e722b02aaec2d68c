"""The search tests' world (``world.build``), built once per module."""

import datetime

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings

from .world import build

NOW = datetime.datetime(2026, 8, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once per module inside a transaction rolled back at the end (as the
    authorization sweep's world); each test runs in a savepoint of it."""
    media = tmp_path_factory.mktemp("search-media")
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
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
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
