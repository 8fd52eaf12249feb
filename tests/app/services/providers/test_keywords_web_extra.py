"""GRAPHQL, SOAP, WEBSITE OF and CREATE DRAFT against real loopback servers."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from interpreter import BasicRuntimeError

from .helpers import run_dialog
from .servers import free_port

# ------------------------------------------------------------------------------ GraphQL


def test_graphql_posts_query_and_variables_and_returns_data(ai_server, clean_env) -> None:
    run = run_dialog(f'''
SET HEADER "Authorization", "Bearer t0k"
q = "query($id: ID!) {{ user(id: $id) {{ name tags }} }}"
r = GRAPHQL "{ai_server.url}/graphql", q, #{{ id: 7 }}
TALK r.user.name + " " + r.user.id
''', clean_env / "bot")
    assert run.talks == ["Ana 7"]
    assert run.variables["r"]["user"]["tags"] == ["a", "b"]
    request = next(r for r in ai_server.requests if r.path == "/graphql")
    # the engine's json!({"query": …, "variables": …}), sent compact by serde_json
    assert request.body == (b'{"query":"query($id: ID!) { user(id: $id) { name tags } }",'
                            b'"variables":{"id":7}}')
    assert request.headers["Authorization"] == "Bearer t0k"
    assert request.headers["Content-Type"] == "application/json"


def test_graphql_errors_become_runtime_errors_with_their_messages(ai_server, clean_env) -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run_dialog(f'TALK "x"\nr = GRAPHQL "{ai_server.url}/graphql", "{{ missing }}"',
                   clean_env / "bot")
    assert err.value.line == 2
    assert 'Cannot query field "missing"; Unknown type "Nope"' in err.value.message
    with pytest.raises(BasicRuntimeError, match="Syntax Error: Unexpected Name"):
        run_dialog(f'r = GRAPHQL "{ai_server.url}/graphql", "syntax error"', clean_env / "bot")
    with pytest.raises(BasicRuntimeError, match="HTTP 404"):
        run_dialog(f'r = GRAPHQL "{ai_server.url}/nothing", "{{ a }}"', clean_env / "bot")
    with pytest.raises(BasicRuntimeError, match="connection refused"):
        run_dialog(f'r = GRAPHQL "http://127.0.0.1:{free_port()}/g", "{{ a }}"', clean_env / "bot")
    with pytest.raises(BasicRuntimeError, match="variables must be a map"):
        run_dialog(f'r = GRAPHQL "{ai_server.url}/graphql", "{{ a }}", 5', clean_env / "bot")


# ------------------------------------------------------------------------------ SOAP


def test_soap_posts_an_envelope_and_returns_the_response_as_a_map(ai_server, clean_env) -> None:
    run = run_dialog(f'r = SOAP "{ai_server.url}/soap", "Add", #{{ a: 2, b: 40 }}\n'
                     f'TALK r.AddResult', clean_env / "bot")
    assert run.talks == ["42"]
    result = run.variables["r"]
    assert result["Item"] == ["1", "2"]
    assert result["Echo"] == {"Action": '"http://tempuri.org/Add"',
                              "Namespace": "http://tempuri.org/"}
    request = next(r for r in ai_server.requests if r.path == "/soap")
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert headers["soapaction"] == '"http://tempuri.org/Add"'
    assert headers["content-type"].startswith("text/xml")
    assert b"<soap:Body><Add xmlns=\"http://tempuri.org/\"><a>2</a><b>40</b></Add>" in \
        request.body


def test_soap_with_a_wsdl_finds_endpoint_action_and_namespace(ai_server, clean_env) -> None:
    run = run_dialog(f'r = SOAP "{ai_server.url}/calc.wsdl", "Multiply", #{{ a: 6, b: 7 }}',
                     clean_env / "bot")
    result = run.variables["r"]
    assert result["MultiplyResult"] == "42"
    assert result["Echo"] == {"Action": '"urn:calc#Multiply"',
                              "Namespace": "http://calc.example/ns"}
    with pytest.raises(BasicRuntimeError, match=r"no SOAP 1.1 operation 'Add' \(it has: "
                                                r"Multiply\)"):
        run_dialog(f'r = SOAP "{ai_server.url}/calc.wsdl", "Add", #{{ a: 1, b: 1 }}', clean_env / "bot")


def test_soap_fault_is_a_clear_error(ai_server, clean_env) -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run_dialog(f'r = SOAP "{ai_server.url}/soap", "Divide", #{{ a: 1, b: 0 }}', clean_env / "bot")
    assert "SOAP Divide failed: Division by zero (soap:Client)" in err.value.message
    with pytest.raises(BasicRuntimeError, match="HTTP 404"):
        run_dialog(f'r = SOAP "{ai_server.url}/none", "Add", #{{ a: 1 }}', clean_env / "bot")


def test_soap_namespace_in_the_operation_and_escaping(ai_server, clean_env) -> None:
    run = run_dialog(f'r = SOAP "{ai_server.url}/soap", "http://my.ns/Add", '
                     f'#{{ a: 1, b: 2 }}', clean_env / "bot")
    assert run.variables["r"]["Echo"]["Namespace"] == "http://my.ns/"
    with pytest.raises(BasicRuntimeError, match="cannot be an XML element name"):
        run_dialog(f'r = SOAP "{ai_server.url}/soap", "Add", #{{ "a b": 1 }}', clean_env / "bot")


# ------------------------------------------------------------------------------ search


def test_website_of_returns_the_first_hit(ai_server, clean_env) -> None:
    ai_server.search_results = [{"url": "https://pragmatismo.com.br/", "title": "Pragmatismo"},
                             {"url": "https://example.org/", "title": "Other"}]
    run = run_dialog('u = WEBSITE OF "General Bots & co"', clean_env / "bot",
                     {"TALKBENCH_SEARCH_URL": ai_server.url})
    assert run.variables["u"] == "https://pragmatismo.com.br/"
    request = next(r for r in ai_server.requests if r.path.startswith("/search"))
    assert request.path == "/search?q=General%20Bots%20%26%20co&format=json"
    ai_server.search_results = []
    run = run_dialog('u = WEBSITE OF "nothing"', clean_env / "bot",
                     {"TALKBENCH_SEARCH_URL": f"{ai_server.url}/search"})
    assert run.variables["u"] == "No results found"


def test_website_of_unconfigured_or_failing(ai_server, clean_env) -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run_dialog('u = WEBSITE OF "x"', clean_env / "bot")
    assert "WEBSITE OF needs the 'search' service, which is not configured" in \
        err.value.message
    assert "TALKBENCH_SEARCH_URL" in err.value.message and "SearXNG" in err.value.message
    with pytest.raises(BasicRuntimeError, match="answered HTTP 404"):
        run_dialog('u = WEBSITE OF "x"', clean_env / "bot",
                   {"TALKBENCH_SEARCH_URL": f"{ai_server.url}/nosuch?q={{query}}"})


# ------------------------------------------------------------------------------ drafts


def test_create_draft_saves_an_eml_in_the_bot_package(clean_env) -> None:
    bot = clean_env / "bot"
    run = run_dialog('p = CREATE DRAFT "ana@example.com; bo@example.com", "Your order", '
                     '"Hello Ana,\nit ships today."', bot,
                     {"TALKBENCH_SMTP_FROM": "shop@example.com"})
    path = run.variables["p"]
    assert path.startswith("drafts/") and path.endswith("-your-order.eml")
    message = message_from_bytes((bot / path).read_bytes(), policy=policy.default)
    assert message["To"] == "ana@example.com, bo@example.com"
    assert message["From"] == "shop@example.com"
    assert message["Subject"] == "Your order" and message["X-Unsent"] == "1"
    assert message.get_content() == "Hello Ana,\nit ships today.\n"
    again = run_dialog('p = CREATE DRAFT "ana@example.com", "Your order", "x"', bot)
    assert again.variables["p"] != path
    assert message_from_bytes((bot / again.variables["p"]).read_bytes())["From"] is None
    with pytest.raises(BasicRuntimeError, match="is not an e-mail address"):
        run_dialog('p = CREATE DRAFT "nobody", "s", "b"', bot)


NEW_KEYWORDS = ["GRAPHQL", "SOAP", "WEBSITE OF", "CREATE DRAFT", "USE MODEL",
                "SET MODEL ROUTING", "IMAGE", "AUDIO", "VIDEO", "SEE", "OCR",
                "SAVE FROM UNSTRUCTURED", "POLISH MESSAGE", "CREATE SITE"]


@pytest.mark.parametrize("phrase", NEW_KEYWORDS)
def test_keyword_is_registered_documented_and_parses_as_a_value(phrase: str) -> None:
    from interpreter.keywords.registry import KEYWORDS
    from interpreter.syntax import nodes as n
    from interpreter.syntax.parser.core import parse
    from interpreter.tooling.keyword_help import help_for

    assert phrase in KEYWORDS
    entry = help_for(phrase.replace(" ", "_"))
    assert entry is not None and entry.summary.strip() and entry.example.strip()
    if phrase in ("USE MODEL", "SET MODEL ROUTING"):  # statements, no value
        program, errors = parse(f'{phrase} "a"', "t.bas")
        assert not errors and program.body[0].phrase == phrase
        return
    program, errors = parse(f'x = {phrase} "a", "b"', "t.bas")
    assert not errors
    assert isinstance(program.body[0].value, n.KeywordExpr)
    assert program.body[0].value.phrase == phrase
