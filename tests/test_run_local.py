"""`make run` on its embedded defaults: web, worker and beat start without a traceback on
one SQLite file and a filesystem broker, and stop together within 10 seconds of Ctrl-C or
SIGTERM.

Each test runs ``scripts/run-local.sh`` (what ``make run`` starts once it has migrated and
seeded) in its own process group, with its state in a temporary folder.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[1]
STOP_WITHIN_SECONDS = 10
# What must never appear in the output of a healthy run.
TROUBLE = re.compile(r"Traceback|database is locked|OperationalError|CRITICAL")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def embedded_env(var_dir: Path, port: int) -> dict[str, str]:
    """The environment of a fresh machine: no PostgreSQL, Redis or SMTP settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL", "CELERY_BROKER_URL"}
        and k not in {"EMAIL_URL", "MEDIA_ROOT", "TESTING"}
    }
    env.update(
        DEBUG="true",
        VAR_DIR=str(var_dir),
        PORT=str(port),
        PORTAL_PYTHON=sys.executable,
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="module")
def seeded_var(tmp_path_factory) -> Path:
    """A migrated and demo-seeded state folder, copied afresh for each test."""
    var_dir = tmp_path_factory.mktemp("var-template")
    env = embedded_env(var_dir, 0)
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return var_dir


class LocalRun:
    """``scripts/run-local.sh`` in a process group of its own, output to a log file."""

    def __init__(self, var_dir: Path, log: Path):
        self.port = free_port()
        self.log = log
        self.proc = subprocess.Popen(
            ["bash", "scripts/run-local.sh"],
            cwd=ROOT,
            env=embedded_env(var_dir, self.port),
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pgid = self.proc.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def get(self, path: str) -> int:
        url = f"http://127.0.0.1:{self.port}{path}"
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return response.status

    def wait_until_serving(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"run-local.sh exited early:\n{self.output()}"
            try:
                if self.get("/healthz") == 200 and re.search(r"worker@\S+ ready", self.output()):
                    return
            except OSError:
                pass
            time.sleep(0.5)
        pytest.fail(f"web and worker not ready within {timeout}s:\n{self.output()[-4000:]}")

    def group_alive(self) -> bool:
        self.proc.poll()  # reap the script itself once it has exited
        try:
            os.killpg(self.pgid, 0)
        except ProcessLookupError:
            return False
        return True

    def seconds_until_stopped(self, limit: float) -> float:
        started = time.monotonic()
        while self.group_alive():
            if time.monotonic() - started > limit:
                return time.monotonic() - started
            time.sleep(0.1)
        return time.monotonic() - started

    def kill(self) -> None:
        if self.group_alive():
            os.killpg(self.pgid, signal.SIGKILL)
        self.proc.wait(10)


@pytest.fixture
def local_run(seeded_var, tmp_path):
    var_dir = tmp_path / "var"
    shutil.copytree(seeded_var, var_dir)
    run = LocalRun(var_dir, tmp_path / "run.log")
    yield run
    run.kill()


def exercise(run: LocalRun) -> None:
    """Web, worker and beat all busy on the one SQLite file for a few seconds: the demo
    data's notifications are being delivered while pages are served."""
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline:
        assert run.get("/accounts/login/") == 200
        assert run.get("/healthz") == 200
        time.sleep(0.2)


def test_ctrl_c_stops_web_worker_and_beat_within_ten_seconds(local_run):
    """Ctrl-C in a terminal signals the whole process group: everything is gone in 10 s,
    and nothing printed a traceback or found the database locked on the way."""
    local_run.wait_until_serving()
    exercise(local_run)
    assert not TROUBLE.search(local_run.output()), local_run.output()[-4000:]

    os.killpg(local_run.pgid, signal.SIGINT)
    took = local_run.seconds_until_stopped(STOP_WITHIN_SECONDS + 5)

    output = local_run.output()
    assert took <= STOP_WITHIN_SECONDS, f"still running after {took:.1f}s:\n{output[-3000:]}"
    assert "Stopped after" in output
    assert not TROUBLE.search(output), output[-4000:]


def test_sigterm_to_the_script_stops_web_worker_and_beat_within_ten_seconds(local_run):
    """A process manager sends SIGTERM to the script alone: it stops the three itself."""
    local_run.wait_until_serving()
    os.kill(local_run.proc.pid, signal.SIGTERM)
    took = local_run.seconds_until_stopped(STOP_WITHIN_SECONDS + 5)

    output = local_run.output()
    assert took <= STOP_WITHIN_SECONDS, f"still running after {took:.1f}s:\n{output[-3000:]}"
    assert "Stopped after" in output
    assert not TROUBLE.search(output), output[-4000:]
