"""Constructs of the 2026 General Bots dialect that reach a service: BEGIN MAIL blocks,
SEND TEMPLATE … TO several recipients, USE KB of a knowledge base that does not exist.

Each test cites the engine file whose behaviour it pins (generalbots/generalbots f59afde5)."""

from __future__ import annotations

from pathlib import Path

from app.memory_store import MemoryStore
from interpreter.events import Printed

from .helpers import run_dialog
from .test_keywords_mail import smtp_settings
from .test_keywords_messaging import mails, write


def test_begin_mail_block_sends_subject_and_interpolated_body(smtp_server, clean_env) -> None:
    # botbasic_compiler/src/blocks/mail.rs: "Subject:" line taken as written, the first blank
    # line after it skipped, ${} in body lines, then send_mail(to, subject, body, []).
    run_dialog('''
nome = "Ana"
total = "42"
BEGIN MAIL "ana@x.test"
Subject: Pedido confirmado

Olá ${nome},
o total é ${total}.
END MAIL
TALK "sent"
''', clean_env / "bot", smtp_settings(smtp_server))
    assert mails(smtp_server) == [(["ana@x.test"], "Pedido confirmado",
                                   "Olá Ana,\no total é 42.")]


def test_begin_mail_recipient_may_be_a_variable(smtp_server, clean_env) -> None:
    run = run_dialog('''
who = "bob@x.test"
BEGIN MAIL who
Subject: Hi
Body line
END MAIL
''', clean_env / "bot", smtp_settings(smtp_server))
    assert mails(smtp_server) == [(["bob@x.test"], "Hi", "Body line")]
    assert run.talks == []


def test_send_template_to_three_recipients(smtp_server, clean_env) -> None:
    bot = clean_env / "bot"
    write(bot / "templates" / "news.txt", "Subject: News\n\nHello {{recipient}}")
    run_dialog('SEND TEMPLATE "news", "email" TO "a@x.test", "b@x.test", "c@x.test"', bot,
               smtp_settings(smtp_server))
    assert sorted(r[0][0] for r in mails(smtp_server)) == ["a@x.test", "b@x.test",
                                                             "c@x.test"]


def test_use_kb_of_a_missing_knowledge_base_warns_and_goes_on(store: MemoryStore,
                                                               clean_env: Path) -> None:
    # botbasic_data/src/keywords/use_kb.rs: a KB not in kb_collections is logged with
    # log::warn! and registered under its default path; the script goes on.
    package = clean_env / "shop.gbai"
    (package / "shop.gbkb").mkdir(parents=True)
    run = run_dialog('USE KB "missing"\nTALK "after"', package / "shop.gbdialog",
                     store=store)
    assert run.talks == ["after"]
    warnings = [e.text for e in run.events if isinstance(e, Printed)]
    assert any("USE KB" in w and "'missing'" in w for w in warnings)
    assert run.session.knowledge_bases == ["missing"]
