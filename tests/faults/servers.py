"""Private PostgreSQL, Redis and S3 servers for the fault tests, on loopback only.

Each runs from a temporary folder on a free port, so stopping or killing one never touches
the machine's shared services. PostgreSQL's ``initdb`` refuses to run as root, so under
root the cluster is created and run as the ``postgres`` user (or ``nobody``).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from tests.support.processes import free_port


def _numeric_version(path: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path.parent.name))


def postgres_bindir() -> Path | None:
    """Where initdb, pg_ctl and postgres are: PG_BINDIR, the PATH, or Debian's folders."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    if shutil.which("pg_ctl"):
        candidates.append(Path(shutil.which("pg_ctl")).resolve().parent)
    candidates += sorted(
        (p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")),
        key=lambda p: _numeric_version(p / "x"),
        reverse=True,
    )
    for bindir in candidates:
        if all((bindir / tool).exists() for tool in ("initdb", "pg_ctl", "postgres", "pg_dump")):
            return bindir
    return None


def _unprivileged_user() -> str | None:
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    return None


def can_run_postgres() -> tuple[bool, str]:
    bindir = postgres_bindir()
    if bindir is None:
        return False, (
            "the PostgreSQL server binaries (initdb, pg_ctl, postgres, pg_dump): install "
            "Debian's postgresql package or set PG_BINDIR"
        )
    if os.geteuid() == 0 and not (_unprivileged_user() and shutil.which("runuser")):
        return False, "a 'postgres' or 'nobody' user and runuser, to run initdb when root"
    return True, ""


class PostgresCluster:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1:port only."""

    def __init__(self):
        self.bindir = postgres_bindir()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="ep-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.user = _unprivileged_user() if os.geteuid() == 0 else None
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.root.chmod(0o700)

    def _as_owner(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", self.user, "--", *argv] if self.user else argv

    def _run(self, argv: list[str], timeout: float = 90) -> None:
        subprocess.run(
            self._as_owner(argv), check=True, capture_output=True, timeout=timeout, cwd=self.root
        )

    def version(self) -> int:
        out = subprocess.run(
            [str(self.bindir / "postgres"), "--version"], capture_output=True, text=True
        ).stdout
        return int(re.search(r"\(PostgreSQL\)\s+(\d+)", out).group(1))

    def initdb(self) -> None:
        self._run(
            [
                str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync",
            ]
        )  # fmt: skip

    def _options(self) -> str:
        options = [
            f"-p {self.port}",
            f"-k {self.root}",
            "-c listen_addresses=127.0.0.1",
            # The OS keeps what a killed server wrote; only a machine crash would need fsync.
            "-c fsync=off",
            "-c full_page_writes=off",
            "-c max_connections=80",
        ]
        if self.version() >= 14:
            # A backend whose client was SIGKILLed notices within half a second.
            options.append("-c client_connection_check_interval=500")
        return " ".join(options)

    def start(self) -> None:
        self._run(
            [
                str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                "-o", self._options(), "-w", "-t", "60", "start",
            ]
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    @property
    def running(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), 0.5):
                pass
        except OSError:
            return False
        try:
            with psycopg.connect(self.url("postgres"), connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, params=None, database: str = "postgres") -> list[tuple]:
        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def create_database(self, name: str, template: str | None = None) -> str:
        clause = f' TEMPLATE "{template}"' if template else ""
        self.execute(f'CREATE DATABASE "{name}"{clause}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def tool(self, name: str) -> str:
        return str(self.bindir / name)


class RedisServer:
    """redis-server on 127.0.0.1:port with no persistence, as a restarted cache would be."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server", "--port", str(self.port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(self.directory), "--daemonize", "no",
            ],
            stdout=(self.directory / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.ping():
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), 0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Shut the server down (nothing is saved: queued messages and cache are lost)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


class S3Server:
    """An S3-compatible object store on loopback (moto's server), with one bucket."""

    bucket = "portal-files"

    def __init__(self, directory: Path):
        self.port = free_port()
        directory.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=(directory / "s3.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.5):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the S3 server did not start")
        self.client().create_bucket(Bucket=self.bucket)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id="test-access-key",
            aws_secret_access_key="test-secret-key",
            region_name="us-east-1",
        )

    def storage_env(self) -> dict[str, str]:
        """The portal's settings for this store, as an operator would set them."""
        import json

        return {
            "STORAGE_BACKEND": "storages.backends.s3.S3Storage",
            "STORAGE_OPTIONS": json.dumps(
                {
                    "bucket_name": self.bucket,
                    "endpoint_url": self.endpoint,
                    "access_key": "test-access-key",
                    "secret_key": "test-secret-key",
                    "region_name": "us-east-1",
                    "file_overwrite": False,
                    "default_acl": None,
                    "querystring_auth": False,
                }
            ),
        }

    def object_names(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
