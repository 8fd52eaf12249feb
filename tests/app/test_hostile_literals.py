"""Issue 18: a 5,000-digit integer literal, a 400-digit decimal and a fullwidth letter in a
SUB name are clean errors at their line in ``check``, ``run`` and a DAP session (which must
answer, not hang). General Bots reads such numbers as infinity and rejects non-ASCII names
(Rhai without unicode-xid-ident: "Unexpected 'Ｆ'")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .dap.support import ROOT, TIMEOUT
from .dap.support import db_url as _db
from .dap.test_dap import dialogs, stdio_adapter  # noqa: F401  (fixtures)

CASES = {
    "int5000": ("x = " + "9" * 5000 + "\nTALK x\n", 1, "number too large (5000 digits"),
    "float400": ('TALK "a"\ny = ' + "9" * 400 + ".5\n", 2, "number too large (400 digits"),
    "fullwidth": ("SUB \uff26oo()\n  TALK 1\nEND SUB\n\uff26oo()\n", 1,
                  "SUB name '\uff26oo' has the non-ASCII character '\uff26' (U+FF26)"),
}


def talkbench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL, check=False)


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_and_run_report_the_line_without_a_traceback(case: str, tmp_path: Path) -> None:
    source, line, message = CASES[case]
    path = tmp_path / f"{case}.bas"
    path.write_text(source, encoding="utf-8")
    for command in ("check", "run"):
        out = talkbench(command, str(path))
        text = out.stdout + out.stderr
        assert out.returncode != 0 and "Traceback" not in text, text[-2000:]
        assert f"{path}:{line}:" in text and message in text, text[-2000:]


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_dap_session_answers_with_the_error(case: str, stdio_adapter, dialogs,  # noqa: F811
                                              tmp_path: Path) -> None:
    client, proc = stdio_adapter
    source, line, message = CASES[case]
    program = dialogs(f"{case}.bas", source)
    client.request("initialize", {"adapterID": "talkbench"})
    failed = client.request("launch", {"program": str(program), "db": _db(tmp_path)},
                            success=False)
    assert "syntax" in failed["message"]
    error = client.wait_event("output")
    assert error["category"] == "stderr" and error["line"] == line
    assert message in error["output"]
    assert client.wait_event("exited") == {"exitCode": 2}
    client.wait_event("terminated")
    client.request("disconnect", {})
    assert proc.wait(timeout=TIMEOUT) == 0


def test_numbers_up_to_a_floats_range_still_read() -> None:
    from interpreter.syntax.lexer import tokenize

    tokens, diagnostics = tokenize("x = " + "9" * 308 + "\ny = 1." + "5" * 500, "n.bas")
    assert diagnostics == []
    assert tokens[2].value == float("9" * 308)  # beyond i64: a float, as Rhai reads it
