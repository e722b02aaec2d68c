"""A small HTTP/1.1 load generator on asyncio: keep-alive connections, bodies read and
discarded, one event loop in one thread, so that it takes little of the CPU the server
it measures needs on a small machine."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


@dataclass
class Result:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    bytes: int = 0
    timings: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    chunked: bool = False

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.timings:
            return float("nan")
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.timings) * 1000 if self.timings else float("nan")


class Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(
            self.host, self.port, limit=1 << 20
        )

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.reader = self.writer = None

    async def get(self, path: str, headers: dict[str, str], keep_body: bool = False) -> Response:
        if self.writer is None:
            await self.open()
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        started = time.perf_counter()
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        response_headers: dict[str, str] = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                response_headers[name.strip().lower()] = value.strip()
        body = bytearray() if keep_body else None
        size = 0
        if "content-length" in response_headers:
            data = await self.reader.readexactly(int(response_headers["content-length"]))
            size = len(data)
            if keep_body:
                body += data
        elif response_headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                line = await self.reader.readuntil(b"\r\n")
                length = int(line.split(b";")[0], 16)
                if length == 0:
                    while await self.reader.readuntil(b"\r\n") != b"\r\n":
                        pass  # trailers
                    break
                data = await self.reader.readexactly(length + 2)
                size += length
                if keep_body:
                    body += data[:-2]
        elif status not in (204, 304):
            data = await self.reader.read()
            size = len(data)
            if keep_body:
                body += data
            await self.close()
        if response_headers.get("connection", "").lower() == "close":
            await self.close()
        response_headers["x-body-size"] = str(size)
        return Response(
            status=status,
            headers=response_headers,
            body=bytes(body or b""),
            seconds=time.perf_counter() - started,
        )


async def fetch(host: str, port: int, path: str, headers: dict[str, str]) -> Response:
    """One request on a fresh connection, with its body."""
    connection = Connection(host, port)
    try:
        return await connection.get(path, headers, keep_body=True)
    finally:
        await connection.close()


async def hammer(
    host: str,
    port: int,
    path: str,
    headers: dict[str, str],
    *,
    concurrency: int,
    min_requests: int,
    max_requests: int,
    min_seconds: float,
    max_seconds: float,
    expect: int = 200,
    timeout: float = 60.0,
) -> Result:
    """Send ``path`` from ``concurrency`` keep-alive connections until at least
    ``min_requests`` and ``min_seconds``, and at most ``max_requests`` or ``max_seconds``."""
    result = Result()
    issued = 0
    started = time.perf_counter()

    def more() -> bool:
        elapsed = time.perf_counter() - started
        if issued >= max_requests or elapsed >= max_seconds:
            return False
        return issued < min_requests or elapsed < min_seconds

    async def worker() -> None:
        nonlocal issued
        connection = Connection(host, port)
        try:
            while more():
                issued += 1
                try:
                    response = await asyncio.wait_for(connection.get(path, headers), timeout)
                except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
                    result.errors += 1
                    result.statuses[0] = result.statuses.get(0, 0) + 1
                    await connection.close()
                    continue
                result.requests += 1
                result.timings.append(response.seconds)
                result.bytes += int(response.headers["x-body-size"])
                result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
                if response.headers.get("transfer-encoding", "").lower() == "chunked":
                    result.chunked = True
                if response.status != expect:
                    result.errors += 1
        finally:
            await connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result
