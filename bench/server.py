"""gunicorn under production settings, and the CPU and memory its processes use.

Server CPU is read from ``/proc/<pid>/stat`` (user + system time) for the gunicorn worker
processes and for the PostgreSQL backends that serve them, found by the application name
the workers connect with (``PGAPPNAME``). It is the steadiest figure on a shared machine:
other people's load slows a request down but does not add to its own CPU time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU of one process so far, or None once it has gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = data[data.rindex(b")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _status_kb(pid: int, key: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def rss_mb(pid: int) -> float:
    return (_status_kb(pid, "VmRSS") or 0) / 1024


def peak_rss_mb(pid: int) -> float:
    return (_status_kb(pid, "VmHWM") or 0) / 1024


def reset_peak_rss(pid: int) -> None:
    """Start a new high-water mark of resident memory from the current size."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        if int(data[data.rindex(b")") + 2 :].split()[1]) == pid:
            found.append(int(entry))
    return sorted(found)


@dataclass
class CpuSnapshot:
    workers: dict[int, float]
    backends: dict[int, float]


@dataclass
class CpuUsed:
    workers: float
    backends: float
    lost: int  # processes that ended during the interval (their CPU is not counted)

    @property
    def total(self) -> float:
        return self.workers + self.backends


class Server:
    """gunicorn on a loopback port, with the process accounting the load benchmark needs."""

    def __init__(self, *, port: int, workers: int, env: dict, database_url: str, timeout: int = 30):
        self.port, self.workers, self.database_url = port, workers, database_url
        self.timeout = timeout
        self.app_name = f"bench-web-{port}"
        self.env = dict(env, PGAPPNAME=self.app_name)
        self.process: subprocess.Popen | None = None
        self._monitor = None

    def start(self, timeout: float = 90) -> None:
        cmd = [
            sys.executable, "-m", "gunicorn", "config.wsgi",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--timeout", str(self.timeout),
            "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=self.env)
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 90, old: set[int] | None = None) -> None:
        import http.client

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn stopped before it served a request")
            pids = set(self.worker_pids())
            if len(pids) >= self.workers and not (old and pids & old):
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                    conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
                    if conn.getresponse().status in (200, 503):
                        return
                except OSError:
                    pass
            time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn was not ready within {timeout:.0f} seconds")

    def restart_workers(self) -> None:
        """New worker processes (gunicorn's graceful reload), for a fresh memory baseline."""
        old = set(self.worker_pids())
        self.process.send_signal(signal.SIGHUP)
        self.wait_ready(old=old)
        # Old workers finish their last request and exit; wait for them to go.
        deadline = time.monotonic() + 30
        while set(self.worker_pids()) & old and time.monotonic() < deadline:
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self._monitor is not None:
            self._monitor.close()
            self._monitor = None

    # --- accounting ----------------------------------------------------------------

    def worker_pids(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def backend_pids(self) -> list[int]:
        import psycopg

        if self._monitor is None or self._monitor.closed:
            self._monitor = psycopg.connect(self.database_url, autocommit=True)
        rows = self._monitor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [self.app_name]
        ).fetchall()
        return sorted(pid for (pid,) in rows)

    def snapshot(self) -> CpuSnapshot:
        def read(pids):
            values = {pid: cpu_seconds(pid) for pid in pids}
            return {pid: value for pid, value in values.items() if value is not None}

        return CpuSnapshot(workers=read(self.worker_pids()), backends=read(self.backend_pids()))

    def used_since(self, before: CpuSnapshot) -> CpuUsed:
        after = self.snapshot()
        lost = 0

        def delta(old: dict[int, float], new: dict[int, float]) -> float:
            nonlocal lost
            total = 0.0
            for pid, value in new.items():
                total += value - old.get(pid, 0.0)
            lost += sum(1 for pid in old if pid not in new)
            return total

        return CpuUsed(
            workers=delta(before.workers, after.workers),
            backends=delta(before.backends, after.backends),
            lost=lost,
        )
