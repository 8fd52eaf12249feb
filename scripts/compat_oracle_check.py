"""Re-check the General Bots compatibility rules against the engine-oracle (not a test).

The project's tests pin each rule without the oracle (tests/interpreter/compat). This tool
runs the same cases through ``../shared/engine-oracle/run`` (the engine's own converter and
Rhai) and reports any case where Talkbench's claim and the engine disagree: a rule that says
"fails to compile" / "cannot compile" must meet a compile error (exit 2), any other rule a
script that compiles, and every quiet case a clean run (exit 0). Dialogs saved in another
encoding go through as bytes: a "reads dialogs as UTF-8" warning must meet a file the engine
cannot read (exit 64, as ``read_to_string`` refuses it), a BOM warning a compile error.
The botbook probes (tests/interpreter/compat/test_botbook_probes.py) must print the lines
recorded there, and stop with the recorded error where one is.

    .venv/bin/python scripts/compat_oracle_check.py [ORACLE]
"""

from __future__ import annotations

import codecs
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.files.atomic_file import decode
from interpreter import check_source
from tests.interpreter.checking.test_compile_failure_lines import FAILING_LINES
from tests.interpreter.compat.test_botbook_probes import PROBES
from tests.interpreter.compat.test_conditions import REFUSED_SIDES
from tests.interpreter.compat.test_converter_rules import BEYOND_ORACLE, FIRES, QUIET
from tests.interpreter.compat.test_loop_jumps import END_GOES_ON, INSIDE_LOOPS, OUTSIDE_LOOPS

DEFAULT_ORACLE = ROOT.parent / "shared" / "engine-oracle" / "run"  # ../shared beside the clone
COMPILE_ERROR = 2
UNREADABLE = 64  # the oracle's exit when its std::fs::read_to_string refuses the file
# One dialog per once-per-file build note (interpreter/compat/build_notes.py).
NOTED = {
    "HEAR": "HEAR name\nTALK name\n",
    "FOR EACH": "FOR EACH item IN [1, 2]\n  TALK item\nNEXT item\n",
    "FOR … TO": "FOR i = 1 TO 2\n  TALK i\nNEXT i\n",
    "DO … LOOP": "j = 0\nDO WHILE j < 2\n  j = j + 1\nLOOP\nTALK j\n",
    "SUB or FUNCTION": "FUNCTION dbl(n)\n  RETURN n * 2\nEND FUNCTION\nTALK dbl(2)\n",
    "GOTO or labels": 'TALK "a"\nGOTO done\nTALK "b"\ndone:\nTALK "c"\n',
}


# Files as saved (interpreter/compat/file_encoding.py), with the quiet case of plain UTF-8.
ENCODED = {
    "Windows-1252": 'x = 1\nTALK "Olá"\n'.encode("cp1252"),
    "UTF-16": codecs.BOM_UTF16_LE + 'TALK "hi"\n'.encode("utf-16-le"),
    "UTF-8 BOM": codecs.BOM_UTF8 + 'TALK "Olá"\n'.encode(),
    "UTF-8": 'TALK "Olá"\n'.encode(),
}


