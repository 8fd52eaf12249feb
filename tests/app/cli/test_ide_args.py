"""The IDE's command lines read before the full parser loads (app.cli.ide_args): each form
read there gives what the full parser gives, and every other form is left to it."""

from __future__ import annotations

import pytest

from app.cli.commands import build_parser
from app.cli.ide_args import IdeArgs, ide_launch_args

READ_HERE = [
    [],
    ["open"],
    ["open", "a.bas"],
    ["open", "a.bas", "dir/b.bas", "./c.bas"],
    ["open", "--db", "sqlite:///x.db", "a.bas"],
    ["open", "a.bas", "--db", "postgresql://u:p@h:5432/d"],
    ["open", "a.bas", "b.bas", "--bot=shop"],
    ["open", "--db=x.db", "--bot", "shop"],
    ["open", "--db=x", "--db", "y"],
    ["open", "--db=", "a.bas"],
    ["open", "folder.gbai/"],
]

LEFT_TO_THE_PARSER = [
    ["--help"],
    ["open", "-h"],
    ["open", "--help"],
    ["open", "--d", "x"],  # an abbreviation argparse accepts
    ["open", "--db"],  # missing value: the parser's message
    ["open", "--db", "--bot", "x"],
    ["open", "a.bas", "--db", "x", "b.bas"],  # the parser refuses files after an option
    ["open", "--", "-odd.bas"],
    ["open", "--colour"],
    ["run", "a.bas"],
    ["check", "a.bas"],
    ["a.bas"],
    ["--version", "open"],
]


@pytest.mark.parametrize("argv", READ_HERE, ids=" ".join)
def test_a_form_read_here_is_what_the_parser_reads(argv):
    fast = ide_launch_args(argv)
    assert fast is not None
    parsed = build_parser().parse_args(argv)
    assert parsed.command in (None, "open")
    assert fast == IdeArgs(tuple(str(f) for f in getattr(parsed, "files", [])),
                           getattr(parsed, "db", None), getattr(parsed, "bot", "default"))


@pytest.mark.parametrize("argv", LEFT_TO_THE_PARSER, ids=" ".join)
def test_other_forms_go_to_the_full_parser(argv):
    assert ide_launch_args(argv) is None


def test_without_arguments_it_reads_sys_argv(monkeypatch):
    monkeypatch.setattr("sys.argv", ["talkbench", "open", "x.bas"])
    assert ide_launch_args(None) == IdeArgs(("x.bas",))
