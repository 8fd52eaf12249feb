"""Messaging and event keywords: ``SEND SMS``, ``SEND TEMPLATE``, ``SEND TO`` / ``SEND MESSAGE``,
``BROADCAST`` and ``WEBHOOK``.

SMS goes through the ``sms`` service, e-mail through ``mail`` (as ``SEND MAIL``), templates are
read through ``templates``; the host provides them (``app/providers``) or the keyword fails
saying how to configure it. A recipient is routed by its shape: an e-mail address goes by
mail, a phone number by SMS.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from ..events import Printed
from ..library.hear_types import validate_answer
from ..ports.services import MailMessage, MailSender, ServiceError
from ..values import BasicValueError, to_display
from .context import Clauses, KeywordContext
from .mail import _ADDRESS
from .registry import keyword


class SmsSender(Protocol):
    """Sends one SMS to a normalised number; returns the gateway's message id (or "")."""

    async def send(self, to: str, text: str, provider: str = "") -> str: ...


class TemplateStore(Protocol):
    """The bot package's message templates; raises ServiceError for an unknown name."""

    async def read(self, name: str) -> str: ...


_WEBHOOK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)\s*\}\}")
_CHANNELS = {"email": "email", "mail": "email", "e-mail": "email", "sms": "sms"}


# ---------------------------------------------------------------- recipients


def phone_number(value: Any) -> str | None:
    """A phone number normalised for a gateway (``+`` and digits), or None when ``value``
    is not one by the rules of ``HEAR … AS MOBILE`` (10 to 15 digits, ``+ - ( ) .``)."""
    text = to_display(value).strip()
    for prefix in ("sms:", "tel:"):
        if text.lower().startswith(prefix):
            text = text[len(prefix):].strip()
    if not validate_answer("MOBILE", text).ok:
        return None
    digits = "".join(c for c in text if c.isdigit())
    if text.startswith("00"):  # the international call prefix is a "+"
        return "+" + digits[2:]
    if text.startswith("+") or len(digits) > 11:  # as MOBILE: 12+ digits carry a country code
        return "+" + digits
    return digits