def oracle_run(oracle: Path, source: str | bytes) -> subprocess.CompletedProcess[bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        dialog = Path(tmp) / "case.bas"
        dialog.write_bytes(source.encode() if isinstance(source, str) else source)
        return subprocess.run([str(oracle), str(dialog)], capture_output=True, check=False,
                              stdin=subprocess.DEVNULL, timeout=60)


def oracle_exit(oracle: Path, source: str | bytes) -> int:
    return oracle_run(oracle, source).returncode


def probe_agrees(oracle: Path, source: str, lines: list[str], stop: str | None) -> bool:
    """The oracle prints ``lines`` and ends cleanly, or stops with ``stop`` after them."""
    done = oracle_run(oracle, source)
    if done.stdout.decode().splitlines() != lines:
        return False
    if stop is None:
        return done.returncode == 0
    # Rhai gives most errors a position; an arithmetic overflow has none
    said = done.stderr.decode()
    return done.returncode == 1 and (f"RUNTIME_ERROR: {stop} (" in said
                                     or f"RUNTIME_ERROR: {stop}\n" in said)


def claims_compile_error(source: str) -> bool:
    return any("compile" in d.message for d in check_source(source, "case.bas"))


# Dialogs Talkbench cannot parse (tests/interpreter/compat/test_unparsed.py): the Rhai the
# converter makes must show what the warnings next to the parse error say.
UNPARSED = [
    ('REMAINING = 3\nON CHANGE "k"\n  TALK "changed"\nEND ON\nTALK "IF you say TRUE"\n',
     "drops this line", "REMAINING", False),
    ('REMAINING = 3\nON CHANGE "k"\n  TALK "changed"\nEND ON\nTALK "IF you say TRUE"\n',
     '"if you say true"', 'TALK "if you say true"', True),
]


def oracle_ast(oracle: Path, source: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        dialog = Path(tmp) / "case.bas"
        dialog.write_text(source, encoding="utf-8")
        return subprocess.run([str(oracle), "--ast", str(dialog)], capture_output=True,
                              text=True, check=False, stdin=subprocess.DEVNULL,
                              timeout=60).stdout


def claimed_exit(data: bytes) -> int:
    """The oracle's exit Talkbench's warnings on the file ``data`` predict."""
    text, saved = decode(data)
    messages = [d.message for d in check_source(text, "case.bas", saved=saved)]
    if any("reads dialogs as UTF-8" in m for m in messages):
        return UNREADABLE
    return COMPILE_ERROR if any("compile" in m for m in messages) else 0


def main(argv: list[str]) -> int:
    oracle = Path(argv[1]) if len(argv) > 1 else DEFAULT_ORACLE
    if not oracle.exists():
        print(f"no engine-oracle at {oracle}", file=sys.stderr)
        return 64
    disagreements = 0
    cases = [(rule.name, source, claims_compile_error(source)) for rule, source, *_ in FIRES
             if rule not in BEYOND_ORACLE]
    cases += [(name, source, claims_compile_error(source)) for name, source in NOTED.items()]
    cases += [("quiet", source, False) for source in QUIET]
    cases += [("fails alone", source, claims_compile_error(source)) for source in FAILING_LINES]
    cases += [("condition side", source, claims_compile_error(source))
              for source, *_ in REFUSED_SIDES]
    cases += [("loop jump", source, claims_compile_error(source)) for source, _ in OUTSIDE_LOOPS]
    cases += [("quiet", source, False) for source in [*INSIDE_LOOPS, *END_GOES_ON]]
    for name, source, compile_claim in cases:
        code = oracle_exit(oracle, source)
        agrees = (code == COMPILE_ERROR) == compile_claim
        if name == "quiet":
            agrees = code == 0
        disagreements += not agrees
        print(f"{'ok  ' if agrees else 'DIFF'} {name:16} oracle exit {code}: {source!r:.70}")
    for name, data in ENCODED.items():
        code, claim = oracle_exit(oracle, data), claimed_exit(data)
        disagreements += code != claim
        print(f"{'ok  ' if code == claim else 'DIFF'} {name:16} oracle exit {code}, "
              f"warnings say {claim}: {data!r:.50}")
    for source, claim, text, kept in UNPARSED:
        warned = any(claim in d.message for d in check_source(source, "case.bas"))
        agrees = warned and (text in oracle_ast(oracle, source)) == kept
        disagreements += not agrees
        print(f"{'ok  ' if agrees else 'DIFF'} unparsed         {claim!r}: {source!r:.50}")
    for name, source, lines, stop in PROBES:
        agrees = probe_agrees(oracle, source, lines, stop)
        disagreements += not agrees
        print(f"{'ok  ' if agrees else 'DIFF'} probe {name:22} {source!r:.50}")
    total = len(cases) + len(ENCODED) + len(UNPARSED) + len(PROBES)
    print(f"{total - disagreements} of {total} cases agree with the engine")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
