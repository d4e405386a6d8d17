"""E-mail through Flask-Mailman's SMTP backend, only when an SMTP server is configured."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_mailman import EmailMessage

from portal.extensions import mail


@dataclass
class Message:
    to: str
    subject: str
    body: str


def configured() -> bool:
    """MAIL_SERVER and MAIL_DEFAULT_SENDER set: reminders also go by e-mail (else notifications only)."""
    return bool(current_app.config.get("MAIL_SERVER") and current_app.config.get("MAIL_DEFAULT_SENDER"))


def language_of(user) -> str:
    """The language of a user's e-mail. The portal keeps a language per session only, not per
    account, so every e-mail is in the default language (Vietnamese)."""
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def portal_link(endpoint: str, **values) -> str | None:
    """The page's full address for an e-mail, when PORTAL_URL says where the portal is served."""
    base = current_app.config.get("PORTAL_URL")
    if not base:
        return None
    with current_app.test_request_context(base_url=base):  # a command has no request to take the host from
        return url_for(endpoint, _external=True, **values)


def send(messages: list[Message]) -> str | None:
    """Send over one SMTP connection; None when all went, else the error (the caller records it)."""
    if not configured() or not messages:
        return None
    try:
        with mail.get_connection() as connection:
            connection.send_messages([EmailMessage(m.subject, m.body, to=[m.to], connection=connection)
                                      for m in messages])
    except Exception as exc:  # noqa: BLE001 - any SMTP or network failure: recorded, the run goes on
        current_app.logger.warning("Reminder e-mail not sent: %s", exc)
        return f"{type(exc).__name__}: {exc}"
    return None
