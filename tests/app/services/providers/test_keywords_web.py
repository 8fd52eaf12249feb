"""HTTP keywords against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError
from interpreter.events import Printed

from .helpers import run_dialog
from .servers import free_port


def test_get_parses_json_into_maps_and_lists(http_server, clean_env) -> None:
    run = run_dialog(f'''
data = GET "{http_server.url}/json"
TALK data.name + " " + data.items[1] + " " + LEN(data.items)
IF data.nested.ok THEN TALK "nested"
''', clean_env / "bot")
    assert run.talks == ["Talkbench 2.5 3", "nested"]
    assert run.variables["data"]["items"] == [1, 2.5, "three"]


def test_get_into_and_plain_text(http_server, clean_env) -> None:
    run = run_dialog(f'GET "{http_server.url}/text" INTO page\nTALK page', clean_env / "bot")
    assert run.talks == ["plain text, ünïcode"]


def test_post_put_patch_send_json_and_session_headers(http_server, clean_env) -> None:
    run = run_dialog(f'''
url = "{http_server.url}/echo"
SET HEADER "Authorization", "Bearer " + "s3cret"
SET HEADER "X-Trace", "1"
SET HEADER "x-trace", "2"
order = #{{ product: "coffee", qty: 2 }}
r1 = POST url, order
r2 = PUT url, [1, 2]
r3 = PATCH url, "just text"
CLEAR HEADERS
r4 = DELETE HTTP url
''', clean_env / "bot")
    r1, r2, r3, r4 = (run.variables[k] for k in ("r1", "r2", "r3", "r4"))
    assert (r1["method"], r1["body"]) == ("POST", {"product": "coffee", "qty": 2})
    assert r1["headers"]["Authorization"] == "Bearer s3cret"
    assert r1["headers"]["Content-Type"] == "application/json"
    trace = [v for k, v in r1["headers"].items() if k.lower() == "x-trace"]
    assert trace == ["2"]  # header names are case-insensitive: the last SET HEADER wins
    assert (r2["method"], r2["body"]) == ("PUT", [1, 2])
    assert (r3["method"], r3["body"]) == ("PATCH", "just text")  # a JSON string: see below
    assert r3["headers"]["Content-Type"] == "application/json"
    assert r4["method"] == "DELETE" and "Authorization" not in r4["headers"]
    assert run.session.http_headers == {}


def test_headers_persist_in_the_session_across_runs(http_server, clean_env) -> None:
    first = run_dialog('SET HEADER "X-Api-Key", "k1"', clean_env / "bot")
    assert first.session.http_headers == {"X-Api-Key": "k1"}
    second = run_dialog(f'r = GET "{http_server.url}/echo"', clean_env / "bot",
                        session=first.session)
    assert second.variables["r"]["headers"]["X-Api-Key"] == "k1"


def test_post_sends_json_as_the_engine_writes_it(http_server, clean_env) -> None:
    # http_operations.rs: reqwest's .json() of dynamic_to_json, so serde_json's compact text
    # with the map's keys sorted, floats as ryu writes them and () as null
    run_dialog(f'''
order = #{{ qty: 2, product: "café", price: 2.5, whole: 1.0, tiny: 0.00001, big: 1e21 }}
order.tags = ["a\\u0001", ()]
r = POST "{http_server.url}/echo", order
''', clean_env / "bot")
    body = next(r.body for r in http_server.requests if r.method == "POST")
    assert body.decode() == ('{"big":1e21,"price":2.5,"product":"café","qty":2,'
                             '"tags":["a\\u0001",null],"tiny":0.00001,"whole":1.0}')


def test_values_other_than_maps_go_as_the_json_the_engine_sends(http_server,
                                                                clean_env) -> None:
    # dynamic_to_json makes text a JSON string and () null, and reqwest's .json() sends it
    # as application/json unless the dialog's SET HEADER names another type (the body stays
    # JSON then too).
    run = run_dialog(f'''
url = "{http_server.url}/echo"
r = POST url, "just text"
r = PUT url, 'say "hi"' + CHR(10) + "é"
r = PATCH url, 42
r = POST url, 2.5
r = PUT url, ()
r = PATCH url, "[not json"
SET HEADER "Content-Type", "text/plain"
r = POST url, "plain"
''', clean_env / "bot")
    sent = [(r.method, r.body.decode(), r.headers["Content-Type"]) for r in http_server.requests]
    json_type = "application/json"
    assert sent == [("POST", '"just text"', json_type),
                    ("PUT", '"say \\"hi\\"\\né"', json_type),
                    ("PATCH", "42", json_type), ("POST", "2.5", json_type),
                    ("PUT", "null", json_type), ("PATCH", '"[not json"', json_type),
                    ("POST", '"plain"', "text/plain")]
    assert not [e for e in run.events if isinstance(e, Printed)]


def test_text_holding_json_goes_as_written_with_what_the_engine_sends(http_server,
                                                                       clean_env) -> None:
    # keyword-put.md and keyword-patch.md send a "JSON string" (json_body = '{"name": …}');
    # the engine's .json() of it is one JSON string, the documented meaning is the JSON.
    run = run_dialog(f'''
url = "{http_server.url}/echo"
body = '{{"name": "Updated", "n": 2}}'
r = PUT url, body
r = POST url, #{{ name: "Updated" }}
r = PATCH url, " [1, 2]"
''', clean_env / "bot")
    assert [r.body for r in http_server.requests] == [
        b'{"name": "Updated", "n": 2}', b'{"name":"Updated"}', b" [1, 2]"]
    warnings = [(e.line, e.text) for e in run.events if isinstance(e, Printed)]
    assert [line for line, _ in warnings] == [4, 6]
    assert warnings[0][1].startswith("PUT sends this text as the JSON it holds")
    assert 'General Bots sends it as one JSON string instead: "{\\"name\\": \\"Updated\\", ' \
           '\\"n\\": 2}"' in warnings[0][1]
    assert '" [1, 2]"' in warnings[1][1]


def test_the_json_text_warning_is_said_once_for_a_line_in_a_loop(http_server,
                                                                  clean_env) -> None:
    run = run_dialog(f'''
i = 0
WHILE i < 3
  r = POST "{http_server.url}/echo", '{{"n": ' + i + '}}'
  i = i + 1
WEND
''', clean_env / "bot")
    assert [r.body for r in http_server.requests] == [b'{"n": 0}', b'{"n": 1}', b'{"n": 2}']
    assert [e.line for e in run.events if isinstance(e, Printed)] == [4]


def test_error_status_names_url_status_and_body(http_server, clean_env) -> None:
    url = f"{http_server.url}/status/404"
    with pytest.raises(BasicRuntimeError) as err:
        run_dialog(f'TALK "before"\nx = GET "{url}"', clean_env / "bot")
    assert err.value.line == 2
    assert f"GET {url} failed: HTTP 404" in err.value.message
    assert "status 404 body" in err.value.message


def test_connection_refused_is_a_clear_error(clean_env) -> None:
    url = f"http://127.0.0.1:{free_port()}/x"
    with pytest.raises(BasicRuntimeError) as err:
        run_dialog(f'x = POST "{url}", "a"', clean_env / "bot")
    assert url in err.value.message and "connection refused" in err.value.message


def test_timeout_from_settings(http_server, clean_env) -> None:
    url = f"{http_server.url}/slow/2"
    with pytest.raises(BasicRuntimeError) as err:
        run_dialog(f'x = GET "{url}"', clean_env / "bot", {"TALKBENCH_HTTP_TIMEOUT": "0.3"})
    assert f"GET {url} timed out after 0.3 s" in err.value.message


def test_get_reads_session_variables_and_package_files(clean_env) -> None:
    package = clean_env / "shop.gbai"
    (package / "shop.gbkb" / "news").mkdir(parents=True)
    (package / "shop.gbkb" / "news" / "today.txt").write_text("Fresh bread", "utf-8")
    (package / "shop.gbdialog").mkdir()
    (package / "shop.gbdialog" / "prices.json").write_text('{"bread": 2.5}', "utf-8")
    run = run_dialog('''
SET SESSION "color", "blue"
c = GET "session.color"
news = GET "shop.gbkb/news/today.txt"
prices = GET "prices.json"
TALK c + ": " + news + " " + prices.bread
''', package / "shop.gbdialog")
    assert run.talks == ["blue: Fresh bread 2.5"]


@pytest.mark.parametrize("path", ["../secret.txt", "/etc/passwd", "~/x", "a/*.txt"])
def test_get_refuses_paths_outside_the_package(clean_env, path: str) -> None:
    (clean_env / "secret.txt").write_text("no", "utf-8")
    with pytest.raises(BasicRuntimeError, match="is not allowed"):
        run_dialog(f'x = GET "{path}"', clean_env / "bot")


def test_missing_file_and_bad_header(clean_env) -> None:
    with pytest.raises(BasicRuntimeError, match="no file 'nope.txt'"):
        run_dialog('x = GET "nope.txt"', clean_env / "bot")
    with pytest.raises(BasicRuntimeError, match="not a valid header name"):
        run_dialog('SET HEADER "Bad Name", "v"', clean_env / "bot")
