"""Fixtures for the fault tests: private servers, a migrated template database, and the
portal's processes, all on loopback and all bounded in time.

Outside CI, a machine without the PostgreSQL server binaries or redis-server skips these
tests with a reason; under ``CI=true`` that is a failure.
"""

import shutil
import signal
import subprocess
import sys

import pytest

from tests.conftest import need_service
from tests.support.processes import ROOT
from tests.support.smtp import Sink, smtp_server

from .portal import Deployment, portal_env
from .servers import PostgresCluster, RedisServer, S3Server, can_run_postgres

# Every fault test must finish well inside this (the slowest takes about a minute).
TEST_LIMIT_SECONDS = 120
TEMPLATE = "portal_template"


def manage(env: dict, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(autouse=True)
def _bounded():
    """Fail a fault test that runs past its limit instead of letting it hang CI."""

    def too_long(signum, frame):
        pytest.fail(f"fault test ran longer than {TEST_LIMIT_SECONDS}s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(TEST_LIMIT_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """The collected static files the production settings serve (pytest prunes old ones)."""
    folder = tmp_path_factory.mktemp("static")
    env = portal_env(
        database_url="sqlite:///unused",
        redis_url="",
        static_root=folder,
        media_root=folder / "unused",
    )
    manage(env, "collectstatic", "--noinput", "-v0")
    return folder


@pytest.fixture(scope="session")
def pg_cluster(static_root):
    """A private PostgreSQL cluster with a migrated template database."""
    available, how = can_run_postgres()
    need_service("a private PostgreSQL server", available, how)
    cluster = PostgresCluster()
    try:
        cluster.initdb()
        cluster.start()
        url = cluster.create_database(TEMPLATE)
        env = portal_env(
            database_url=url,
            redis_url="",
            static_root=static_root,
            media_root=cluster.root / "unused",
        )
        manage(env, "migrate", "--noinput", "-v0")
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def pg(pg_cluster):
    """The private cluster, running (a test before may have left it stopped)."""
    if not pg_cluster.running:
        pg_cluster.start()
    return pg_cluster


@pytest.fixture
def portal_db(pg, request):
    """A fresh, migrated database for one test."""
    name = "ep_" + request.node.name.lower().replace("[", "_").replace("]", "")[:50]
    pg.drop_database(name)
    url = pg.create_database(name, template=TEMPLATE)
    yield url
    if pg.running:
        pg.drop_database(name)


@pytest.fixture
def redis_server(tmp_path):
    need_service(
        "redis-server",
        bool(shutil.which("redis-server")),
        "install Debian's redis-server package (apt-get install redis-server)",
    )
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3_server(tmp_path):
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401

        available = True
    except ImportError:
        available = False
    need_service("moto's S3 server and boto3", available, "install the dev dependencies")
    server = S3Server(tmp_path / "s3")
    yield server
    server.stop()


@pytest.fixture
def sink():
    return Sink()


@pytest.fixture
def deployment(portal_db, redis_server, static_root, tmp_path):
    """One portal deployment: private database and Redis, files on local disk."""
    logs = tmp_path / "logs"
    logs.mkdir()
    deploy = Deployment(
        env=portal_env(
            database_url=portal_db,
            redis_url=redis_server.url(0),
            static_root=static_root,
            media_root=tmp_path / "media",
        ),
        folder=logs,
    )
    yield deploy
    deploy.stop()


@pytest.fixture
def mail_to(sink):
    """Start an SMTP port for ``sink`` labelled ``via``; returns the EMAIL_URL to use."""
    stack = []

    def open_port(via: str = "") -> str:
        context = smtp_server(sink, via)
        port = context.__enter__()
        stack.append(context)
        return f"smtp://127.0.0.1:{port}"

    yield open_port
    for context in reversed(stack):
        context.__exit__(None, None, None)
