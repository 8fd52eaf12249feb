"""The ``mail`` service: SMTP with the standard library, in a worker thread.

Configured by ``TALKBENCH_SMTP_*`` (or the bot's ``email-*`` config rows). TLS: ``auto`` uses
STARTTLS when the server offers it, ``ssl`` connects with implicit TLS (port 465),
``starttls`` requires it, ``off`` never uses it (a local test or relay server).
"""

from __future__ import annotations

import asyncio
import mimetypes
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from interpreter.ports.services import MailMessage, MailSender, ServiceError

from ..registry import ServiceContext, service_factory
from ..settings import SMTP_HINT, Settings, load_settings

SMTP_TIMEOUT = 30.0  # seconds


class SmtpMailer:
    """:class:`~interpreter.ports.services.MailSender` over ``smtplib``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: MailMessage) -> str:
        email = self.build(message)
        await asyncio.to_thread(self._deliver, email)
        return str(email["Message-ID"])

    def build(self, message: MailMessage) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.settings.smtp_from
        email["To"] = ", ".join(message.to)
        email["Subject"] = message.subject
        domain = self.settings.smtp_from.rpartition("@")[2] or None
        email["Message-ID"] = make_msgid(domain=domain)
        email.set_content(message.body)
        for attachment in message.attachments:
            ctype, _ = mimetypes.guess_type(attachment.filename)
            maintype, _, subtype = (ctype or "application/octet-stream").partition("/")
            email.add_attachment(attachment.data, maintype=maintype, subtype=subtype,
                                 filename=attachment.filename)
        return email

    def _deliver(self, email: EmailMessage) -> None:
        s = self.settings
        where = f"{s.smtp_host}:{s.smtp_port}"
        try:
            if s.smtp_tls == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port,
                                                        timeout=SMTP_TIMEOUT)
            else:
                client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT)
            with client:
                client.ehlo()
                if s.smtp_tls == "starttls" or (
                        s.smtp_tls == "auto" and client.has_extn("starttls")):
                    client.starttls(context=ssl.create_default_context())
                    client.ehlo()
                if s.smtp_user:
                    client.login(s.smtp_user, s.smtp_password)
                client.send_message(email)
        except smtplib.SMTPAuthenticationError as e:
            raise ServiceError(f"SMTP server {where} refused the login of "
                               f"{s.smtp_user!r}: {_smtp_text(e)}") from None
        except smtplib.SMTPRecipientsRefused as e:
            refused = ", ".join(e.recipients)
            raise ServiceError(f"SMTP server {where} refused the recipient(s) {refused}") \
                from None
        except smtplib.SMTPResponseException as e:
            raise ServiceError(f"SMTP server {where} refused the message: "
                               f"{_smtp_text(e)}") from None
        except smtplib.SMTPException as e:
            raise ServiceError(f"sending mail through {where} failed: {e}") from None
        except ConnectionRefusedError:
            raise ServiceError(f"cannot connect to the SMTP server {where}: connection "
                               f"refused") from None
        except TimeoutError:
            raise ServiceError(f"the SMTP server {where} timed out") from None
        except OSError as e:
            raise ServiceError(f"cannot reach the SMTP server {where}: "
                               f"{e.strerror or e}") from None


def _smtp_text(e: smtplib.SMTPResponseException) -> str:
    text = e.smtp_error.decode("utf-8", "replace") if isinstance(e.smtp_error, bytes) \
        else str(e.smtp_error)
    return f"{e.smtp_code} {text}"


@service_factory("mail", SMTP_HINT)
def make_mail(context: ServiceContext) -> MailSender | None:
    settings = load_settings(context.dialog_dir, context.settings)
    return SmtpMailer(settings) if settings.smtp_configured else None
