"""A real SMTP server (aiosmtpd) on a free local port, and the app configured to send through it."""
from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller

from portal.extensions import mail

SENDER = "Ban Tổ chức Tỉnh ủy <thidua@btc.example>"


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        # Flask-Mailman folds a long encoded subject onto a continuation line; mail clients trim it.
        return str(self.message["Subject"]).strip()

    @property
    def body(self) -> str:
        return self.message.get_body(("plain",)).get_content()


class Inbox:
    """What the SMTP server was given, parsed as a mail client would."""

    def __init__(self):
        self.messages: list[Received] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.recipients]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configure_mail(app, port: int | None) -> None:
    """Point the app at an SMTP server on this machine (None: no server configured)."""
    app.config.update(MAIL_SERVER="127.0.0.1" if port else None, MAIL_PORT=port or 25,
                      MAIL_DEFAULT_SENDER=SENDER if port else None, MAIL_TIMEOUT=10)
    mail.init_app(app)


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    configure_mail(app, controller.port)
    try:
        yield inbox
    finally:
        controller.stop()
