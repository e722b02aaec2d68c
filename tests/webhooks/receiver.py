"""A real HTTP receiver on loopback (``http.server`` in a thread) for webhook tests.

It answers each delivery with the next status from ``statuses`` (the last one repeats) and
checks each signature the way ``docs/api.md`` tells a receiving system to.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check, as docs/api.md gives it."""
    items = [item.split("=", 1) for item in header.split(",")]
    timestamp = int(dict(items)["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return any(hmac.compare_digest(mac.hexdigest(), v) for k, v in items if k == "v1")


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    verified: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    secret: str = ""
    statuses: list[int] = field(default_factory=lambda: [204])
    received: list[Received] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def _next_status(self) -> int:
        index = min(len(self.received) - 1, len(self.statuses) - 1)
        return self.statuses[index]

    def events(self) -> list[dict]:
        return [r.json for r in self.received]


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            signature = headers.get("x-portal-signature", "")
            ok = bool(receiver.secret and signature) and verify(receiver.secret, signature, body)
            receiver.received.append(Received(self.path, headers, body, ok))
            self.send_response(receiver._next_status())
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler


@contextlib.contextmanager
def running(receiver: Receiver):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
