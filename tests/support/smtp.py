"""An SMTP server in the test process (aiosmtpd) that keeps every message it accepts.

One ``Sink`` may listen on several ports, each with its own label (``via``), so a test can
tell which worker sent what by giving each worker its own port.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from aiosmtpd.controller import Controller

from .processes import free_port


class Mail(NamedTuple):
    recipients: list[str]
    content: bytes
    via: str


class Sink:
    """Collects every message; optionally slow, like a real relay."""

    def __init__(self):
        self.messages: list[Mail] = []
        self.delay = 0.0
        self.lock = threading.Lock()

    def recipients(self, via: str | None = None) -> list[str]:
        with self.lock:
            return [to for m in self.messages if via is None or m.via == via for to in m.recipients]

    def count(self, via: str | None = None) -> int:
        return len(self.recipients(via))


class _Door:
    """The aiosmtpd handler for one listening port of a sink."""

    def __init__(self, sink: Sink, via: str):
        self.sink = sink
        self.via = via

    async def handle_DATA(self, server, session, envelope):
        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)
        with self.sink.lock:
            self.sink.messages.append(Mail(list(envelope.rcpt_tos), envelope.content, self.via))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(sink: Sink, via: str = "") -> Iterator[int]:
    """Listen on a free loopback port for ``sink``; yields the port."""
    controller = Controller(_Door(sink, via), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()
