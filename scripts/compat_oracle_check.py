"""Re-check the General Bots compatibility rules against the engine-oracle (not a test).

The project's tests pin each rule without the oracle (tests/interpreter/compat). This tool
runs the same cases through ``../shared/engine-oracle/run`` (the engine's own converter and
Rhai) and reports any case where Talkbench's claim and the engine disagree: a rule that says
"fails to compile" / "cannot compile" must meet a compile error (exit 2), any other rule a
script that compiles, and every quiet case a clean run (exit 0).

    .venv/bin/python scripts/compat_oracle_check.py [ORACLE]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interpreter import check_source
from tests.interpreter.compat.test_converter_rules import BEYOND_ORACLE, FIRES, QUIET

DEFAULT_ORACLE = ROOT.parent / "shared" / "engine-oracle" / "run"  # ../shared beside the clone
COMPILE_ERROR = 2
# One dialog per once-per-file build note (interpreter/compat/build_notes.py).
NOTED = {
    "HEAR": "HEAR name\nTALK name\n",
    "FOR EACH": "FOR EACH item IN [1, 2]\n  TALK item\nNEXT item\n",
    "FOR … TO": "FOR i = 1 TO 2\n  TALK i\nNEXT i\n",
    "DO … LOOP": "j = 0\nDO WHILE j < 2\n  j = j + 1\nLOOP\nTALK j\n",
    "SUB or FUNCTION": "FUNCTION dbl(n)\n  RETURN n * 2\nEND FUNCTION\nTALK dbl(2)\n",
}


def oracle_exit(oracle: Path, source: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        dialog = Path(tmp) / "case.bas"
        dialog.write_text(source, encoding="utf-8")
        return subprocess.run([str(oracle), str(dialog)], capture_output=True, check=False,
                              stdin=subprocess.DEVNULL, timeout=60).returncode


def claims_compile_error(source: str) -> bool:
    return any("compile" in d.message for d in check_source(source, "case.bas"))


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
    for name, source, compile_claim in cases:
        code = oracle_exit(oracle, source)
        agrees = (code == COMPILE_ERROR) == compile_claim
        if name == "quiet":
            agrees = code == 0
        disagreements += not agrees
        print(f"{'ok  ' if agrees else 'DIFF'} {name:16} oracle exit {code}: {source!r:.70}")
    print(f"{len(cases) - disagreements} of {len(cases)} cases agree with the engine")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
