"""Real servers at the boundaries: an SMTP server (aiosmtpd) and an HTTP SMS gateway."""

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpHandler:
    """Keeps every accepted envelope; `refuse_with` makes RCPT answer e.g. "550 5.1.1 no such user"."""

    def __init__(self):
        self.envelopes = []
        self.refuse_with = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free loopback port; the app delivers to it (outbox off)."""
    handler = SmtpHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.NOTIFICATIONS_OUTBOX = False
    yield handler
    controller.stop()


@dataclass
class GatewayState:
    requests: list = field(default_factory=list)
    status: int = 200


@pytest.fixture
def sms_gateway(settings):
    """An HTTP SMS gateway in a thread: records each POST (path, headers, JSON body); answers `status`."""
    state = GatewayState()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            state.requests.append(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(self.rfile.read(length) or b"{}")}
            )
            body = json.dumps({"accepted": state.status < 300}).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll interval: shutdown() waits for the loop to notice.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_address[1]}/v1/messages"
    settings.SMS_GATEWAY_TOKEN = "gateway-token-123"
    settings.SMS_SENDER_ID = "SATUKLIK"
    settings.NOTIFICATIONS_OUTBOX = False
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on: connections are refused at once."""
    return free_port()
