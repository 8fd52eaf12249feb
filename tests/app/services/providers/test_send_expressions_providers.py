"""``result = SEND SMS …``, ``status = SEND MAIL …`` and ``r = SEND TEMPLATE …`` against the
real local providers: the SMS gateway and the SMTP server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from interpreter import BasicRuntimeError

from .helpers import run_dialog
from .servers_messaging import SmsGatewayServer
from .test_keywords_mail import smtp_settings


@pytest.fixture
def sms_gateway() -> Iterator[SmsGatewayServer]:
    server = SmsGatewayServer().start()
    yield server
    server.stop()


def test_send_sms_as_an_expression_returns_the_gateway_result(sms_gateway, clean_env) -> None:
    run = run_dialog('''
phone = "+55 (11) 99999-8888"
message = "Your order " + 42 + " has shipped"
result = SEND SMS phone, message
IF result <> "" THEN
    TALK "Sent: " + result
END IF
again = SEND_SMS("555-123-4567", "Second")
''', clean_env / "bot", {"TALKBENCH_SMS_URL": sms_gateway.sms_url})
    assert sms_gateway.sent == [{"to": "+5511999998888", "text": "Your order 42 has shipped"},
                                {"to": "5551234567", "text": "Second"}]
    assert run.variables["result"] == "SMS sent to +5511999998888 (id msg-1)"
    assert run.variables["again"] == "SMS sent to 5551234567 (id msg-2)"
    assert run.talks == ["Sent: SMS sent to +5511999998888 (id msg-1)"]


def test_send_sms_expression_with_the_provider_argument(sms_gateway, clean_env) -> None:
    run = run_dialog('r = SEND SMS "+1 555 123 4567", "Olá", "twilio"', clean_env / "b",
                     {"TALKBENCH_SMS_URL": sms_gateway.sms_url,
                      "TALKBENCH_SMS_FROM": "+15550001111"})
    assert sms_gateway.sent == [{"To": "+15551234567", "From": "+15550001111", "Body": "Olá"}]
    assert run.variables["r"] == "SMS sent to +15551234567 (id SM1)"


def test_a_refused_sms_in_an_expression_fails_at_its_line(sms_gateway, clean_env) -> None:
    sms_gateway.status = 503
    with pytest.raises(BasicRuntimeError) as err:
        run_dialog('x = 1\nr = SEND SMS "+15551234567", "x"\nTALK "not reached"',
                   clean_env / "b", {"TALKBENCH_SMS_URL": sms_gateway.sms_url})
    assert err.value.line == 2 and "503" in err.value.message


def test_a_refused_sms_under_on_error_resume_next(sms_gateway, clean_env) -> None:
    sms_gateway.status = 503
    run = run_dialog('''
ON ERROR RESUME NEXT
r = SEND SMS "+15551234567", "x"
IF ERR_NUMBER <> 0 THEN TALK "fallback"
''', clean_env / "b", {"TALKBENCH_SMS_URL": sms_gateway.sms_url})
    assert run.talks == ["fallback"]


def test_send_mail_as_an_expression_returns_the_delivery_status(smtp_server,
                                                                 clean_env) -> None:
    run = run_dialog('''
status = SEND MAIL "ana@example.com", "Test", "Message"
other = SEND_EMAIL "bo@example.com", "Hello" + CHR(10) + "Body text"
''', clean_env / "bot", smtp_settings(smtp_server))
    got = [(rcpts, m["Subject"], m.get_content().strip()) for _, rcpts, m in
           smtp_server.messages]
    assert got == [(["ana@example.com"], "Test", "Message"),
                   (["bo@example.com"], "Hello", "Body text")]
    assert run.variables["status"].startswith("Mail sent to ana@example.com (Message-ID <")
    assert run.variables["other"].startswith("Mail sent to bo@example.com (Message-ID <")


def test_send_template_as_an_expression(smtp_server, sms_gateway, clean_env) -> None:
    bot = clean_env / "bot"
    (bot / "templates").mkdir(parents=True)
    (bot / "templates" / "order.txt").write_text("Subject: Order {{id}}\n\nOrder {{id}} is ready",
                                                 "utf-8")
    settings = {**smtp_settings(smtp_server), "TALKBENCH_SMS_URL": sms_gateway.sms_url}
    run = run_dialog('''
result = SEND_TEMPLATE "order", "email,sms", ["ana@x.test", "+15551234567"], #{id: 7}
TALK result
''', bot, settings)
    assert [m["Subject"] for _, _, m in smtp_server.messages] == ["Order 7"]
    assert sms_gateway.sent == [{"to": "+15551234567", "text": "Order 7 is ready"}]
    assert run.talks[0].startswith("Template order sent: e-mail to ana@x.test (Message-ID ")
    assert run.talks[0].endswith("; SMS to +15551234567 (id msg-1)")


def test_unconfigured_sms_in_an_expression_names_the_setting(clean_env: Path) -> None:
    with pytest.raises(BasicRuntimeError, match="SEND SMS needs the 'sms' service.*"
                                                "TALKBENCH_SMS_URL"):
        run_dialog('r = SEND SMS "+15551234567", "x"', clean_env / "bot")
