"""The DAP server driven as an editor drives it: a real ``python -m app dap`` process over
pipes and over a TCP port, plus unit tests of the Content-Length framing."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from textwrap import dedent

import pytest

from app.dap.framing import FrameDecoder, FramingError, encode
from tests.app.dap import support
from tests.app.dap.support import TIMEOUT, DapClient, connect
from tests.app.dap.support import db_url as _db
from tests.app.dap.support import start as _start
from tests.app.dap.support import stored as _memory

GREETER = dedent("""\
    count = 0
    HEAR name
    TALK "Hello " + name
    FOR i = 1 TO 3
      count = Add(count, i)
    NEXT i
    SET BOT MEMORY "visits", STR(count)
    tags = ["a", "b"]
    SET BOT MEMORY "last", name
    PRINT "done " + count
    TALK "bye " + name

    FUNCTION Add(a, b)
      s = a + b
      Add = s
    END FUNCTION
    """)

FAILING = dedent("""\
    HEAR age AS INTEGER
    TALK "age " + age
    CALL Boom(age)
    TALK "unreachable"

    SUB Boom(n)
      z = n * 2
      r = 10 / (n - n)
    END SUB
    """)

FOREVER = dedent("""\
    n = 0
    DO WHILE n >= 0
      n = n + 1
    LOOP
    """)


@pytest.fixture
def stdio_adapter() -> Iterator[tuple[DapClient, subprocess.Popen[bytes]]]:
    with support.stdio_adapter() as adapter:
        yield adapter


@pytest.fixture
def tcp_adapter() -> Iterator[support.TcpAdapter]:
    with support.tcp_adapter() as adapter:
        yield adapter


@pytest.fixture
def dialogs(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, source: str) -> Path:
        path = tmp_path / name
        path.write_text(source, encoding="utf-8")
        return path
    return write



# ---------------------------------------------------------------- full sessions


def test_full_session_over_stdio(stdio_adapter, dialogs, tmp_path: Path) -> None:
    client, proc = stdio_adapter
    program = dialogs("greeter.bas", GREETER)
    db = _db(tmp_path)
    caps = _start(client, {"program": str(program), "db": db, "stopOnEntry": True,
                           "inputs": ["Ann"]})
    assert caps["supportsDataBreakpoints"] and caps["supportsSetVariable"]
    assert caps["supportsConditionalBreakpoints"] and caps["supportsLogPoints"]
    assert [f["filter"] for f in caps["exceptionBreakpointFilters"]] == ["runtime"]

    bps = client.request("setBreakpoints", {
        "source": {"path": str(program)},
        "breakpoints": [{"line": 14, "condition": "a = 1"},
                        {"line": 5, "logMessage": "i={i} count={count}"}]})["breakpoints"]
    assert [(b["verified"], b["line"]) for b in bps] == [(True, 14), (True, 5)]
    client.request("setExceptionBreakpoints", {"filters": ["runtime"]})
    client.request("configurationDone")
    assert client.request("threads")["threads"] == [{"id": 1, "name": "dialog"}]

    client.stopped("entry")
    assert client.frames()[0]["line"] == 1
    assert client.frames()[0]["source"]["path"] == str(program)
    scopes = client.scopes()
    # the dialog frame's locals are globals; Session shows what keywords changed
    assert list(scopes) == ["Globals", "Bot memory", "Session"]
    session = client.variables(scopes["Session"])
    assert session["user"]["value"] == '""' and session["session id"]["value"]
    info = client.request("dataBreakpointInfo", {"variablesReference": scopes["Bot memory"],
                                                  "name": "visits"})
    assert info["dataId"] == "memory:visits" and info["accessTypes"] == ["write"]
    refused = client.request("dataBreakpointInfo", {"variablesReference": scopes["Globals"],
                                                     "name": "count"})
    assert refused["dataId"] is None
    data = client.request("setDataBreakpoints", {"breakpoints": [{"dataId": info["dataId"]}]})
    assert data["breakpoints"][0]["verified"]

    assert client.step("next") == 2  # HEAR name, answered from "inputs"
    assert client.step("next") == 3
    client.request("continue", {"threadId": 1})
    # The condition a = 1 holds on the second call: Add(1, 2).
    stop = client.stopped("breakpoint")
    assert stop["hitBreakpointIds"] == [bps[0]["id"]]
    assert client.outputs("stdout") == ["Hello Ann\n"]
    # The console has the converter's warnings first (sent at launch), then the logpoints.
    console = client.outputs("console")
    warnings = [o for o in console if ": warning: General Bots" in o]
    # (HEAR, FOR … TO or others, and SUB/FUNCTION: each noted once)
    assert len(warnings) == 3 and console[:3] == warnings
    assert console[3:5] == ["i=1 count=0\n", "i=2 count=1\n"]
    frames = client.frames()
    assert [(f["name"], f["line"]) for f in frames] == [("Add", 14), ("(dialog)", 5)]
    scopes = client.scopes(frames[0]["id"])
    assert list(scopes) == ["Locals", "Globals", "Bot memory", "Session"]
    local = client.variables(scopes["Locals"])
    assert (local["a"]["value"], local["b"]["value"]) == ("1", "2")
    assert local["a"]["type"] == "integer"
    assert client.variables(scopes["Globals"])["name"]["value"] == '"Ann"'
    assert client.evaluate("a + b * 10") == "21"
    assert client.evaluate("count", frame_id=frames[1]["id"]) == "1"
    bad = client.request("evaluate", {"expression": "a +", "frameId": 1}, success=False)
    assert bad["message"]

    changed = client.request("setVariable", {"variablesReference": scopes["Locals"],
                                             "name": "b", "value": "10"})
    assert changed["value"] == "10"
    assert client.step("stepOut") == 4  # back in the dialog: the FOR takes its next step
    assert [f["name"] for f in client.frames()] == ["(dialog)"]
    assert client.evaluate("count") == "11"  # Add(1, 10): the edit was used
    assert client.step("stepIn") == 5
    assert client.step("stepIn") == 14
    assert client.frames()[0]["name"] == "Add"
    assert client.step("next") == 15
    assert client.evaluate("s") == "14"

    client.request("continue", {"threadId": 1})
    stop = client.stopped("data breakpoint")
    assert "visits" in stop["description"] and stop["hitBreakpointIds"] == [1]
    assert client.line() == 7
    memory_ref = client.scopes()["Bot memory"]
    assert client.variables(memory_ref)["visits"]["value"] == '"14"'
    edit = client.request("setVariable", {"variablesReference": memory_ref,
                                          "name": "greeting", "value": '"hi there"'})
    assert edit["value"] == '"hi there"'
    assert client.variables(memory_ref)["greeting"]["value"] == '"hi there"'

    assert client.step("next") == 8
    assert client.step("next") == 9
    tags = client.variables(client.scopes()["Globals"])["tags"]
    assert tags["variablesReference"] > 0 and tags["type"] == "array"
    items = client.variables(tags["variablesReference"])
    assert [(k, v["value"]) for k, v in items.items()] == [("[0]", '"a"'), ("[1]", '"b"')]
    assert client.evaluate(items["[1]"]["evaluateName"]) == '"b"'

    client.request("continue", {"threadId": 1})
    assert client.wait_event("exited") == {"exitCode": 0}
    client.wait_event("terminated")
    assert client.outputs("stdout") == ["Hello Ann\n", "bye Ann\n"]
    done = [e["body"] for e in client.events if e["event"] == "output"
            and e["body"]["output"] == "done 14\n"]
    assert done and done[0]["category"] == "console" and done[0]["line"] == 10
    client.request("disconnect", {})
    assert proc.wait(timeout=TIMEOUT) == 0  # no stray process
    assert _memory(db, "visits") == "14"
    assert _memory(db, "greeting") == "hi there"
    assert _memory(db, "last") == "Ann"


def test_hear_reply_from_repl_and_stop_on_runtime_error(stdio_adapter, dialogs,
                                                         tmp_path: Path) -> None:
    client, proc = stdio_adapter
    program = dialogs("failing.bas", FAILING)
    _start(client, {"program": str(program), "db": _db(tmp_path)})
    client.request("setExceptionBreakpoints", {"filters": ["runtime"]})
    client.request("configurationDone")

    client.wait_event("output", where=lambda b: "HEAR age" in b["output"])
    refused = client.request("evaluate", {"expression": "1 + 1", "context": "watch"},
                             success=False)
    assert "not stopped" in refused["message"] or "stopped" in refused["message"]
    reply = client.request("evaluate", {"expression": "42", "context": "repl"})
    assert "HEAR age" in reply["result"]

    stop = client.stopped("exception")
    assert f"{program}:8:10: error: Division by zero" in stop["text"]  # at the '/'
    assert client.outputs("stdout") == ["age 42\n"]
    [error] = [e["body"] for e in client.events
               if e["event"] == "output" and e["body"]["category"] == "stderr"]
    assert error["line"] == 8 and error["source"]["path"] == str(program)
    assert "Division by zero" in error["output"]
    frames = client.frames()
    assert [(f["name"], f["line"]) for f in frames] == [("Boom", 8), ("(dialog)", 3)]
    local = client.variables(client.scopes(frames[0]["id"])["Locals"])
    assert (local["n"]["value"], local["z"]["value"]) == ("42", "84")
    assert client.evaluate("z + 1") == "85"
    info = client.request("exceptionInfo", {"threadId": 1})
    assert "Division by zero" in info["description"]
    assert f"{program}:8:10: error: Division by zero" in info["details"]["message"]  # the '/'
    assert ":8:10:" in error["output"]

    client.request("continue", {"threadId": 1})
    assert client.wait_event("exited") == {"exitCode": 1}
    client.wait_event("terminated")
    client.request("disconnect", {})
    assert proc.wait(timeout=TIMEOUT) == 0


def test_syntax_error_exits_with_code_2(stdio_adapter, dialogs, tmp_path: Path) -> None:
    client, proc = stdio_adapter
    program = dialogs("broken.bas", 'TALK "a"\nx = (1 +\n')
    client.request("initialize", {"adapterID": "talkbench"})
    failed = client.request("launch", {"program": str(program), "db": _db(tmp_path)},
                            success=False)
    assert "syntax" in failed["message"]
    error = client.wait_event("output")
    assert error["category"] == "stderr" and error["line"] == 2
    assert client.wait_event("exited") == {"exitCode": 2}
    client.wait_event("terminated")
    client.request("disconnect", {})
    assert proc.wait(timeout=TIMEOUT) == 0


def test_client_vanishing_while_paused_ends_the_adapter(stdio_adapter, dialogs,
                                                         tmp_path: Path) -> None:
    client, proc = stdio_adapter
    _start(client, {"program": str(dialogs("g.bas", GREETER)), "db": _db(tmp_path),
                    "stopOnEntry": True})
    client.request("configurationDone")
    client.stopped("entry")
    proc.stdin.close()  # the editor crashed: EOF with the dialog paused
    assert proc.wait(timeout=TIMEOUT) == 0


def test_disconnect_while_hear_waits(stdio_adapter, dialogs, tmp_path: Path) -> None:
    client, proc = stdio_adapter
    _start(client, {"program": str(dialogs("g.bas", GREETER)), "db": _db(tmp_path)})
    client.request("configurationDone")
    client.wait_event("output", where=lambda b: "HEAR name" in b["output"])
    client.request("pause", {"threadId": 1})  # takes effect after the reply
    client.request("evaluate", {"expression": "Bo", "context": "repl"})
    client.stopped("pause")
    assert client.line() == 3 and client.evaluate("name") == '"Bo"'
    client.request("disconnect", {"terminateDebuggee": True})
    assert proc.wait(timeout=TIMEOUT) == 0


# ---------------------------------------------------------------- TCP


def test_session_over_tcp_hit_count_pause_restart_terminate(tcp_adapter, dialogs,
                                                            tmp_path: Path) -> None:
    port, proc, token = tcp_adapter.port, tcp_adapter.proc, tcp_adapter.token
    program = dialogs("forever.bas", FOREVER)
    client, sock = connect(port)
    _start(client, {"program": str(program), "db": _db(tmp_path), "token": token})
    client.request("setBreakpoints", {"source": {"path": str(program)},
                                      "breakpoints": [{"line": 3, "hitCondition": "5"}]})
    client.request("configurationDone")
    client.stopped("breakpoint")
    assert client.evaluate("n") == "4"  # the fifth time line 3 is reached

    second, sock_b = connect(port)  # one client at a time: the second is told why
    busy = second.request("initialize", {"adapterID": "talkbench"}, success=False)
    assert "busy" in busy["message"]
    sock_b.close()

    client.request("setBreakpoints", {"source": {"path": str(program)}, "breakpoints": []})
    client.request("continue", {"threadId": 1})
    time.sleep(0.05)
    client.request("pause", {"threadId": 1})
    client.stopped("pause")
    assert int(client.evaluate("n")) > 4

    client.request("setBreakpoints", {"source": {"path": str(program)},
                                      "breakpoints": [{"line": 3, "hitCondition": ">= 2"}]})
    client.request("restart", {})
    client.stopped("breakpoint")
    assert client.evaluate("n") == "1"  # a fresh run, hit counts from zero

    client.request("terminate", {})
    assert client.wait_event("exited") == {"exitCode": 143}  # as `talkbench run` on SIGTERM
    client.wait_event("terminated")
    client.request("disconnect", {})
    sock.close()

    # The port serves the next client once the first has gone.
    again, sock2 = connect(port)
    _start(again, {"program": str(dialogs("hi.bas", 'TALK "hi"\n')), "db": _db(tmp_path),
                   "token": token})
    again.request("configurationDone")
    assert again.wait_event("exited") == {"exitCode": 0}
    assert again.outputs("stdout") == ["hi\n"]
    again.request("disconnect", {})
    sock2.close()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=TIMEOUT) == 0


# ---------------------------------------------------------------- framing


def test_encode_counts_bytes_not_characters() -> None:
    frame = encode({"text": "héllo ✓"})
    header, body = frame.split(b"\r\n\r\n", 1)
    assert header == b"Content-Length: %d" % len(body)
    assert json.loads(body) == {"text": "héllo ✓"}
    assert len(body) > len('{"text":"héllo ✓"}')


def test_decoder_handles_any_split_and_several_frames_per_chunk() -> None:
    messages = [{"seq": i, "type": "event", "event": "output", "body": {"output": "ü" * i}}
                for i in range(1, 4)]
    stream = b"".join(encode(m) for m in messages)
    decoder = FrameDecoder()
    got = [m for byte in stream for m in decoder.feed(bytes([byte]))]
    assert got == messages and not decoder.pending
    assert FrameDecoder().feed(stream) == messages
    half = FrameDecoder()
    assert half.feed(stream[:10]) == [] and half.pending


def test_decoder_ignores_other_header_fields() -> None:
    body = b'{"seq":1}'
    frame = b"Content-Type: application/vscode-jsonrpc\r\ncontent-length: %d\r\n\r\n" % len(
        body) + body
    assert FrameDecoder().feed(frame) == [{"seq": 1}]


@pytest.mark.parametrize("stream", [
    b"Content-Type: x\r\n\r\n{}",  # no length
    b"Content-Length: two\r\n\r\n{}",
    b"Content-Length: 3\r\n\r\n{x}",  # not JSON
    b"Content-Length: 2\r\n\r\n[]",  # not an object
    b"garbage\r\n\r\n",
    b"x" * 9000,  # a header that never ends
])
def test_decoder_rejects_malformed_streams(stream: bytes) -> None:
    with pytest.raises(FramingError):
        FrameDecoder().feed(stream)


# ---------------------------------------------------------------- memory values


def test_memory_values_expand_json_and_edits_unquote() -> None:
    from app.dap.variables import Handles, memory_text, memory_value, value_variable

    handles = Handles()
    assert value_variable("k", memory_value("plain"), handles)["value"] == '"plain"'
    listed = value_variable("k", memory_value('[1, {"a": "x"}]'), handles)
    assert listed["type"] == "array" and listed["indexedVariables"] == 2
    assert memory_value("[not json") == "[not json"
    assert memory_text('"a \\"quoted\\" word"') == 'a "quoted" word'
    assert memory_text("as typed") == "as typed"
    assert memory_text("42") == "42"


# ---------------------------------------------------------------- converter warnings

ONE_LINE_IF = 'x = 1\nIF x = 1 THEN TALK "a" ELSE TALK "b"\nTALK "done"\n'


def test_launch_sends_the_general_bots_converter_warnings(stdio_adapter, dialogs,
                                                         tmp_path: Path) -> None:
    """What ``talkbench check`` and the IDE warn about the General Bots converter (here: it
    keeps only the condition of a one-line IF, interpreter/compat/converter_rules.py) reaches
    the client's console when the launch starts, at its line, before the run."""
    client, proc = stdio_adapter
    program = dialogs("oneline.bas", ONE_LINE_IF)
    _start(client, {"program": str(program), "db": _db(tmp_path)})
    notes = [e["body"] for e in client.events
             if e["event"] == "output" and e["body"]["category"] == "console"]
    assert len(notes) == 1
    note = notes[0]
    assert "General Bots" in note["output"] and "warning" in note["output"]
    assert note["line"] == 2 and note["source"]["path"] == str(program)
    assert [e["event"] for e in client.events].index("initialized") > client.events.index(
        next(e for e in client.events if e["event"] == "output"))
    client.request("configurationDone")
    client.wait_event("output", where=lambda b: b["output"] == "done\n")
    assert client.wait_event("exited") == {"exitCode": 0}
    client.request("disconnect", {})
    assert proc.wait(timeout=TIMEOUT) == 0


