"""Constructs of the 2026 General Bots dialect that reach a service: BEGIN MAIL blocks,
SEND TEMPLATE … TO several recipients, USE KB of a knowledge base that does not exist.

Each test cites the engine file whose behaviour it pins (generalbots/generalbots f59afde5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.memory.store import MemoryStore
from interpreter import BasicRuntimeError
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


# ---------------------------------------------------------------- web data (web_data.rs)

PAGE = """<html><head><title>Shop</title><style>.x{}</style></head><body>
<div id="main"><h2 class="item">Tea <b>green</b></h2><h2 class="item sale">Coffee</h2>
<p class="price">3.50</p><a href="/about">About us</a><a href="https://x.test/y">Y</a>
<img src="img/a.png" alt="A"><img src="/b.png"></div>
<table id="t"><tr><th>name</th><th>qty</th></tr><tr><td>tea</td><td>2</td></tr></table>
</body></html>"""

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><title>One</title><link>https://n.test/1</link><description>First</description>
<pubDate>Mon, 01 Dec 2026 10:00:00 GMT</pubDate><guid>g1</guid></item>
<item><title>Two</title><link>https://n.test/2</link></item>
<item><title>Three</title></item></channel></rss>"""


def test_scrape_family_reads_the_page_like_the_engine(http_server, clean_env) -> None:
    http_server.pages["/shop"] = ("text/html", PAGE)
    url = http_server.url + "/shop"
    run = run_dialog(f'''
first = SCRAPE "{url}", "h2.item"
all = SCRAPE_ALL "{url}", "#main > h2"
sale = SCRAPE "{url}", "div .sale"
none = SCRAPE "{url}", "h3"
links = SCRAPE_LINKS "{url}"
imgs = SCRAPE_IMAGES "{url}"
''', clean_env / "bot")
    v = run.variables
    assert v["first"] == "Tea  green" and v["sale"] == "Coffee" and v["none"] == ""
    assert v["all"] == ["Tea  green", "Coffee"]
    assert v["links"] == [{"href": http_server.url + "/about", "text": "About us"},
                          {"href": "https://x.test/y", "text": "Y"}]
    assert v["imgs"] == [{"src": http_server.url + "/img/a.png", "alt": "A"},
                         {"src": http_server.url + "/b.png", "alt": ""}]


def test_scrape_with_a_selector_it_cannot_read_is_an_error(http_server, clean_env) -> None:
    http_server.pages["/shop"] = ("text/html", PAGE)
    with pytest.raises(BasicRuntimeError, match="Invalid selector") as err:
        run_dialog(f'x = SCRAPE "{http_server.url}/shop", "h2:hover"', clean_env / "bot")
    assert err.value.line == 1


def test_rss_items_and_limit(http_server, clean_env) -> None:
    http_server.pages["/feed"] = ("application/rss+xml", FEED)
    run = run_dialog(f'all = RSS "{http_server.url}/feed"\ntwo = RSS "{http_server.url}/feed", 2',
                     clean_env / "bot")
    assert [i["title"] for i in run.variables["all"]] == ["One", "Two", "Three"]
    assert run.variables["two"][0] == {"title": "One", "link": "https://n.test/1",
                                       "description": "First",
                                       "pubDate": "Mon, 01 Dec 2026 10:00:00 GMT",
                                       "author": "", "guid": "g1"}
    assert len(run.variables["two"]) == 2 and "guid" not in run.variables["two"][1]


# ---------------------------------------------------------------- attendants (attendance.rs)


def test_get_attendants_reads_the_package_attendant_csv(clean_env) -> None:
    package = clean_env / "desk.gbai"
    write(package / "attendant.csv", "id,name,channel,preferences,department\n"
                                     "a1,Ana,whatsapp,sales,north\nshort,line\na2,Bo,web,support\n")
    run = run_dialog('all = GET ATTENDANTS\nonline = GET ATTENDANTS "online"\n'
                     'away = GET ATTENDANT STATS "away"', package / "desk.gbdialog")
    everyone = run.variables["all"]
    assert everyone["success"] is True and everyone["count"] == 2
    assert everyone["items"][0] == {"id": "a1", "name": "Ana", "channel": "whatsapp",
                                    "preferences": "sales", "status": "online",
                                    "department": "north"}
    assert "department" not in everyone["items"][1]
    assert run.variables["online"]["count"] == 2 and run.variables["away"]["count"] == 0


# ---------------------------------------------------------------- THINK KB (think_kb.rs)


def test_think_kb_searches_the_active_kbs(store: MemoryStore, clean_env: Path) -> None:
    package = clean_env / "shop.gbai"
    write(package / "shop.gbkb" / "policies" / "returns.md",
          "You can return any product within 30 days with the receipt.")
    run = run_dialog('USE KB "policies"\nr = THINK KB "return product receipt"',
                     package / "shop.gbdialog", store=store)
    result = run.variables["r"]
    assert result["query"] == "return product receipt"
    assert result["total_results"] >= 1 and result["results"][0]["kb_name"] == "policies"
    assert "30 days" in result["results"][0]["results"][0]["content"]
    assert result["sources"][0].endswith("returns.md")
    assert 0.0 <= result["confidence"] <= 1.0 and result["consolidation_insights"] == []


# ---------------------------------------------------------------- LLM macros (llm_macros.rs)


def test_calculate_and_validate_ask_the_model_and_parse_like_the_engine(http_server,
                                                                        clean_env) -> None:
    from .servers import chat_reply
    from .test_keywords_llm import llm_settings

    replies = iter(["42", " yes ", '{"a": 1}', "about twelve",
                    '```json\n{"is_valid": false, "errors": ["age < 18"]}\n```',
                    "The data is valid."])
    http_server.chat = lambda request: chat_reply(next(replies))
    run = run_dialog('''
a = CALCULATE "x * y", #{x: 6, y: 7}
b = CALCULATE "x > 1", #{x: 2}
c = CALCULATE "pair", #{}
d = CALCULATE "guess", NULL
v = VALIDATE #{age: 15}, "age >= 18"
w = VALIDATE "ok", "anything"
''', clean_env / "bot", llm_settings(http_server))
    values = run.variables
    assert (values["a"], values["b"], values["c"], values["d"]) == (42, True, {"a": 1},
                                                                    "about twelve")
    assert values["v"] == {"is_valid": False, "errors": ["age < 18"], "warnings": []}
    assert values["w"] == {"is_valid": True, "errors": [], "warnings": []}
    first = http_server.chat_requests()[0]["messages"][-1]["content"]
    assert "Formula: x * y" in first and "x = 6, y = 7" in first
    assert "Variables: none" in http_server.chat_requests()[3]["messages"][-1]["content"]
