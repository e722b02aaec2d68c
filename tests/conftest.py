"""Shared fixtures: people and institutes, real-service guards, and a real browser."""

import datetime
import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.factories import InstituteFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Property tests (hypothesis): "ci" is small, fixed and repeatable, so that the whole suite
# stays within its time budget; "dev" (the default elsewhere) tries more; "thorough" is for
# a long run by hand. HYPOTHESIS_PROFILE chooses; CI=true picks "ci".
_HYPOTHESIS_COMMON = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}
hypothesis_settings.register_profile(
    "ci", max_examples=5, derandomize=True, database=None, **_HYPOTHESIS_COMMON
)
hypothesis_settings.register_profile("dev", max_examples=10, **_HYPOTHESIS_COMMON)
hypothesis_settings.register_profile("thorough", max_examples=200, **_HYPOTHESIS_COMMON)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if IN_CI else "dev"))

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# test itself (factories, assertions) are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _port_open(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 1
        ):
            return True
    except OSError:
        return False


def need_service(what: str, available: bool, how: str) -> None:
    """Skip with a clear reason on a machine without the service; fail under CI."""
    if available:
        return
    message = f"needs {what}: {how}"
    if IN_CI:
        pytest.fail(f"CI must run this test: {message}")
    pytest.skip(message)


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    need_service(
        "Redis",
        bool(url) and _port_open(url, 6379),
        "set REDIS_URL=redis://127.0.0.1:6379/0 with a Redis server running",
    )
    return url


@pytest.fixture
def postgres():
    need_service(
        "PostgreSQL",
        django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        "set DATABASE_URL=postgres://postgres@127.0.0.1:5432/exchange_portal",
    )


def pytest_sessionfinish(session, exitstatus):
    """Under CI=true nothing may be skipped: every test runs against the real services."""
    if not IN_CI:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"CI: {len(skipped)} test(s) skipped; CI requires all to run.", red=True
        )
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Account emails go through their Celery task, run in this process (accounts.mail).
    settings.ACCOUNT_EMAIL_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def uk_institute(db):
    return InstituteFactory(uk=True)


@pytest.fixture
def au_institute(db):
    return InstituteFactory(au=True)


@pytest.fixture
def uk_user(uk_institute):
    return UserFactory(institute=uk_institute)


@pytest.fixture
def au_user(au_institute):
    return UserFactory(institute=au_institute)


# --- a real browser -------------------------------------------------------------------

# Browser journeys run at a fixed instant, frozen before any data is built: 20:00 in
# London, already 07:00 the next day in Canberra. Only this process's clock is moved (the
# live server runs in it); the browser keeps the real one, which only matters to cookies,
# and Django's cookies carry Max-Age, which browsers prefer to the Expires date.
BROWSER_NOW = datetime.datetime(2026, 11, 27, 20, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _browser_clock(request):
    node = request.node
    if node.get_closest_marker("browser") is None or node.get_closest_marker("real_clock"):
        yield
        return
    with time_machine.travel(BROWSER_NOW):
        yield


@pytest.fixture(scope="session")
def chromium_browser():
    available = Path(CHROMIUM).exists() or bool(shutil.which("chromium"))
    need_service(
        "Chromium", available, "install Debian's chromium package (apt-get install chromium)"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser, live_server):
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport={"width": 1200, "height": 900}
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe on the current page and fail with its report when it finds a violation."""

    def check(pg):
        results = axe.run(pg)
        assert results.violations_count == 0, f"{pg.url}\n{results.generate_report()}"

    return check


@pytest.fixture
def browser_login(live_server):
    """Sign ``user`` in to the Playwright ``page`` by giving it a real session cookie."""
    from django.conf import settings
    from django.test import Client

    def login(pg, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        pg.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )
        return pg

    return login
