"""Starts the test identity provider on a free loopback port.

    python -m tests.sso.provider.serve

Prints ``READY <port>`` once it answers; runs until it is terminated.
"""

import os
import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def main() -> None:
    server = make_server(
        "127.0.0.1", 0, None, server_class=ThreadingServer, handler_class=QuietHandler
    )
    port = server.server_address[1]
    # The issuer names the port, which is known only once the socket is bound.
    os.environ["IDP_ISSUER"] = f"http://127.0.0.1:{port}/o"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.sso.provider.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
    server.set_app(get_wsgi_application())
    sys.stdout.write(f"READY {port}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
