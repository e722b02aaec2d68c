"""A local SMTP server that accepts and counts messages, in its own process.

    python -m bench.smtp_sink --port 2525

Prints the number of messages received when it is stopped (SIGTERM or Ctrl-C). Kept out of
the benchmark's process so that the sender and the server do not share one interpreter.
"""

import argparse
import signal
import threading

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=args.port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait()
    controller.stop()
    print(counter.count, flush=True)


if __name__ == "__main__":
    main()
