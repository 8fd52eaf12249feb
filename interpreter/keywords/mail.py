"""``SEND MAIL to, subject, body[, attachments]`` (and ``SEND EMAIL``) through the ``mail``
provider; attachments are files of the bot package read through ``storage``."""

from __future__ import annotations

import re
from typing import Any

from ..ports.services import Attachment, MailMessage
from ..values import BasicValueError, to_display
from .context import Clauses, KeywordContext
from .registry import keyword

_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+$")


def recipients(value: Any) -> tuple[str, ...]:
    """An address, a list of them, or a text of addresses separated by ``,`` or ``;``."""
    items = value if isinstance(value, list) else re.split(r"[,;]", to_display(value))
    found = tuple(a for a in (to_display(i).strip() for i in items) if a)
    if not found:
        raise BasicValueError("SEND MAIL needs a recipient address")
    bad = [a for a in found if not _ADDRESS.match(a)]
    if bad:
        raise BasicValueError(f"SEND MAIL: {bad[0]!r} is not an e-mail address")
    return found


def _parts(args: list[Any], clauses: Clauses) -> tuple[Any, str, str, Any]:
    if not args and len(clauses.get("TO", [])) == 5:
        # SEND EMAIL TO x SUBJECT s BODY b: the words SUBJECT and BODY parse as names.
        to, _, subject, _, body = clauses["TO"]
        return to, to_display(subject), to_display(body), None
    if len(args) == 2:  # to, body: the subject is the body's first line when it has several
        body = to_display(args[1])
        first, sep, rest = body.partition("\n")
        return (args[0], first.strip(), rest.lstrip("\n"), None) if sep else \
            (args[0], "", body, None)
    if len(args) in (3, 4):
        return args[0], to_display(args[1]), to_display(args[2]), \
            args[3] if len(args) == 4 else None
    raise BasicValueError(f"SEND MAIL expects to, subject, body[, attachments], got "
                          f"{len(args)} values")


@keyword("SEND MAIL", "SEND EMAIL")
async def send_mail(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    to, subject, body, attach = _parts(args, clauses)
    addresses = recipients(to)
    mailer = rt.service("mail", "SEND MAIL")
    files: list[Attachment] = []
    if attach not in (None, ""):
        paths = attach if isinstance(attach, list) else [attach]
        storage = rt.service("storage", "SEND MAIL attachments")
        for path in (to_display(p).strip() for p in paths):
            if path:
                files.append(Attachment(path.replace("\\", "/").rsplit("/", 1)[-1],
                                        await storage.read_bytes(path)))
    message_id = await mailer.send(MailMessage(addresses, subject, body, tuple(files)))
    return f"Mail sent to {', '.join(addresses)} (Message-ID {message_id})"
