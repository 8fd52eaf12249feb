"""SEND MAIL / SEND EMAIL through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError

from .helpers import run_dialog
from .servers import free_port


def smtp_settings(server, **extra) -> dict:
    return {"TALKBENCH_SMTP_HOST": "127.0.0.1", "TALKBENCH_SMTP_PORT": str(server.port),
            "TALKBENCH_SMTP_FROM": "bot@talkbench.test", **extra}


def test_send_mail_delivers_subject_and_body(smtp_server, clean_env) -> None:
    run_dialog('''
email = "ana@example.com"
SEND MAIL email, "Your order", "Thanks, Ana!" + CHR(10) + "See you."
''', clean_env / "bot", smtp_settings(smtp_server))
    [(sender, rcpts, message)] = smtp_server.messages
    assert sender == "bot@talkbench.test" and rcpts == ["ana@example.com"]
    assert message["Subject"] == "Your order" and message["To"] == "ana@example.com"
    assert message.get_content().replace("\r\n", "\n").strip() == "Thanks, Ana!\nSee you."
    assert message["Message-ID"].endswith("@talkbench.test>")


def test_several_recipients_attachments_and_login(smtp_server, clean_env) -> None:
    smtp_server.login = ("botuser", "pw")
    bot = clean_env / "bot"
    bot.mkdir()
    (bot / "invoice.txt").write_text("total: 10", "utf-8")
    run_dialog('SEND MAIL "a@x.test; b@x.test", "Invoice", "Attached.", "invoice.txt"', bot,
               smtp_settings(smtp_server, TALKBENCH_SMTP_USER="botuser",
                             TALKBENCH_SMTP_PASSWORD="pw"))
    [(_, rcpts, message)] = smtp_server.messages
    assert rcpts == ["a@x.test", "b@x.test"] and smtp_server.logins == ["botuser"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "invoice.txt"
    assert attachment.get_content().strip() == "total: 10"


def test_send_email_two_argument_form_takes_the_first_line_as_subject(smtp_server,
                                                                     clean_env) -> None:
    run_dialog('SEND EMAIL "c@x.test", "Hello there" + CHR(10) + "Body text"',
               clean_env / "bot", smtp_settings(smtp_server))
    [(_, _, message)] = smtp_server.messages
    assert message["Subject"] == "Hello there"
    assert message.get_content().strip() == "Body text"


def test_refused_recipient_and_bad_login_are_errors(smtp_server, clean_env) -> None:
    smtp_server.reject_recipient = "ghost@x.test"
    with pytest.raises(BasicRuntimeError, match="refused the recipient"):
        run_dialog('SEND MAIL "ghost@x.test", "s", "b"', clean_env / "bot",
                   smtp_settings(smtp_server))
    smtp_server.login = ("u", "right")
    with pytest.raises(BasicRuntimeError, match="refused the login of 'u'"):
        run_dialog('SEND MAIL "a@x.test", "s", "b"', clean_env / "bot",
                   smtp_settings(smtp_server, TALKBENCH_SMTP_USER="u",
                                 TALKBENCH_SMTP_PASSWORD="wrong"))
    assert smtp_server.messages == []


def test_invalid_address_and_unreachable_server(clean_env) -> None:
    settings = {"TALKBENCH_SMTP_HOST": "127.0.0.1", "TALKBENCH_SMTP_PORT": str(free_port()),
                "TALKBENCH_SMTP_FROM": "bot@x.test"}
    with pytest.raises(BasicRuntimeError, match="'nobody' is not an e-mail address"):
        run_dialog('SEND MAIL "nobody", "s", "b"', clean_env / "bot", settings)
    with pytest.raises(BasicRuntimeError, match="connection refused"):
        run_dialog('SEND MAIL "a@x.test", "s", "b"', clean_env / "bot", settings)


def test_unconfigured_mail_says_what_to_set(clean_env) -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run_dialog('SEND MAIL "a@x.test", "s", "b"', clean_env / "bot")
    assert "SEND MAIL needs the 'mail' service, which is not configured" in err.value.message
    assert "TALKBENCH_SMTP_HOST" in err.value.message
    assert "TALKBENCH_SMTP_FROM" in err.value.message