@pytest.mark.parametrize(("data", "where", "words"), [
    ("TALK \"Olá\"\n".encode("cp1252"), (1, 9), "saved as Windows-1252: byte 0xE1"),
    (b"\xef\xbb\xbfTALK \"hi\"\n", (1, 1), "byte-order mark (BOM)"),
])
def test_launch_warns_that_production_cannot_read_the_file_as_saved(
        stdio_adapter, tmp_path: Path, data: bytes, where: tuple[int, int], words: str) -> None:
    """The launch reads the dialog's bytes as the IDE and the language server do
    (interpreter/compat/file_encoding.py): a Windows-1252 or BOM file runs here, and the
    console says why General Bots would not run it, at the byte that stops it."""
    client, proc = stdio_adapter
    program = tmp_path / "saved.bas"
    program.write_bytes(data)
    _start(client, {"program": str(program), "db": _db(tmp_path)})
    notes = [e["body"] for e in client.events
             if e["event"] == "output" and e["body"]["category"] == "console"]
    assert [(b["line"], b["column"]) for b in notes] == [where]
    assert words in notes[0]["output"] and ": warning: General Bots" in notes[0]["output"]
    assert notes[0]["source"]["path"] == str(program)
    client.request("configurationDone")
    assert client.wait_event("exited") == {"exitCode": 0}
    client.request("disconnect", {})
    assert proc.wait(timeout=TIMEOUT) == 0


def test_a_restart_after_the_file_is_saved_as_utf8_is_quiet(stdio_adapter,
                                                            tmp_path: Path) -> None:
    client, proc = stdio_adapter
    program = tmp_path / "saved.bas"
    program.write_bytes(b"\xef\xbb\xbfTALK \"hi\"\n")
    _start(client, {"program": str(program), "db": _db(tmp_path), "stopOnEntry": True})
    client.request("configurationDone")
    client.stopped("entry")
    assert len(client.outputs("console")) == 1
    program.write_bytes(b"TALK \"hi\"\n")
    client.request("restart", {})
    client.stopped("entry")
    client.request("continue", {"threadId": 1})
    assert client.wait_event("exited") == {"exitCode": 0}
    assert len(client.outputs("console")) == 1
    client.request("disconnect", {})
    assert proc.wait(timeout=TIMEOUT) == 0
