#!/usr/bin/env python3
"""Write docs/engine-registry.tsv: every keyword the General Bots engine registers.

Reads the engine's keyword crates (``botserver/crates/botbasic_*``) at a commit of a git
mirror of generalbots/generalbots and lists each ``register_custom_syntax`` (its leading
words, up to the first ``$…$`` slot) and each ``register_fn`` name, with the file that
registers it. ``app.cli.keyword_status`` and its test read the list, so docs/keyword-status.md
cannot drift from the engine. Run again when moving to a newer engine:

    scripts/engine_registry.py /work/.mirror/generalbots+generalbots/repo f59afde5
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "docs" / "engine-registry.tsv"
_SYNTAX = re.compile(r"register_custom_syntax(?:_with_state_raw)?\s*\(\s*&?\[([^\]]*)\]", re.DOTALL)
_FN = re.compile(r"register_fn\s*\(\s*\"([^\"]*)\"")
_COMMENT = re.compile(r"//[^\n]*")


def registrations(text: str) -> list[tuple[str, str]]:
    """(kind, name) of each registration in one Rust file."""
    code = _COMMENT.sub("", text)
    found: list[tuple[str, str]] = []
    for m in _SYNTAX.finditer(code):
        words = []
        for part in re.findall(r'"([^"]*)"', m.group(1)):
            if part.startswith("$"):
                break
            words.append(part)
        found.append(("syntax", " ".join(words)))
    found.extend(("fn", name) for name in _FN.findall(code))
    return found


def main(mirror: str, commit: str) -> int:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", mirror, *args], check=True, capture_output=True,
                              text=True).stdout

    files = [f for f in git("ls-tree", "-r", "--name-only", commit, "botserver/crates/")
             .splitlines() if "/botbasic_" in f and f.endswith(".rs")]
    rows = set()
    for path in files:
        for kind, name in registrations(git("show", f"{commit}:{path}")):
            if name and not name.startswith("__"):  # __switch_match*: the converter's own
                rows.add((kind, name, path.removeprefix("botserver/crates/")))
    header = (f"# engine keyword registrations of generalbots/generalbots {commit} "
              f"(scripts/engine_registry.py)")
    lines = [header, "kind\tname\tfile"]
    lines += ["\t".join(r) for r in sorted(rows, key=lambda r: (r[1].upper(), r[0], r[2]))]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} registrations -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
