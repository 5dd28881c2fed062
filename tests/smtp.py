"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 and a free port, keeping what it receives.

Use the `smtp_server` fixture (tests/conftest.py): it points the app's SMTP_HOST/SMTP_PORT at the
server for the duration of the test and restores them afterwards.

    def test_mail(app, smtp_server):
        ...  # queue something, then dispatch_pending()
        [msg] = smtp_server.messages          # email.message.EmailMessage objects
        assert msg["To"] == "a@x.ru"
        assert "ссылка" in smtp_server.text(msg)

    with smtp_server.down():                  # nothing listens on the configured port meanwhile
        dispatch_pending()

    smtp_server.stop(); smtp_server.start()   # the real server goes away and comes back on its port
    smtp_server.reply = "451 4.3.0 Try later" # answer DATA with this instead of accepting (4xx/5xx)
    smtp_server.on_data = fn                  # called with each message before it is answered
"""
from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Sink:
    def __init__(self, owner: LocalSMTP):
        self.owner = owner

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.owner.delay:
            await asyncio.sleep(self.owner.delay)  # lets concurrent senders overlap in time
        if self.owner.reply:
            return self.owner.reply
        msg = email.message_from_bytes(envelope.original_content or envelope.content,
                                       policy=email.policy.default)
        if self.owner.on_data is not None:
            self.owner.on_data(msg)
        with self.owner._lock:
            self.owner.messages.append(msg)
            self.owner.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class LocalSMTP:
    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.delay = 0.0
        self.reply = ""
        self.on_data = None
        self._lock = threading.Lock()
        self._controller: Controller | None = None
        self._app = None

    def start(self) -> LocalSMTP:
        # A controller's event loop is closed by stop(): a restart needs a new one (on the same port).
        self._controller = Controller(_Sink(self), hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def attach(self, app) -> None:
        """Point the app at this server (restored by detach())."""
        self._app = app
        self._saved = (app.config["SMTP_HOST"], app.config["SMTP_PORT"])
        app.config.update(SMTP_HOST=self.host, SMTP_PORT=self.port)

    def detach(self) -> None:
        if self._app is not None:
            self._app.config["SMTP_HOST"], self._app.config["SMTP_PORT"] = self._saved
            self._app = None

    @contextlib.contextmanager
    def down(self):
        """Make the mail server unreachable for the app: a port where nothing listens."""
        assert self._app is not None, "attach() the server to an app first"
        self._app.config["SMTP_PORT"] = free_port()
        try:
            yield
        finally:
            self._app.config["SMTP_PORT"] = self.port

    @staticmethod
    def text(msg: EmailMessage) -> str:
        return msg.get_body(preferencelist=("plain",)).get_content()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]
