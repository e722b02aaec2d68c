"""A portal deployment under test: its processes, a person's browser, and its data.

The web hosts run gunicorn on the production settings (``DEBUG`` off, a real
``SECRET_KEY``, HTTPS assumed behind a proxy); the test plays the TLS-terminating proxy by
sending ``X-Forwarded-Proto: https``. Workers and beats run Celery with
``tests.support.worker_settings`` (the production settings plus test tunables).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests

from tests.support.processes import (
    ROOT,
    Service,
    celery_beat,
    celery_worker,
    free_port,
    gunicorn,
    wait_for,
    worker_ready,
)

SECRET_KEY = "fault-tests-" + "k7Q2-x9Zr!" * 6
HEALTHZ_TOKEN = "fault-tests-monitoring-token-3f9c1a"
# What a reverse proxy adds in front of every request from the outside world.
PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}

# Variables of the test process that must not leak into the portal's processes.
_NOT_INHERITED = {
    "DJANGO_SETTINGS_MODULE", "TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "DATABASE_URL",
    "REDIS_URL", "REDIS_CACHE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "STORAGE_BACKEND",
    "STORAGE_OPTIONS", "MEDIA_ROOT", "SITE_URL", "HEALTHZ_TOKEN", "SECRET_KEY",
    "SECRET_KEY_FALLBACKS", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "CONN_MAX_AGE", "VAR_DIR",
}  # fmt: skip


def portal_env(
    *, database_url: str, redis_url: str, static_root: Path, media_root: Path, **extra: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "STATIC_ROOT": str(static_root),
            "MEDIA_ROOT": str(media_root),
            "VAR_DIR": str(media_root.parent / "var"),
            "SITE_URL": "https://portal.example.org",
            "EMAIL_URL": "consolemail://",
            "HEALTHZ_TOKEN": HEALTHZ_TOKEN,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


@dataclass
class Web:
    service: Service
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Deployment:
    """Starts the portal's processes for one test and stops every one of them after it.

    ``web``, ``worker`` and ``beat`` start a process and return at once, so that several
    boot side by side; ``ready()`` waits until every one started so far is serving.
    """

    env: dict[str, str]
    folder: Path
    services: list[Service] = field(default_factory=list)
    _pending: list[tuple[str, Service, object]] = field(default_factory=list)

    def _log(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    def _started(self, name: str, service: Service, check) -> Service:
        self.services.append(service)
        self._pending.append((name, service, check))
        return service

    def web(self, name: str = "web", **env: str) -> Web:
        port = free_port()
        web = Web(gunicorn({**self.env, **env}, self._log(name), port), port)
        self._started(name, web.service, lambda: _answers(f"{web.url}/readyz"))
        return web

    def worker(self, name: str = "worker", concurrency: int = 1, **env: str) -> Service:
        worker_env = {**self.env, "DJANGO_SETTINGS_MODULE": "tests.support.worker_settings"}
        service = celery_worker({**worker_env, **env}, self._log(name), concurrency=concurrency)
        return self._started(name, service, lambda: worker_ready(service))

    def beat(self, name: str = "beat", every: float = 2, **env: str) -> Service:
        beat_env = {
            **self.env,
            "DJANGO_SETTINGS_MODULE": "tests.support.worker_settings",
            "TEST_SCAN_EVERY_SECONDS": str(every),
        }
        service = celery_beat(
            {**beat_env, **env}, self._log(name), self.folder / f"{name}-schedule"
        )
        return self._started(name, service, lambda: "beat: Starting" in service.output())

    def ready(self, timeout: float = 60) -> None:
        """Wait until every process started so far serves (web) or is ready (Celery)."""
        deadline = time.monotonic() + timeout
        for name, service, check in self._pending:
            wait_for(
                lambda s=service, c=check: c() or not s.alive,
                max(1.0, deadline - time.monotonic()),
                f"{name} to be ready",
                service.log,
            )
            assert service.alive, f"{name} exited:\n{service.output()[-3000:]}"
        self._pending.clear()

    def single_host(self) -> tuple[Web, Service, Service]:
        """One web host, one worker and one beat scanning every two seconds, all ready."""
        web, worker, beat = self.web(), self.worker(), self.beat(every=2)
        self.ready()
        return web, worker, beat

    def manage(self, *args: str, timeout: float = 90, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def scenario(self, name: str, *, using: dict | None = None, **kwargs) -> dict:
        """Build data inside the deployment (tests/faults/scenario.py); its JSON result.

        ``using`` overrides environment variables, to act on another database or storage.
        """
        result = subprocess.run(
            [sys.executable, "-m", "tests.faults.scenario", name, json.dumps(kwargs)],
            cwd=ROOT,
            env={**self.env, **(using or {})},
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    def query(self, sql: str, params=None, *, using: dict | None = None) -> list[tuple]:
        """Rows from the deployment's database (or the one ``using`` names)."""
        url = (using or {}).get("DATABASE_URL", self.env["DATABASE_URL"])
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as c:
            cursor = c.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def stop(self) -> None:
        """All at once: SIGTERM to every process, then SIGKILL what is left after 2s."""
        for service in self.services:
            service.terminate()
        deadline = time.monotonic() + 2
        for service in self.services:
            service.stop(timeout=max(0.1, deadline - time.monotonic()))


def _direct() -> requests.Session:
    """An HTTP client that never goes through a proxy named in the environment."""
    session = requests.Session()
    session.trust_env = False
    return session


def _answers(url: str) -> bool:
    try:
        return _direct().get(url, timeout=2).status_code in (200, 503)
    except requests.RequestException:
        return False


def health(url: str, path: str = "/healthz", **headers: str) -> tuple[int, dict]:
    """Ask a web host for its health as the load balancer or monitoring would (no proxy)."""
    response = _direct().get(url + path, headers=headers, timeout=10, allow_redirects=False)
    return response.status_code, response.json()


class Browser:
    """One person's browser, reaching a web host through the TLS-terminating proxy.

    Cookies are kept here and sent by hand: the portal marks them Secure, and the proxy's
    HTTPS is played by a header, so a normal cookie jar would not send them.
    """

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None):
        self.base_url = base_url
        self.cookies = cookies if cookies is not None else {}
        self.http = _direct()

    def at(self, base_url: str) -> Browser:
        """The same browser (same cookies) sent to another web host."""
        return Browser(base_url, self.cookies)

    def request(self, method: str, path: str, *, timeout: float = 15, **kwargs):
        host = urlsplit(self.base_url).netloc
        headers = {
            **PROXIED,
            "Origin": f"https://{host}",
            "Referer": f"https://{host}{path}",
            **kwargs.pop("headers", {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(
            method,
            self.base_url + path,
            headers=headers,
            allow_redirects=False,
            timeout=timeout,
            **kwargs,
        )
        self.http.cookies.clear()
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def csrf_token(self) -> str:
        if "csrftoken" not in self.cookies:
            self.get("/accounts/login/")
        return self.cookies["csrftoken"]

    def post(self, path: str, data: dict | None = None, **kwargs):
        data = {**(data or {}), "csrfmiddlewaretoken": self.csrf_token()}
        return self.request("POST", path, data=data, **kwargs)

    def sign_in(self, email: str, password: str) -> None:
        response = self.post("/accounts/login/", {"login": email, "password": password})
        assert response.status_code == 302, (response.status_code, response.text[:2000])
        assert "sessionid" in self.cookies