def email_address(value: Any) -> str | None:
    text = to_display(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:"):].strip()
    return text if _ADDRESS.match(text) else None


def recipient_list(value: Any, phrase: str) -> list[str]:
    """A list, a map of contacts (its values), or a text separated by ``,`` or ``;``."""
    if isinstance(value, dict):
        value = list(value.values())
    items = value if isinstance(value, list) else re.split(r"[,;]", to_display(value))
    found = [t for t in (to_display(i).strip() for i in items) if t]
    if not found:
        raise BasicValueError(f"{phrase} needs a recipient")
    return found


def _shape(recipient: str) -> tuple[str, str]:
    """``("email", address)``, ``("sms", number)`` or ``("", recipient)`` for neither."""
    address = email_address(recipient)
    if address:
        return "email", address
    number = phone_number(recipient)
    return ("sms", number) if number else ("", recipient)


def route(recipient: str, phrase: str) -> tuple[str, str]:
    """``("email", address)`` or ``("sms", number)``; a clear error for anything else."""
    kind, address = _shape(recipient)
    if kind:
        return kind, address
    if ":" in recipient and not recipient.lower().startswith(("sms:", "tel:", "mailto:")):
        channel = recipient.split(":", 1)[0]
        raise BasicValueError(f"{phrase}: the channel {channel!r} of {recipient!r} is not "
                              f"supported; Talkbench sends e-mail and SMS")
    raise BasicValueError(f"{phrase}: {recipient!r} is neither an e-mail address nor a phone "
                          f"number (10 to 15 digits)")


def split_subject(text: str) -> tuple[str, str]:
    """A several-line message's first line is the e-mail subject (as ``SEND EMAIL to, body``)."""
    first, sep, rest = text.partition("\n")
    return (first.strip(), rest.lstrip("\n")) if sep else ("", text)


async def deliver(rt: KeywordContext, phrase: str, channel: str, to: str, subject: str, text: str,
                  provider: str = "") -> str:
    """Send by ``channel``; returns ``"sms to +1… (id …)"``-style text for the status."""
    if channel == "email":
        mailer: MailSender = rt.service("mail", phrase)
        message_id = await mailer.send(MailMessage((to,), subject, text))
        return f"e-mail to {to} (Message-ID {message_id})"
    sms: SmsSender = rt.service("sms", phrase)
    message_id = await sms.send(to, text, provider)
    return f"SMS to {to}" + (f" (id {message_id})" if message_id else "")


# ---------------------------------------------------------------- SEND SMS


def _pair(args: list[Any], clauses: Clauses, phrase: str, most: int = 2) -> list[Any]:
    """``PHRASE to, text`` or ``PHRASE TO to, text`` (the word TO parses as a clause)."""
    values = args or clauses.get("TO", [])
    if not 2 <= len(values) <= most:
        extra = ", provider" if most == 3 else ""
        raise BasicValueError(f"{phrase} expects recipient, text{extra}, got {len(values)} "
                              f"values")
    return values


@keyword("SEND SMS")
async def send_sms(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    values = _pair(args, clauses, "SEND SMS", most=3)
    number = phone_number(values[0])
    if number is None:
        raise BasicValueError(f"SEND SMS: {to_display(values[0])!r} is not a phone number "
                              f"(10 to 15 digits)")
    provider = to_display(values[2]).strip() if len(values) == 3 else ""
    sms: SmsSender = rt.service("sms", "SEND SMS")
    message_id = await sms.send(number, to_display(values[1]), provider)
    return f"SMS sent to {number}" + (f" (id {message_id})" if message_id else "")


# ---------------------------------------------------------------- SEND TO / BROADCAST


@keyword("SEND TO")
async def send_to(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    to, text = _pair(args, clauses, "SEND TO")
    channel, address = route(to_display(to).strip(), "SEND TO")
    subject, body = split_subject(to_display(text))
    return "Sent " + await deliver(rt, "SEND TO", channel, address, subject, body)


@keyword("BROADCAST")
async def broadcast(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    """Sends to every recipient; one failure does not stop the others, but is reported."""
    to, text = _pair(args, clauses, "BROADCAST")
    # dict.fromkeys: a recipient named twice gets one message
    targets = dict.fromkeys(route(r, "BROADCAST") for r in recipient_list(to, "BROADCAST"))
    subject, body = split_subject(to_display(text))
    failed: list[str] = []
    for channel, address in targets:
        try:
            await deliver(rt, "BROADCAST", channel, address, subject, body)
        except ServiceError as e:
            failed.append(f"{address} ({e})")
    sent = len(targets) - len(failed)
    if failed:
        raise ServiceError(f"BROADCAST sent {sent} of {sent + len(failed)} messages; failed: "
                           + "; ".join(failed))
    return f"Broadcast sent to {sent} recipient{'s' if sent != 1 else ''}"


# ---------------------------------------------------------------- SEND TEMPLATE


def fill_template(text: str, variables: dict[str, Any], name: str) -> str:
    """``{{var}}`` → the value of ``var`` (case-insensitive; ``a.b`` reads a nested map)."""
    lowered = {str(k).lower(): v for k, v in variables.items()}

    def value(match: re.Match[str]) -> str:
        current: Any = lowered
        for part in match.group(1).lower().split("."):
            if not isinstance(current, dict):
                current = None
                break
            current = {str(k).lower(): v for k, v in current.items()}.get(part)
        if current is None:
            raise BasicValueError(f"SEND TEMPLATE {name!r}: no value for {{{{{match.group(1)}}}}}"
                                  f" (pass it in the variables map)")
        return to_display(current)

    return _PLACEHOLDER.sub(value, text)


def template_parts(text: str, name: str) -> tuple[str, str]:
    """The subject (a first line ``Subject: …``, else the template name) and the body."""
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("subject:"):
        return first.strip()[len("subject:"):].strip(), rest.lstrip("\r\n")
    return name, text


def channel_list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else re.split(r"[,;\s]+", to_display(value))
    channels: list[str] = []
    for item in (to_display(i).strip().lower() for i in items):
        if not item:
            continue
        if item not in _CHANNELS:
            raise BasicValueError(f"SEND TEMPLATE: unknown channel {item!r}; use \"email\", "
                                  f"\"sms\" or \"email,sms\"")
        channels.append(_CHANNELS[item])
    if not channels:
        raise BasicValueError("SEND TEMPLATE needs a channel: \"email\", \"sms\" or both")
    return list(dict.fromkeys(channels))


def _template_arguments(args: list[Any], clauses: Clauses) -> list[Any]:
    """``name, channels TO a, b, c[, variables]`` and ``TO recipient, name[, variables]``
    (the templates' form; the channel follows the recipient's shape) as
    ``name, channels, recipients[, variables]``."""
    to = list(clauses.get("TO", []))
    if not to:
        return args
    variables = [to.pop()] if to and isinstance(to[-1], dict) else []
    if len(args) == 2:
        return [*args, to, *variables]
    if not args and len(to) == 2:
        recipient, name = to
        kind = _shape(to_display(recipient).strip())[0] or "sms"
        return [name, kind, recipient, *variables]
    return [*args, *to, *variables]


@keyword("SEND TEMPLATE")
async def send_template(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    args = _template_arguments(args, clauses)
    if len(args) not in (3, 4):
        raise BasicValueError(f"SEND TEMPLATE expects name, channels, recipient[, variables], "
                              f"got {len(args)} values")
    name = to_display(args[0]).strip()
    channels = channel_list(args[1])
    recipients = recipient_list(args[2], "SEND TEMPLATE")
    variables = args[3] if len(args) == 4 and args[3] is not None else {}
    if not isinstance(variables, dict):
        raise BasicValueError("SEND TEMPLATE: the variables must be a map, such as "
                              "#{name: \"Ana\"}")
    templates: TemplateStore = rt.service("templates", "SEND TEMPLATE")
    filled = fill_template((await templates.read(name)).replace("\r\n", "\n"),
                           {"recipient": recipients[0], **variables}, name)
    subject, body = template_parts(filled, name)
    by_channel = {c: [a for kind, a in (_shape(r) for r in recipients) if kind == c]
                  for c in channels}
    for channel, addresses in by_channel.items():
        if not addresses:
            wanted = "an e-mail address" if channel == "email" else "a phone number"
            raise BasicValueError(f"SEND TEMPLATE by {channel} needs {wanted} among the "
                                  f"recipients {recipients}")
    done = [await deliver(rt, "SEND TEMPLATE", channel, address, subject,
                          body if channel == "email" else body.strip())
            for channel, addresses in by_channel.items() for address in addresses]
    return f"Template {name} sent: " + "; ".join(done)


# ---------------------------------------------------------------- WEBHOOK


@keyword("WEBHOOK", args=1, usage="a name")
async def webhook(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    """Records the endpoint; ``talkbench webhook serve`` is what answers requests to it."""
    name = to_display(args[0]).strip()
    if not _WEBHOOK_NAME.match(name):
        raise BasicValueError(f"WEBHOOK {name!r}: a webhook name is letters, digits, '_', "
                              f"'-' and '.' (it becomes part of a URL)")
    bot = getattr(getattr(rt.services, "context", None), "bot", "") or "default"
    path = f"/api/bot/{bot}/{name}"
    hooks = rt.session.webhooks
    if path not in hooks:
        hooks.append(path)
        rt.emit(Printed(f"WEBHOOK {name}: POST {path} runs this dialog when served with "
                        f"'talkbench webhook serve'", line))
    return path
