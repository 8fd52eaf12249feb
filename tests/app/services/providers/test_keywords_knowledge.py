"""USE KB / CLEAR KB / ADD WEBSITE, and the session's tools.

The KB tests run once with a SQLite memory store (the index is a SQLite FTS5 cache file) and
once with a PostgreSQL one (the index is in that database, PostgreSQL full-text search): the
``store`` fixture of tests/app/conftest.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.memory.store import MemoryStore
from interpreter import BasicRuntimeError, Session
from interpreter.events import Printed

from .helpers import DialogRun, run_dialog


def run_on(store: MemoryStore, source: str, folder: Path, settings: dict[str, Any] | None = None,
           session: Session | None = None) -> DialogRun:
    """:func:`run_dialog` with ``store`` as the memory store the providers see."""
    return run_dialog(source, folder, settings, session=session, store=store)


def make_package(root):
    package = root / "shop.gbai"
    kb = package / "shop.gbkb"
    (kb / "policies").mkdir(parents=True)
    (kb / "policies" / "returns.md").write_text(
        "# Returns\n\nYou can return any product within 30 days with the receipt.\n\n"
        "Refunds are paid to the original card.", "utf-8")
    (kb / "policies" / "shipping.txt").write_text(
        "Shipping to Portugal takes two working days.", "utf-8")
    (kb / "recipes").mkdir()
    (kb / "recipes" / "bread.html").write_text(
        "<html><script>var x = 'returns';</script><p>Knead the dough for ten minutes.</p>"
        "</html>", "utf-8")
    (package / "shop.gbdialog").mkdir()
    return package


def llm_settings(server) -> dict:
    return {"TALKBENCH_LLM_URL": f"{server.url}/v1", "TALKBENCH_LLM_MODEL": "m"}


def system_text(server, index: int = -1) -> str:
    messages = server.chat_requests()[index]["messages"]
    return messages[0]["content"] if messages[0]["role"] == "system" else ""


def test_use_kb_feeds_matching_passages_to_the_llm(store, http_server, clean_env) -> None:
    package = make_package(clean_env)
    run = run_on(store, '''
USE KB "policies"
a = LLM "How many days do I have to return a product?"
''', package / "shop.gbdialog", llm_settings(http_server))
    assert run.session.knowledge_bases == ["policies"]
    system = system_text(http_server)
    assert "within 30 days with the receipt" in system
    assert "[policies: returns.md]" in system
    assert "Knead" not in system  # another KB, not active


def test_kb_is_reindexed_when_a_document_changes(store, http_server, clean_env) -> None:
    package = make_package(clean_env)
    session = Session()
    dialog = 'USE KB "recipes"\na = LLM "how long to knead the dough"'
    run_on(store, dialog, package / "shop.gbdialog", llm_settings(http_server), session=session)
    assert "ten minutes" in system_text(http_server)
    assert "returns" not in system_text(http_server)  # script text of the page is not indexed
    page = package / "shop.gbkb" / "recipes" / "bread.html"
    page.write_text("<p>Knead the dough for twelve minutes at least.</p>", "utf-8")
    run_on(store, 'a = LLM "how long to knead the dough"', package / "shop.gbdialog",
               llm_settings(http_server), session=session)
    assert "twelve minutes" in system_text(http_server)
    assert "ten minutes" not in system_text(http_server)


def test_clear_kb_one_or_all(store, http_server, clean_env) -> None:
    package = make_package(clean_env)
    run = run_on(store, '''
USE KB "policies"
ADD_KB "recipes"
SET KB "recipes"
CLEAR KB "policies"
a = LLM "return within days"
''', package / "shop.gbdialog", llm_settings(http_server))
    assert run.session.knowledge_bases == ["recipes"]
    assert "30 days" not in system_text(http_server)
    run = run_on(store, "CLEAR KB", package / "shop.gbdialog", session=run.session)
    assert run.session.knowledge_bases == []


def test_unknown_kb_lists_the_known_ones(clean_env) -> None:
    # An unknown KB only warns (botbasic_data/src/keywords/use_kb.rs logs it and goes on).
    package = make_package(clean_env)
    run = run_dialog('USE KB "faq"', package / "shop.gbdialog")
    [warning] = [e.text for e in run.events if isinstance(e, Printed)]
    assert "no knowledge base 'faq'" in warning
    assert "policies, recipes" in warning


def test_kb_folder_beside_a_loose_dialog(store, http_server, clean_env) -> None:
    folder = clean_env / "loose"
    (folder / ".gbkb" / "faq").mkdir(parents=True)
    (folder / ".gbkb" / "faq" / "a.txt").write_text("The wifi password is croissant.", "utf-8")
    run_on(store, 'USE KB "faq"\nx = LLM "what is the wifi password"', folder,
               llm_settings(http_server))
    assert "croissant" in system_text(http_server)


def test_add_website_indexes_the_page_text(store, http_server, clean_env) -> None:
    page = ("<html><head><title>About</title><style>.x{}</style></head>"
            "<body><h1>Our bakery</h1><p>We bake sourdough every morning at 5am.</p></body></html>")
    http_server.pages["/about"] = ("text/html; charset=utf-8", page)
    url = f"{http_server.url}/about"
    run = run_on(store, f'''
ADD WEBSITE "{url}"
a = LLM "when do you bake sourdough"
''', clean_env / "bot", llm_settings(http_server))
    assert run.session.websites == [url]
    system = system_text(http_server)
    assert "We bake sourdough every morning at 5am." in system and ".x{}" not in system
    run = run_on(store, 'CLEAR WEBSITES\na = LLM "sourdough"', clean_env / "bot",
                     llm_settings(http_server), session=run.session)
    assert run.session.websites == [] and "sourdough every" not in system_text(http_server)


def test_tools_are_kept_listed_removed_and_cleared(clean_env) -> None:
    bot = clean_env / "bot"
    bot.mkdir()
    (bot / "book-meeting.bas").write_text('DESCRIPTION "Books"\nTALK "booked"\n', "utf-8")
    (bot / "Order.bas").write_text('DESCRIPTION "Orders"\n', "utf-8")
    run = run_dialog('''
ADD TOOL ".gbdialog/book-meeting.bas"
USE TOOL "order"
ADD_TOOL "order"
LIST TOOLS
REMOVE TOOL "book-meeting"
''', bot)
    assert run.session.tools == ["Order"]
    listed = [e.text for e in run.events if isinstance(e, Printed)]
    assert listed == ["Active tools in this conversation (2):\n1. book-meeting\n2. Order"]
    run = run_dialog("CLEAR TOOLS\nLIST TOOLS", bot, session=run.session)
    assert run.session.tools == []
    assert [e.text for e in run.events if isinstance(e, Printed)] == [
        "No tools are active in this conversation"]


def test_unknown_tool_names_the_dialogs(clean_env) -> None:
    bot = clean_env / "bot"
    bot.mkdir()
    (bot / "order.bas").write_text('TALK "x"\n', "utf-8")
    with pytest.raises(BasicRuntimeError) as err:
        run_dialog('USE TOOL "refund"', bot)
    assert "no dialog 'refund' to use as a tool (dialogs: order)" in err.value.message


def test_a_tool_suggestion_runs_the_tool_when_chosen_then_the_question_waits_on(clean_env):
    bot = clean_env / "bot"
    bot.mkdir()
    (bot / "order.bas").write_text(
        'PARAM item AS STRING\nPARAM qty AS INTEGER\nTALK "ordered " + qty + " " + item\n',
        "utf-8")
    run = run_dialog('''
ADD SUGGESTION TOOL "order" WITH ["tea", 2] AS "Order tea"
ADD SUGGESTION TOOL "order" WITH {"item": "cake", "qty": 1} AS "Order cake"
ADD SUGGESTION "done" AS "Done"
TALK "What now?"
HEAR answer
''', bot, answers=["Order tea", "Order cake", "Done"])
    assert run.talks == ["What now?", "ordered 2 tea", "ordered 1 cake"]
    assert run.variables["answer"] == "Done"
    assert [s.tool for s in run.session.suggestions] == ["order", "order", ""]


def test_a_tool_suggestion_checks_the_tool_and_its_parameters(clean_env):
    bot = clean_env / "bot"
    bot.mkdir()
    (bot / "order.bas").write_text('PARAM item AS STRING\nTALK item\n', "utf-8")
    with pytest.raises(BasicRuntimeError, match="takes 1 parameter"):
        run_dialog('ADD SUGGESTION TOOL "order" WITH "a, b" AS "x"', bot)
    with pytest.raises(BasicRuntimeError, match="no dialog 'refund'"):
        run_dialog('ADD SUGGESTION TOOL "refund" AS "x"', bot)
