"""LLM against a local OpenAI-compatible /v1/chat/completions server; tools and KB context."""

from __future__ import annotations

import json

import pytest

from interpreter import BasicRuntimeError

from .helpers import run_dialog
from .servers import chat_reply, free_port


def llm_settings(server, **extra) -> dict:
    return {"TALKBENCH_LLM_URL": f"{server.url}/v1", "TALKBENCH_LLM_MODEL": "local-model",
            **extra}


def test_llm_returns_the_completion(http_server, clean_env) -> None:
    run = run_dialog('answer = LLM "Say hi to " + "Ana"\nTALK answer', clean_env / "bot",
                     llm_settings(http_server))
    assert run.talks == ["echo: Say hi to Ana"]
    request = http_server.chat_requests()[0]
    assert request["model"] == "local-model"
    assert request["messages"] == [{"role": "user", "content": "Say hi to Ana"}]
    assert "tools" not in request


def test_system_prompt_and_contexts_become_the_system_message(http_server, clean_env) -> None:
    run_dialog('''
BEGIN SYSTEM PROMPT
You are a helpful baker.
END SYSTEM PROMPT
SET CONTEXT "Opening hours are 9 to 5."
SET CONTEXT "shop" AS "The shop is in Lisbon."
x = LLM "When do you open?"
''', clean_env / "bot", llm_settings(http_server))
    system = http_server.chat_requests()[0]["messages"][0]
    assert system["role"] == "system"
    assert "You are a helpful baker." in system["content"]
    assert "Opening hours are 9 to 5." in system["content"]
    assert "Context shop: The shop is in Lisbon." in system["content"]


def test_key_is_sent_and_a_refusal_is_reported(http_server, clean_env) -> None:
    http_server.required_key = "sk-local"
    ok = run_dialog('x = LLM "ping"', clean_env / "bot",
                    llm_settings(http_server, TALKBENCH_LLM_KEY="sk-local"))
    assert ok.variables["x"] == "echo: ping"
    with pytest.raises(BasicRuntimeError) as err:
        run_dialog('x = LLM "ping"', clean_env / "bot",
                   llm_settings(http_server, TALKBENCH_LLM_KEY="wrong"))
    assert "HTTP 401" in err.value.message and "Incorrect API key" in err.value.message


def test_thinking_tags_are_stripped(http_server, clean_env) -> None:
    http_server.chat = lambda request: chat_reply("<think>hmm, let me see</think>\n42")
    run = run_dialog('x = LLM "answer?"', clean_env / "bot", llm_settings(http_server))
    assert run.variables["x"] == "42"


def test_unconfigured_llm_says_which_variables_to_set(clean_env) -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run_dialog('TALK "hi"\nx = LLM "ping"', clean_env / "bot")
    message = err.value.message
    assert err.value.line == 2
    assert "LLM needs the 'llm' service, which is not configured" in message
    for variable in ("TALKBENCH_LLM_URL", "TALKBENCH_LLM_MODEL", "TALKBENCH_LLM_KEY",
                     "OPENAI_API_KEY", "llm-url"):
        assert variable in message


def test_bot_config_csv_configures_the_model(http_server, clean_env) -> None:
    package = clean_env / "shop.gbai"
    (package / "shop.gbot").mkdir(parents=True)
    (package / "shop.gbot" / "config.csv").write_text(
        f"name,value\nllm-url,{http_server.url}/v1\nllm-model,from-config\n", "utf-8")
    run = run_dialog('x = LLM "hello"', package / "shop.gbdialog")
    assert run.variables["x"] == "echo: hello"
    assert http_server.chat_requests()[0]["model"] == "from-config"


def test_unreachable_llm_server(clean_env) -> None:
    settings = {"TALKBENCH_LLM_URL": f"http://127.0.0.1:{free_port()}/v1",
                "TALKBENCH_LLM_MODEL": "m"}
    with pytest.raises(BasicRuntimeError, match="connection refused"):
        run_dialog('x = LLM "ping"', clean_env / "bot", settings)


ORDER_TOOL = '''PARAM product AS STRING LIKE "coffee" DESCRIPTION "The product to order"
PARAM quantity AS INTEGER DESCRIPTION "How many units"
DESCRIPTION "Places an order"
TALK "Ordering " + quantity + " x " + product
RETURN #{ status: "placed", total: quantity * 2 }
'''


def test_llm_calls_an_active_tool_and_gets_its_result(http_server, clean_env) -> None:
    bot = clean_env / "bot"
    bot.mkdir()
    (bot / "order.bas").write_text(ORDER_TOOL, "utf-8")

    def script(request: dict) -> dict:
        last = request["messages"][-1]
        if last["role"] == "tool":
            return chat_reply("Done: " + last["content"])
        return chat_reply("", [{"id": "call_7", "type": "function", "function": {
            "name": "order", "arguments": json.dumps({"product": "tea", "quantity": 3})}}])

    http_server.chat = script
    run = run_dialog('''
USE TOOL "order.bas"
answer = LLM "Order three teas"
TALK answer
''', bot, llm_settings(http_server))
    assert run.talks == ["Ordering 3 x tea", 'Done: {"status": "placed", "total": 6}']
    first, second = http_server.chat_requests()
    function = first["tools"][0]["function"]
    assert function["name"] == "order" and function["description"] == "Places an order"
    assert function["parameters"]["properties"]["quantity"]["type"] == "integer"
    assert "coffee" in function["parameters"]["properties"]["product"]["description"]
    assert function["parameters"]["required"] == ["product", "quantity"]
    assert second["messages"][-2]["tool_calls"][0]["id"] == "call_7"
    assert second["messages"][-1]["tool_call_id"] == "call_7"
    assert run.session.tools == ["order"]


def test_a_failing_tool_fails_the_llm_call(http_server, clean_env) -> None:
    bot = clean_env / "bot"
    bot.mkdir()
    (bot / "broken.bas").write_text('DESCRIPTION "Breaks"\nx = 1 / 0\n', "utf-8")
    http_server.chat = lambda request: chat_reply("", [{"id": "c", "type": "function",
                                                        "function": {"name": "broken",
                                                                     "arguments": "{}"}}])
    with pytest.raises(BasicRuntimeError) as err:
        run_dialog('ADD TOOL "broken"\nx = LLM "go"', bot, llm_settings(http_server))
    assert "tool broken failed" in err.value.message and "Division by zero" in err.value.message
    assert err.value.line == 2


def test_ai_helpers_use_the_model(http_server, clean_env) -> None:
    def script(request: dict) -> dict:
        instruction = request["messages"][0]["content"]
        if "sentiment" in instruction:
            return chat_reply("Negative.")
        if "categories" in instruction:
            return chat_reply("billing")
        if "Translate" in instruction:
            return chat_reply("Olá mundo")
        return chat_reply("A short summary.")

    http_server.chat = script
    run = run_dialog('''
s = SUMMARIZE "A very long text about bread."
t = TRANSLATE "Hello world", "pt"
m = SENTIMENT "This is awful"
c = CLASSIFY "I was charged twice", ["Billing", "Shipping"]
''', clean_env / "bot", llm_settings(http_server))
    assert [run.variables[k] for k in "stmc"] == ["A short summary.", "Olá mundo", "negative",
                                                  "Billing"]
    translate = http_server.chat_requests()[1]["messages"]
    assert "'pt'" in translate[0]["content"] and translate[1]["content"] == "Hello world"
    assert "Billing, Shipping" in http_server.chat_requests()[3]["messages"][0]["content"]
