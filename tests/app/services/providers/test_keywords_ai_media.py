"""USE MODEL, SET MODEL ROUTING, IMAGE, AUDIO, VIDEO, SEE, OCR, SAVE FROM UNSTRUCTURED,
POLISH MESSAGE and CREATE SITE against a real loopback OpenAI-compatible ai_server."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

import app.services.tables  # noqa: F401  (registers the tables service)
from app.db.database import sqlite_url
from app.memory.store import MemoryStore
from interpreter import BasicRuntimeError, Session
from interpreter.events import Printed

from .helpers import DialogRun, run_dialog
from .servers import chat_reply
from .servers_ai import MP3, MP4, PNG, AiServer


def settings(ai_server: AiServer, **extra: str) -> dict[str, str]:
    return {"TALKBENCH_LLM_URL": f"{ai_server.url}/v1", "TALKBENCH_LLM_MODEL": "small", **extra}


def models(ai_server: AiServer) -> list[str]:
    return [r["model"] for r in ai_server.chat_requests()]


# ------------------------------------------------------------------------------ model choice


def test_use_model_switches_later_calls_and_stays_with_the_session(ai_server, clean_env) -> None:
    session = Session()
    run = run_dialog('a = LLM "one"\nUSE MODEL "big-model"\nb = LLM "two"\n'
                     'c = POLISH MESSAGE "three"', clean_env / "bot", settings(ai_server),
                     session=session)
    assert run.variables["b"] == "echo: two"
    assert models(ai_server) == ["small", "big-model", "big-model"]
    assert session.model == "big-model"
    # a later run in the same conversation keeps the model
    run_dialog('d = POLISH MESSAGE "four"', clean_env / "bot", settings(ai_server), session=session)
    assert models(ai_server)[-1] == "big-model"
    run_dialog('USE MODEL "default"\ne = LLM "five"', clean_env / "bot", settings(ai_server),
               session=session)
    assert models(ai_server)[-1] == "small" and session.model == ""


def test_model_routing_uses_the_configured_route_or_warns(ai_server, clean_env) -> None:
    routed = settings(ai_server, TALKBENCH_LLM_ROUTES="fast=tiny-1b; quality=huge-70b")
    run = run_dialog('SET MODEL ROUTING "quality"\nx = LLM "hi"', clean_env / "bot", routed)
    assert models(ai_server) == ["huge-70b"]
    assert run.session.model_routing == "quality"
    assert not [e for e in run.events if isinstance(e, Printed) and e.level == "warning"]
    run = run_dialog('SET MODEL ROUTING "cheap"\nx = LLM "hi"', clean_env / "bot", routed)
    warnings = [e for e in run.events if isinstance(e, Printed) and e.level == "warning"]
    assert models(ai_server)[-1] == "small"
    assert len(warnings) == 1 and warnings[0].line == 1
    assert "no model is configured for this route" in warnings[0].text
    assert "keeping small" in warnings[0].text and "TALKBENCH_LLM_ROUTES" in warnings[0].text


def test_bad_route_setting_is_reported(ai_server, clean_env) -> None:
    with pytest.raises(BasicRuntimeError, match="not route=model"):
        run_dialog('x = LLM "hi"', clean_env / "bot", settings(ai_server, TALKBENCH_LLM_ROUTES="fast"))


# ------------------------------------------------------------------------------ media


def test_image_is_saved_in_the_bot_package(ai_server, clean_env) -> None:
    bot = clean_env / "shop.gbai" / "shop.gbdialog"
    run = run_dialog('p = IMAGE "A red bicycle!"\nTALK p', bot,
                     settings(ai_server, TALKBENCH_IMAGE_MODEL="img-local"))
    path = run.variables["p"]
    assert path.startswith("generated/images/") and path.endswith("-a-red-bicycle.png")
    assert (clean_env / "shop.gbai" / path).read_bytes() == PNG
    request = next(r for r in ai_server.requests if r.path == "/v1/images/generations").json()
    assert request["model"] == "img-local" and request["prompt"] == "A red bicycle!"
    assert request["response_format"] == "b64_json"


def test_image_given_as_url_is_downloaded_and_refusals_are_errors(ai_server, clean_env) -> None:
    ai_server.image_as_url = True
    run = run_dialog('p = IMAGE "a cat"', clean_env / "bot", settings(ai_server))
    assert (clean_env / "bot" / run.variables["p"]).read_bytes() == PNG
    with pytest.raises(BasicRuntimeError) as err:
        run_dialog('TALK "x"\np = IMAGE "something forbidden"', clean_env / "bot", settings(ai_server))
    assert err.value.line == 2
    assert "HTTP 400" in err.value.message and "safety system" in err.value.message


def test_audio_is_speech_saved_as_mp3(ai_server, clean_env) -> None:
    run = run_dialog('f = AUDIO "Welcome to the shop"', clean_env / "bot",
                     settings(ai_server, TALKBENCH_AUDIO_VOICE="nova"))
    assert run.variables["f"].startswith("generated/audio/")
    assert run.variables["f"].endswith(".mp3")
    assert (clean_env / "bot" / run.variables["f"]).read_bytes() == MP3
    request = next(r for r in ai_server.requests if r.path == "/v1/audio/speech").json()
    assert request == {"model": "tts-1", "input": "Welcome to the shop", "voice": "nova",
                       "response_format": "mp3"}


def test_video_job_is_polled_and_downloaded(ai_server, clean_env) -> None:
    ai_server.video_polls = 2
    run = run_dialog('v = VIDEO "waves at sunset"', clean_env / "bot", settings(ai_server))
    assert (clean_env / "bot" / run.variables["v"]).read_bytes() == MP4
    assert run.variables["v"].endswith("-waves-at-sunset.mp4")
    paths = [r.path for r in ai_server.requests if r.path.startswith("/v1/videos")]
    assert paths == ["/v1/videos"] + ["/v1/videos/video_1"] * 3 + ["/v1/videos/video_1/content"]
    ai_server.video_fails = True
    with pytest.raises(BasicRuntimeError, match="video job video_1 failed: moderation"):
        run_dialog('v = VIDEO "waves"', clean_env / "bot", settings(ai_server))


def test_media_without_a_server_says_how_to_configure_it(clean_env) -> None:
    for phrase in ("IMAGE", "AUDIO", "VIDEO"):
        with pytest.raises(BasicRuntimeError) as err:
            run_dialog(f'x = {phrase} "a cat"', clean_env / "bot")
        assert f"{phrase} needs the 'media' service, which is not configured" in \
            err.value.message
        assert "TALKBENCH_MEDIA_URL" in err.value.message


# ------------------------------------------------------------------------------ vision


def test_see_sends_the_image_as_a_data_url_to_the_vision_model(ai_server, clean_env) -> None:
    bot = clean_env / "bot"
    bot.mkdir()
    (bot / "photo.png").write_bytes(PNG)
    ai_server.chat = lambda request: chat_reply("A tiny black square.")
    run = run_dialog('d = SEE "photo.png"\nq = SEE "photo.png", "What colour is it?"', bot,
                     settings(ai_server, TALKBENCH_VISION_MODEL="llava"))
    assert run.variables["d"] == "A tiny black square."
    first, second = ai_server.chat_requests()
    assert first["model"] == "llava"
    content = first["messages"][1]["content"]
    assert content[0] == {"type": "text", "text": "Describe this image."}
    assert content[1]["image_url"]["url"] == \
        "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert second["messages"][1]["content"][0]["text"] == "What colour is it?"


def test_ocr_asks_for_verbatim_text(ai_server, clean_env) -> None:
    bot = clean_env / "bot"
    bot.mkdir()
    (bot / "receipt.png").write_bytes(PNG)
    ai_server.chat = lambda request: chat_reply("```\nTOTAL 12.50\nThank you\n```")
    run = run_dialog('t = OCR "receipt.png"', bot, settings(ai_server))
    assert run.variables["t"] == "TOTAL 12.50\nThank you"
    request = ai_server.chat_requests()[0]
    assert request["model"] == "small"
    assert "verbatim" in request["messages"][0]["content"]
    with pytest.raises(BasicRuntimeError, match="is not an image file"):
        (bot / "notes.txt").write_text("hi", "utf-8")
        run_dialog('t = OCR "notes.txt"', bot, settings(ai_server))
    with pytest.raises(BasicRuntimeError, match="no file 'missing.png'"):
        run_dialog('t = OCR "missing.png"', bot, settings(ai_server))


# ------------------------------------------------------------------------------ text tasks


def run_with_tables(source: str, folder: Path, store: MemoryStore,
                    config: dict[str, str]) -> DialogRun:
    return run_dialog(source, folder, config, file="d.bas", store=store)


def test_save_from_unstructured_extracts_the_table_columns(ai_server, clean_env) -> None:
    def extract(request: dict) -> dict:
        assert '"name" (text)' in request["messages"][0]["content"]
        assert '"age" (integer)' in request["messages"][0]["content"]
        return chat_reply('```json\n{"Name": "Ana Lima", "age": 34, "email": null, '
                          '"invented": "x"}\n```')

    ai_server.chat = extract
    store = MemoryStore(sqlite_url(clean_env / "memory.sqlite3"))
    try:
        run = run_with_tables('''
TABLE contacts
  name AS STRING
  age AS INTEGER
  email AS STRING
END TABLE
r = SAVE FROM UNSTRUCTURED "contacts", "Hi, I am Ana Lima and I am 34."
rows = FIND "contacts"
''', clean_env / "bot", store, settings(ai_server))
    finally:
        store.close()
    record, rows = run.variables["r"], run.variables["rows"]
    assert record["name"] == "Ana Lima" and record["age"] == 34 and "invented" not in record
    assert len(rows) == 1 and rows[0]["name"] == "Ana Lima" and rows[0]["age"] == 34
    assert rows[0]["id"] == record["id"]


def test_save_from_unstructured_needs_a_known_table(ai_server, clean_env) -> None:
    store = MemoryStore(sqlite_url(clean_env / "memory.sqlite3"))
    try:
        with pytest.raises(BasicRuntimeError, match="there is no table 'nope'"):
            run_with_tables('SAVE FROM UNSTRUCTURED "nope", "text"', clean_env / "bot", store,
                            settings(ai_server))
    finally:
        store.close()


def test_polish_message_sends_text_and_style(ai_server, clean_env) -> None:
    ai_server.chat = lambda request: chat_reply("Hello, how are you?")
    run = run_dialog('m = POLISH MESSAGE "helo how r u", "formal"', clean_env / "bot",
                     settings(ai_server))
    assert run.variables["m"] == "Hello, how are you?"
    system, user = ai_server.chat_requests()[0]["messages"]
    assert "Style: formal." in system["content"] and user["content"] == "helo how r u"


def test_create_site_writes_index_html_from_the_templates(ai_server, clean_env) -> None:
    package = clean_env / "shop.gbai"
    (package / "shop.gbdialog").mkdir(parents=True)
    (package / "templates").mkdir()
    (package / "templates" / "base.html").write_text("<html><nav>MENU</nav></html>", "utf-8")
    (package / "templates" / "notes.txt").write_text("not a template", "utf-8")
    ai_server.chat = lambda request: chat_reply(
        "```html\n<html><body><h1>Summer sale</h1></body></html>\n```")
    run = run_dialog('p = CREATE SITE "summer", "templates", "A summer sale page"',
                     package / "shop.gbdialog", settings(ai_server))
    assert run.variables["p"] == "summer/index.html"
    assert (package / "summer" / "index.html").read_text("utf-8") == \
        "<html><body><h1>Summer sale</h1></body></html>"
    system, user = ai_server.chat_requests()[0]["messages"]
    assert "<nav>MENU</nav>" in system["content"] and "not a template" not in system["content"]
    assert user["content"] == "A summer sale page"
    with pytest.raises(BasicRuntimeError, match="may use only letters"):
        run_dialog('p = CREATE SITE "../x", "templates", "p"', package / "shop.gbdialog",
                   settings(ai_server))


def test_ai_keywords_without_a_model_say_how_to_configure_it(clean_env) -> None:
    bot = clean_env / "bot"
    bot.mkdir()
    (bot / "a.png").write_bytes(PNG)
    for line in ('x = POLISH MESSAGE "hi"', 'x = SEE "a.png"', 'x = OCR "a.png"'):
        with pytest.raises(BasicRuntimeError) as err:
            run_dialog(line, bot)
        assert "'llm' service, which is not configured" in err.value.message
        assert "TALKBENCH_LLM_URL" in err.value.message
    # USE MODEL only records the choice: it works before a model server is configured
    run = run_dialog('USE MODEL "x"', bot)
    assert run.session.model == "x"
