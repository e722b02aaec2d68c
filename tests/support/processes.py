"""Real processes for integration tests: Celery workers and beats, gunicorn, and waiting.

Each runs in its own session, so that a kill reaches its children (a prefork worker's pool,
gunicorn's workers) as it would when a host dies; output goes to a log file the test shows
when something times out.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], object], timeout: float, what: str, log: Path | None = None):
    """Poll ``condition`` until it is truthy; fail naming ``what`` (and the log's tail)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    detail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    pytest.fail(f"timed out after {timeout}s waiting for {what}\n{detail}")


class Service:
    """One subprocess in its own session, logging to ``log``."""

    def __init__(self, argv: list[str], *, env: dict, log: Path, cwd: Path = ROOT):
        self.argv = argv
        self.log = log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def _signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    def kill(self) -> None:
        """SIGKILL the whole process group, as a host that dies would."""
        self._signal_group(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self) -> None:
        """Ask the process group to shut down (SIGTERM), without waiting."""
        if self.alive:
            self._signal_group(signal.SIGTERM)

    def stop(self, timeout: float = 20) -> None:
        self.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout)
        # Whatever is left (a slow leader, a pool child, a gunicorn worker) goes now.
        self._signal_group(signal.SIGKILL)
        self.proc.wait(10)


def celery_worker(env: dict, log: Path, *, concurrency: int = 2) -> Service:
    service = Service(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "--pool=prefork", f"--concurrency={concurrency}", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@%h",
        ],
        env=env,
        log=log,
    )  # fmt: skip
    return service


def celery_beat(env: dict, log: Path, schedule: Path) -> Service:
    return Service(
        [
            sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
            f"--schedule={schedule}",
        ],
        env=env,
        log=log,
    )  # fmt: skip


def gunicorn(env: dict, log: Path, port: int, *, workers: int = 2) -> Service:
    return Service(
        [
            sys.executable, "-m", "gunicorn", "config.wsgi",
            f"--bind=127.0.0.1:{port}", f"--workers={workers}", "--timeout=30",
            "--graceful-timeout=5", "--access-logfile=-",
            "--access-logformat=%(p)s %(h)s \"%(r)s\" %(s)s %(b)s %(M)sms",
        ],
        env=env,
        log=log,
    )  # fmt: skip


def worker_ready(service: Service) -> bool:
    return " ready." in service.output()
