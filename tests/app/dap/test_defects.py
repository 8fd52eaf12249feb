"""Defects a real DAP client (VS Code's DebugClient) found in ``talkbench dap`` (issue 23),
each driven through a real adapter process over stdio."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent

import pytest

from tests.app.dap import support
from tests.app.dap.support import DapClient, db_url, start

Adapter = tuple[DapClient, subprocess.Popen[bytes]]


@pytest.fixture
def adapter() -> Iterator[Adapter]:
    with support.stdio_adapter() as running:
        yield running


def _write(path: Path, source: str) -> Path:
    path.write_text(dedent(source), encoding="utf-8")
    return path


def _launch_to_line(client: DapClient, program: Path, db: str, line: int,
                    **launch: object) -> None:
    """Launch and run to a breakpoint on ``line``."""
    start(client, {"program": str(program), "db": db, **launch})
    client.request("setBreakpoints", {"source": {"path": str(program)},
                                      "breakpoints": [{"line": line}]})
    client.request("configurationDone")
    client.stopped("breakpoint")


def _globals(client: DapClient) -> dict[str, dict]:
    return client.variables(client.scopes()["Globals"])


def _finish(client: DapClient, proc: subprocess.Popen[bytes]) -> None:
    client.request("disconnect", {"terminateDebuggee": True})
    assert proc.wait(timeout=support.TIMEOUT) == 0


# ---------------------------------------------------------------- 1. GET BOT MEMORY


def test_evaluate_get_bot_memory_in_every_context(adapter, tmp_path: Path) -> None:
    client, proc = adapter
    program = _write(tmp_path / "mem.bas", """\
        SET BOT MEMORY "k", "stored text"
        TALK "x"
        """)
    _launch_to_line(client, program, db_url(tmp_path), 2)
    for context in ("hover", "watch", "repl"):
        assert client.evaluate('GET_BOT_MEMORY("k")', context=context) == '"stored text"'
    assert client.evaluate('GET BOT MEMORY("missing")') == '""'
    _finish(client, proc)


# ---------------------------------------------------------------- 2. paging, depth


def test_big_lists_page_with_start_and_count_and_deep_nesting_expands(adapter,
                                                                     tmp_path: Path) -> None:
    client, proc = adapter
    items = ", ".join(str(i) for i in range(300))
    program = _write(tmp_path / "big.bas", f"""\
        big = [{items}]
        deep = [[[[[["bottom"]]]]]]
        empty = []
        TALK "x"
        """)
    _launch_to_line(client, program, db_url(tmp_path), 4)
    found = _globals(client)
    big = found["big"]
    assert big["indexedVariables"] == 300
    page = client.request("variables", {"variablesReference": big["variablesReference"],
                                        "filter": "indexed", "start": 250, "count": 10})
    assert [(v["name"], v["value"]) for v in page["variables"]] == \
        [(f"[{i}]", str(i)) for i in range(250, 260)]
    assert client.evaluate(page["variables"][0]["evaluateName"]) == "250"
    named = client.request("variables", {"variablesReference": big["variablesReference"],
                                         "filter": "named"})
    assert named["variables"] == []  # a list has no named children
    assert len(client.variables(big["variablesReference"])) == 300

    level, depth = found["deep"], 0
    while level["variablesReference"]:
        assert level["indexedVariables"] == 1
        (level,) = client.variables(level["variablesReference"]).values()
        depth += 1
    assert depth == 6 and level["value"] == '"bottom"'
    assert found["empty"]["variablesReference"] == 0  # no arrow that opens to nothing
    _finish(client, proc)


# ---------------------------------------------------------------- 3. bot memory scope


def test_bot_memory_scope_counts_and_pages_beyond_a_thousand_keys(adapter,
                                                                  tmp_path: Path) -> None:
    from app.memory.store import MemoryStore

    db = db_url(tmp_path)
    with MemoryStore(db) as store:
        for i in range(1200):
            store.set("default", f"key{i:04d}", f"value {i}")
    client, proc = adapter
    program = _write(tmp_path / "m.bas", 'TALK "x"\nTALK "y"\n')
    _launch_to_line(client, program, db, 2)
    [scope] = [s for s in client.request("scopes", {"frameId": 1})["scopes"]
               if s["name"] == "Bot memory"]
    assert scope["indexedVariables"] == 1200 and "namedVariables" not in scope
    ref = scope["variablesReference"]
    page = client.request("variables", {"variablesReference": ref, "filter": "indexed",
                                        "start": 1150, "count": 100})["variables"]
    assert [v["name"] for v in page] == [f"key{i:04d}" for i in range(1150, 1200)]
    assert page[0]["value"] == '"value 1150"'
    assert len(client.variables(ref)) == 1200  # no count: all of them
    _finish(client, proc)


# ---------------------------------------------------------------- 4. client paths


def test_paths_stay_as_the_client_spelled_them(adapter, tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    _write(real / "d.bas", 'x = 1\nTALK "x"\n')
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    program = tmp_path / "link" / "d.bas"
    client, proc = adapter
    start(client, {"program": str(program), "db": db_url(tmp_path)})
    bps = client.request("setBreakpoints", {"source": {"path": str(program)},
                                            "breakpoints": [{"line": 2}]})["breakpoints"]
    assert bps[0]["verified"] and bps[0]["source"]["path"] == str(program)
    client.request("configurationDone")
    client.stopped("breakpoint")
    assert client.frames()[0]["source"]["path"] == str(program)
    # The same file under its real path is the same dialog.
    again = client.request("setBreakpoints", {"source": {"path": str(real / "d.bas")},
                                              "breakpoints": [{"line": 1}]})
    assert again["breakpoints"][0]["verified"]
    _finish(client, proc)


# ---------------------------------------------------------------- 5. HEAR validation


def test_hear_validation_message_reaches_the_client(adapter, tmp_path: Path) -> None:
    client, proc = adapter
    program = _write(tmp_path / "age.bas", 'HEAR age AS INTEGER\nTALK age\n')
    start(client, {"program": str(program), "db": db_url(tmp_path), "inputs": ["abc"]})
    client.request("configurationDone")
    client.wait_event("output", where=lambda b: "HEAR age" in b["output"])
    hint = [e["body"] for e in client.events if e["event"] == "output"
            and e["body"]["category"] == "stdout"]
    assert hint and hint[0]["output"] == "Please enter a whole number.\n"
    assert hint[0]["line"] == 1
    client.request("evaluate", {"expression": "42", "context": "repl"})
    assert client.wait_event("exited") == {"exitCode": 0}
    assert client.outputs("stdout")[-1] == "42\n"
    _finish(client, proc)


# ---------------------------------------------------------------- 6. block closers


def test_breakpoints_on_next_and_end_function_belong_to_their_block(adapter,
                                                                    tmp_path: Path) -> None:
    client, proc = adapter
    program = _write(tmp_path / "loop.bas", """\
        total = 0
        FOR i = 1 TO 3
          total = Add(total, i)
        NEXT i
        TALK "done"

        FUNCTION Add(a, b)
          Add = a + b
        END FUNCTION
        """)
    start(client, {"program": str(program), "db": db_url(tmp_path)})
    bps = client.request("setBreakpoints", {"source": {"path": str(program)},
                                            "breakpoints": [{"line": 4}, {"line": 9}]})
    assert [(b["verified"], b["line"], b.get("message")) for b in bps["breakpoints"]] == \
        [(True, 4, None), (True, 9, None)]
    client.request("configurationDone")
    seen = []
    for _ in range(6):
        client.stopped("breakpoint")
        frame = client.frames()[0]
        seen.append((frame["name"], frame["line"], client.evaluate("total")))
        client.request("continue", {"threadId": 1})
    assert seen == [("Add", 9, "0"), ("(dialog)", 4, "1"), ("Add", 9, "1"),
                    ("(dialog)", 4, "3"), ("Add", 9, "3"), ("(dialog)", 4, "6")]
    assert client.wait_event("exited") == {"exitCode": 0}
    _finish(client, proc)


# ---------------------------------------------------------------- 7. 0-based columns


def _syntax_error(client: DapClient, tmp_path: Path, first: bool) -> dict:
    program = _write(tmp_path / "broken.bas", 'TALK "a"\nx = (1 +\n')
    client.request("initialize", {"adapterID": "talkbench", "linesStartAt1": first,
                                  "columnsStartAt1": first})
    client.request("launch", {"program": str(program), "db": db_url(tmp_path)},
                   success=False)
    return client.wait_event("output")


def test_zero_based_lines_and_columns_everywhere(tmp_path: Path) -> None:
    with support.stdio_adapter() as (one, proc):
        based1 = _syntax_error(one, tmp_path, True)
        one.request("disconnect", {})
    with support.stdio_adapter() as (zero, proc):
        based0 = _syntax_error(zero, tmp_path, False)
        zero.request("disconnect", {})
    assert (based0["line"], based0["column"]) == (based1["line"] - 1, based1["column"] - 1)
    with support.stdio_adapter() as (client, proc):
        program = _write(tmp_path / "ok.bas", 'x = 1\nTALK "x"\n')
        start(client, {"program": str(program), "db": db_url(tmp_path), "stopOnEntry": True},
              {"adapterID": "talkbench", "linesStartAt1": False, "columnsStartAt1": False})
        client.request("configurationDone")
        client.stopped("entry")
        frame = client.frames()[0]
        assert (frame["line"], frame["column"]) == (0, 0)
        _finish(client, proc)


# ---------------------------------------------------------------- 8. protocol details


def test_exception_filters_answer_one_entry_per_filter_sent(adapter, tmp_path: Path) -> None:
    client, proc = adapter
    program = _write(tmp_path / "f.bas", 'x = 1\nTALK "x"\n')
    caps = start(client, {"program": str(program), "db": db_url(tmp_path)})
    assert caps["supportsExceptionFilterOptions"]
    answer = client.request("setExceptionBreakpoints", {
        "filters": ["runtime", "uncaught"],
        "filterOptions": [{"filterId": "runtime"}, {"filterId": "other"},
                          {"filterId": "runtime", "condition": "x > 1"}]})["breakpoints"]
    assert [b["verified"] for b in answer] == [True, False, True, False, False]
    assert "uncaught" in answer[1]["message"] and "condition" in answer[4]["message"]
    assert client.request("setExceptionBreakpoints", {"filters": []}) == {"breakpoints": []}
    _finish(client, proc)


def test_variables_filter_data_access_types_and_argument_errors(adapter,
                                                                tmp_path: Path) -> None:
    client, proc = adapter
    program = _write(tmp_path / "v.bas", 'x = 1\nSET BOT MEMORY "k", "v"\nTALK "x"\n')
    _launch_to_line(client, program, db_url(tmp_path), 3)
    scopes = client.scopes()
    named = client.request("variables", {"variablesReference": scopes["Globals"],
                                         "filter": "named"})["variables"]
    assert [v["name"] for v in named] == ["x"]
    assert client.request("variables", {"variablesReference": scopes["Globals"],
                                        "filter": "indexed"})["variables"] == []

    info = client.request("dataBreakpointInfo", {"variablesReference": scopes["Bot memory"],
                                                 "name": "k"})
    assert info["accessTypes"] == ["write"]
    result = client.request("setDataBreakpoints", {"breakpoints": [
        {"dataId": info["dataId"], "accessType": "read"},
        {"dataId": info["dataId"], "accessType": "readWrite"},
        {"dataId": info["dataId"], "accessType": "write"}]})["breakpoints"]
    assert [b["verified"] for b in result] == [False, False, True]
    assert "read" in result[0]["message"]

    bad = {
        "setBreakpoints": {"source": {"path": str(program)}, "breakpoints": [{"line": "x"}]},
        "variables": {"variablesReference": "seven"},
        "evaluate": {"frameId": 1},
        "stackTrace": {"threadId": 1, "levels": -2},
        "scopes": {"frameId": [1]},
    }
    expected = {"setBreakpoints": "'line' must be an integer",
                "variables": "'variablesReference' must be an integer",
                "evaluate": "'expression' is required",
                "stackTrace": "'levels' must be at least 0",
                "scopes": "'frameId' must be an integer"}
    for command, arguments in bad.items():
        failed = client.request(command, arguments, success=False)
        assert failed["message"].startswith(expected[command]), failed
    seq = client.send("threads")
    client._write(support.encode({"seq": 99, "type": "request", "command": "next",
                                  "arguments": [1]}))
    assert client.response(seq)["success"]
    failed = client.response(99)
    assert not failed["success"] and "must be an object" in failed["message"]
    _finish(client, proc)


def test_terminated_is_sent_once_and_restart_after_the_end_is_refused(adapter,
                                                                     tmp_path: Path) -> None:
    client, proc = adapter
    program = _write(tmp_path / "t.bas", 'TALK "hi"\n')
    start(client, {"program": str(program), "db": db_url(tmp_path)})
    client.request("configurationDone")
    client.wait_event("terminated")
    client.request("terminate", {})
    refused = client.request("restart", {}, success=False)
    assert "ended" in refused["message"]
    client.request("terminate", {})
    client.request("disconnect", {})
    assert proc.wait(timeout=support.TIMEOUT) == 0
    assert [e["event"] for e in client.events].count("terminated") == 1


# ---------------------------------------------------------------- 9. pause during WAIT


def test_pause_interrupts_a_wait(adapter, tmp_path: Path) -> None:
    client, proc = adapter
    program = _write(tmp_path / "w.bas", 'TALK "before"\nWAIT 60\nTALK "after"\n')
    start(client, {"program": str(program), "db": db_url(tmp_path)})
    client.request("configurationDone")
    client.wait_event("output", where=lambda b: b["output"] == "before\n")
    client.request("pause", {"threadId": 1})
    client.stopped("pause")  # long before the 60 s are over
    assert client.line() == 2
    client.request("terminate", {})
    assert client.wait_event("exited") == {"exitCode": 143}
    _finish(client, proc)
