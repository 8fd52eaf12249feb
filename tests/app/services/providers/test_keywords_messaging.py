"""SEND SMS, SEND TEMPLATE, SEND TO / SEND MESSAGE, BROADCAST and WEBHOOK with real local
servers: an SMS gateway over HTTP and an SMTP server, both on 127.0.0.1."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest

from interpreter import BasicRuntimeError
from interpreter.keywords.messaging import phone_number

from .helpers import run_dialog
from .servers import free_port
from .servers_messaging import SmsGatewayServer
from .test_keywords_mail import smtp_settings


@pytest.fixture
def sms_gateway() -> Iterator[SmsGatewayServer]:
    server = SmsGatewayServer().start()
    yield server
    server.stop()


def both(smtp_server, gateway, **extra) -> dict:
    return {**smtp_settings(smtp_server), "TALKBENCH_SMS_URL": gateway.sms_url, **extra}


def mails(smtp_server) -> list[tuple[list[str], str, str]]:
    return [(rcpts, m["Subject"], m.get_content().replace("\r\n", "\n").strip())
            for _, rcpts, m in smtp_server.messages]


# ---------------------------------------------------------------- phone numbers


@pytest.mark.parametrize("text, number", [
    ("+55 11 99999-8888", "+5511999998888"),
    ("(11) 99999-8888", "11999998888"),
    ("555-123-4567", "5551234567"),
    ("0044 20 7946 0958", "+442079460958"),
    ("551199999888877", "+551199999888877"),
    ("tel:+1 555 123 4567", "+15551234567"),
    ("12345", None), ("call me", None), ("ana@x.test", None), ("+1 555 CALL NOW", None),
])
def test_phone_numbers_follow_the_mobile_rules(text: str, number: str | None) -> None:
    assert phone_number(text) == number


# ---------------------------------------------------------------- SEND SMS


def test_send_sms_posts_json_with_a_bearer_key_from_the_named_variable(
        sms_gateway, clean_env, monkeypatch) -> None:
    monkeypatch.setenv("GATEWAY_TOKEN", "s3cret")
    sms_gateway.authorization = "Bearer s3cret"
    run = run_dialog('''
phone = "+55 (11) 99999-8888"
SEND SMS phone, "Your code is " + 1234
SEND_SMS "555-123-4567", "Second"
''', clean_env / "bot", {"TALKBENCH_SMS_URL": sms_gateway.sms_url,
                         "TALKBENCH_SMS_KEY_ENV": "GATEWAY_TOKEN"})
    assert sms_gateway.sent == [{"to": "+5511999998888", "text": "Your code is 1234"},
                                {"to": "5551234567", "text": "Second"}]
    assert run.talks == []


def test_send_sms_result_names_the_gateway_message_id(sms_gateway, clean_env) -> None:
    run = run_dialog('SEND SMS "+15551234567", "hi" INTO status\nTALK status', clean_env / "b",
                     {"TALKBENCH_SMS_URL": sms_gateway.sms_url,
                      "TALKBENCH_SMS_FROM": "+15550000000"})
    assert run.talks == ["SMS sent to +15551234567 (id msg-1)"]
    assert sms_gateway.sent == [{"to": "+15551234567", "text": "hi", "from": "+15550000000"}]


def test_twilio_form_with_basic_auth_chosen_by_setting_or_by_the_provider_argument(
        sms_gateway, clean_env, monkeypatch) -> None:
    monkeypatch.setenv("TALKBENCH_SMS_KEY", "token")
    sms_gateway.authorization = "Basic " + base64.b64encode(b"AC123:token").decode()
    settings = {"TALKBENCH_SMS_URL": sms_gateway.sms_url, "TALKBENCH_SMS_FROM": "+15550001111",
                "TALKBENCH_SMS_USER": "AC123"}
    run_dialog('SEND SMS "+1 555 123 4567", "Olá"', clean_env / "a",
               {**settings, "TALKBENCH_SMS_FORMAT": "twilio"})
    run_dialog('SEND_SMS "+1 555 123 4567", "again", "twilio"', clean_env / "b", settings)
    assert sms_gateway.sent == [
        {"To": "+15551234567", "From": "+15550001111", "Body": "Olá"},
        {"To": "+15551234567", "From": "+15550001111", "Body": "again"}]


def test_send_sms_errors_bad_number_refusal_unreachable_unknown_provider(
        sms_gateway, clean_env) -> None:
    settings = {"TALKBENCH_SMS_URL": sms_gateway.sms_url}
    with pytest.raises(BasicRuntimeError, match="'12-34' is not a phone number"):
        run_dialog('SEND SMS "12-34", "x"', clean_env / "b", settings)
    with pytest.raises(BasicRuntimeError, match="unknown SMS provider 'pigeon'"):
        run_dialog('SEND SMS "+15551234567", "x", "pigeon"', clean_env / "b", settings)
    sms_gateway.authorization = "Bearer right"
    with pytest.raises(BasicRuntimeError, match=r"refused the message: 401 .*bad credentials"):
        run_dialog('SEND SMS "+15551234567", "x"', clean_env / "b", settings)
    sms_gateway.authorization, sms_gateway.status = "", 503
    with pytest.raises(BasicRuntimeError, match="503 .*down for maintenance"):
        run_dialog('SEND SMS "+15551234567", "x"', clean_env / "b", settings)
    with pytest.raises(BasicRuntimeError, match="connection refused"):
        run_dialog('SEND SMS "+15551234567", "x"', clean_env / "b",
                   {"TALKBENCH_SMS_URL": f"http://127.0.0.1:{free_port()}/sms"})
    assert sms_gateway.sent == []


def test_unconfigured_sms_says_what_to_set(clean_env) -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run_dialog('SEND SMS "+15551234567", "x"', clean_env / "bot")
    assert "SEND SMS needs the 'sms' service, which is not configured" in err.value.message
    assert "TALKBENCH_SMS_URL" in err.value.message


def test_sms_url_from_the_bot_config_csv(sms_gateway, clean_env) -> None:
    package = clean_env / "shop.gbai"
    (package / "shop.gbot").mkdir(parents=True)
    (package / "shop.gbot" / "config.csv").write_text(
        f"name,value\nsms-url,{sms_gateway.sms_url}\nsms-from,+15559990000\n", "utf-8")
    run_dialog('SEND SMS "+15551234567", "from config"', package / "shop.gbdialog")
    assert sms_gateway.sent == [{"to": "+15551234567", "text": "from config",
                                 "from": "+15559990000"}]


# ---------------------------------------------------------------- SEND TO / BROADCAST


def test_send_to_routes_by_recipient_shape(smtp_server, sms_gateway, clean_env) -> None:
    run = run_dialog('''
SEND TO "ana@x.test", "Order shipped" + CHR(10) + "It arrives Monday."
SEND MESSAGE "+44 20 7946 0958", "Order shipped"
SEND TO "mailto:bob@x.test", "one line"
''', clean_env / "bot", both(smtp_server, sms_gateway))
    assert mails(smtp_server) == [(["ana@x.test"], "Order shipped", "It arrives Monday."),
                                  (["bob@x.test"], "", "one line")]
    assert sms_gateway.sent == [{"to": "+442079460958", "text": "Order shipped"}]
    assert run.talks == []


def test_send_to_rejects_what_is_neither_mail_nor_phone(smtp_server, sms_gateway,
                                                        clean_env) -> None:
    settings = both(smtp_server, sms_gateway)
    with pytest.raises(BasicRuntimeError, match="'ana' is neither an e-mail address nor"):
        run_dialog('SEND TO "ana", "hi"', clean_env / "b", settings)
    with pytest.raises(BasicRuntimeError, match="channel 'whatsapp' .* is not supported"):
        run_dialog('SEND TO "whatsapp:+5511999998888", "hi"', clean_env / "b", settings)
    with pytest.raises(BasicRuntimeError, match="expects recipient, text"):
        run_dialog('SEND TO "ana@x.test"', clean_env / "b", settings)
    assert smtp_server.messages == [] and sms_gateway.sent == []


def test_send_to_an_email_without_smtp_names_the_mail_settings(sms_gateway, clean_env) -> None:
    with pytest.raises(BasicRuntimeError, match="SEND TO needs the 'mail' service.*"
                                                "TALKBENCH_SMTP_HOST"):
        run_dialog('SEND TO "ana@x.test", "hi"', clean_env / "b",
                   {"TALKBENCH_SMS_URL": sms_gateway.sms_url})


def test_broadcast_sends_to_each_and_reports_failures(smtp_server, sms_gateway,
                                                      clean_env) -> None:
    run = run_dialog('''
people = ["a@x.test", "+15551234567", "b@x.test", "a@x.test"]
BROADCAST people, "Sale today" INTO status
TALK status
''', clean_env / "bot", both(smtp_server, sms_gateway))
    assert run.talks == ["Broadcast sent to 3 recipients"]
    assert [m[0] for m in mails(smtp_server)] == [["a@x.test"], ["b@x.test"]]
    assert sms_gateway.sent == [{"to": "+15551234567", "text": "Sale today"}]
    smtp_server.reject_recipient = "ghost@x.test"
    with pytest.raises(BasicRuntimeError, match=r"BROADCAST sent 2 of 3 messages; failed: "
                                                r"ghost@x.test \(.*refused the recipient"):
        run_dialog('BROADCAST "c@x.test; ghost@x.test, +15551234567", "x"', clean_env / "b",
                   both(smtp_server, sms_gateway))
    assert [m[0] for m in mails(smtp_server)][-1] == ["c@x.test"]
    assert len(sms_gateway.sent) == 2


# ---------------------------------------------------------------- SEND TEMPLATE


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def test_send_template_fills_variables_and_routes_each_channel(smtp_server, sms_gateway,
                                                               clean_env) -> None:
    bot = clean_env / "bot"
    write(bot / "templates" / "welcome.txt",
          "Subject: Welcome, {{ name }}!\n\nHi {{name}}, your plan is {{plan.title}}.\n")
    run = run_dialog('''
vars = #{name: "Ana", plan: #{title: "Gold"}}
SEND TEMPLATE "welcome", "email,sms", ["ana@x.test", "+55 11 99999-8888"], vars INTO status
TALK status
''', bot, both(smtp_server, sms_gateway))
    assert mails(smtp_server) == [(["ana@x.test"], "Welcome, Ana!",
                                   "Hi Ana, your plan is Gold.")]
    assert sms_gateway.sent == [{"to": "+5511999998888", "text": "Hi Ana, your plan is Gold."}]
    assert run.talks[0].startswith("Template welcome sent: e-mail to ana@x.test (Message-ID ")
    assert run.talks[0].endswith("; SMS to +5511999998888 (id msg-1)")


def test_send_template_from_the_package_drive_without_subject_line(smtp_server,
                                                                   clean_env) -> None:
    package = clean_env / "shop.gbai"
    write(package / "shop.gbdrive" / "templates" / "receipt.md",
          "Total: {{Total}} for {{recipient}}")
    run_dialog('SEND_TEMPLATE "receipt", "email", "bob@x.test", {"total": 42}',
               package / "shop.gbdialog", smtp_settings(smtp_server))
    assert mails(smtp_server) == [(["bob@x.test"], "receipt", "Total: 42 for bob@x.test")]


def test_send_template_errors(smtp_server, sms_gateway, clean_env) -> None:
    bot = clean_env / "bot"
    write(bot / "templates" / "hello.txt", "Hello {{name}}")
    settings = both(smtp_server, sms_gateway)
    with pytest.raises(BasicRuntimeError, match=r"no value for \{\{name\}\}"):
        run_dialog('SEND TEMPLATE "hello", "email", "a@x.test"', bot, settings)
    with pytest.raises(BasicRuntimeError, match="no template 'missing'.*templates"):
        run_dialog('SEND TEMPLATE "missing", "email", "a@x.test"', bot, settings)
    with pytest.raises(BasicRuntimeError, match="unknown channel 'fax'"):
        run_dialog('SEND TEMPLATE "hello", "fax", "a@x.test", #{name: 1}', bot, settings)
    with pytest.raises(BasicRuntimeError, match="by sms needs a phone number"):
        run_dialog('SEND TEMPLATE "hello", "sms", "a@x.test", #{name: 1}', bot, settings)
    with pytest.raises(BasicRuntimeError, match="template name '../x' is not allowed"):
        run_dialog('SEND TEMPLATE "../x", "sms", "+15551234567"', bot, settings)
    assert smtp_server.messages == [] and sms_gateway.sent == []


# ---------------------------------------------------------------- WEBHOOK


def test_webhook_in_a_normal_run_records_the_endpoint(clean_env) -> None:
    run = run_dialog('WEBHOOK "order-received"\nWEBHOOK "order-received"', clean_env / "bot")
    assert run.session.webhooks == ["/api/bot/test-bot/order-received"]
    assert [e.text for e in run.events if type(e).__name__ == "Printed"] == [
        ("WEBHOOK order-received: POST /api/bot/test-bot/order-received runs this dialog when "
         "served with 'talkbench webhook serve'")]
    with pytest.raises(BasicRuntimeError, match="a webhook name is letters"):
        run_dialog('WEBHOOK "two words"', clean_env / "bot")
