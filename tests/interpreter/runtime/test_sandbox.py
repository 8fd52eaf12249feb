"""Hostile scripts: no way into Python, no memory exhaustion, no endless run.

Each case must end in a clean BasicRuntimeError (or diagnostic) at the right line, quickly,
never a Python exception or traceback.
"""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from interpreter import BasicRuntimeError, BasicSyntaxError, Runtime, check_source, load_source
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from tests.stalls import StallMeter

from ..helpers import run, talks

# How Rhai's "Function not found" names a text argument (rhai src/func/call.rs)
TEXT = "&str | ImmutableString | String"

ROOT = Path(__file__).resolve().parents[3]


def fails(source: str, **options) -> BasicRuntimeError:
    """Run ``source`` and return the BASIC error it must stop with."""
    with pytest.raises(BasicRuntimeError) as info:
        run(source, **options)
    err = info.value
    assert err.file == "test.bas" and err.line >= 1 and err.col >= 1
    assert "internal error" not in err.message, err.format()
    return err


# ---------------------------------------------------------------- no way into Python

PYTHON_NAMES = ["__import__", "__class__", "__builtins__", "__dict__", "__main__", "eval",
                "exec", "open", "globals", "locals", "getattr", "compile", "type", "object",
                "os", "sys", "R", "G", "L", "_add", "_mem", "_meth", "_b_len", "_setv"]


@pytest.mark.parametrize("name", PYTHON_NAMES)
def test_python_names_are_variables_never_assigned(name: str) -> None:
    # as any name the dialog never assigns: Rhai's "Variable not found", nothing of Python
    err = fails(f'TALK "[" + {name} + "]"')
    assert f"Variable not found: {name} " in err.message and err.line == 1


@pytest.mark.parametrize("name", ["__import__", "eval", "exec", "open", "globals", "getattr",
                                  "compile", "vars", "dir"])
def test_python_functions_are_unknown(name: str) -> None:
    source = f'x = {name}("os")\nTALK x'
    err = fails(source)
    assert err.message == (f"unknown function '{name}' (General Bots: Function not found: "
                           f"{name} (&str | ImmutableString | String))") and err.line == 1
    assert any(f"unknown function '{name}'" in d.message for d in check_source(source))


def test_exec_as_a_statement_is_an_unknown_sub() -> None:
    # With an argument it is a statement General Bots cannot parse: an error before running.
    with pytest.raises(BasicSyntaxError) as info:
        run('TALK "a"\nexec "import os"')
    [error] = info.value.diagnostics
    assert error.message == "unknown SUB or keyword 'exec'" and error.line == 2


@pytest.mark.parametrize("expr", ['#{a: 1}.__len__', 'NOW().__class__', "x?.__dict__",
                                  '"a"?.__class__'])
def test_attribute_chains_give_nothing(expr: str) -> None:
    out = talks(f'x = [1]\nTALK "[" + {expr} + "]"')
    assert out == ["[]"]


@pytest.mark.parametrize("expr", [
    '"a".__class__', '"a".__class__.__mro__', "[].append", "[1, 2].__dict__", '"a".format',
    "x.__dict__", "(1).__class__", '"a".__class__.__bases__', "(2.5).real", "(x[0] = 1).x",
])
def test_python_attributes_of_text_numbers_and_arrays_are_errors(expr: str) -> None:
    # General Bots (Rhai) fails too: "Unknown property … a getter is not registered".
    err = fails(f'x = [1]\nTALK "[" + {expr} + "]"')
    assert err.line == 2 and err.message.startswith("Unknown property '")


@pytest.mark.parametrize("source, message", [
    ('TALK "a".__class__.__bases__[0].__subclasses__()', "Unknown property '__class__'"),
    ("TALK [1, 2].__len__()", "Function not found: __len__ (array)"),
    # Python's str.casefold is no function there; "a".upper() is the engine's UPPER.
    ('TALK "a".casefold()', f"Function not found: casefold ({TEXT})"),
    ('TALK "a".__class__.mro()', "Unknown property '__class__'"),
    ("x = 5\nx.__class__ = 1", "cannot set field '__class__'"),
])
def test_python_methods_cannot_be_called(source: str, message: str) -> None:
    assert message in fails(source).message


def test_a_map_key_named_like_a_dunder_is_just_data() -> None:
    assert talks('x = {"__class__": 5}\nx.__init__ = 6\nTALK x.__class__ + x.__init__') \
        == ["11"]


# ---------------------------------------------------------------- sizes are capped

@pytest.mark.parametrize("source, message", [
    ("TALK 2 ** 10 ** 9", "Exponential overflow"),
    ("TALK 9 ** 9 ** 9", "Exponential overflow"),
    ("x = 3\nFOR i = 1 TO 100\n  x = x * x\nNEXT", "Multiplication overflow"),
    ("x = 3\nFOR i = 1 TO 100\n  x = x + x\nNEXT", "Addition overflow"),
    ('x = "a" * 10 ** 12', f"Function not found: * ({TEXT}, i64)"),
    ('x = REPEAT("a", 10 ** 12)', "would exceed"),
    ("x = SPACE(10 ** 12)", "would exceed"),
    ('s = REPEAT("a", 9000000)\nx = REPLACE(s, "a", "aa")', "would exceed"),
    ('s = REPEAT("a", 8000000)\ns = s + s\nx = SPLIT(s, "")', "would exceed"),
    ("x = RANGE(1, 10 ** 12)", "would exceed"),
    ('s = "ab"\nFOR i = 1 TO 100\n  s = s + s\nNEXT', "string too long"),
    ('s = "ab"\nFOR i = 1 TO 100\n  s = "${s}${s}"\nNEXT', "string too long"),
    ("l = [1, 2]\nFOR i = 1 TO 100\n  l = l + l\nNEXT", "list too long"),
    ("x = []\nx[10 ** 9] = 1", "out of bounds"),
    ('s = REPEAT("a", 9000000)\nl = []\nFOR i = 0 TO 100\n  l = l + [s]\nNEXT\nTALK l',
     "would be too long"),
    ('s = REPEAT("a", 9000000)\nl = []\nFOR i = 0 TO 100\n  l = l + [s]\nNEXT\nx = JOIN(l, ",")',
     "would exceed"),
])
def test_huge_values_stop_with_a_clear_error(source: str, message: str) -> None:
    took = StallMeter()  # wall time less what a busy machine withheld from this thread
    err = fails(source)
    took.mark()
    assert message in err.message, err.format()
    lines = source.splitlines()
    assert err.line == len(lines) - (1 if lines[-1] == "NEXT" else 0)
    assert took.gaps[0].stall < 5, took.gaps[0]


CAPPED_SCRIPTS = {
    "strings.bas": ('s = "ab"\nFOR i = 1 TO 100\n  s = s + s\nNEXT\n', "string too long"),
    "lists.bas": ("l = [1, 2]\nFOR i = 1 TO 100\n  l = l + l\nNEXT\n", "list too long"),
    "index.bas": ("x = []\nx[10 ** 9] = 1\n", "out of bounds"),
    "repeat.bas": ('x = REPEAT("a", 10 ** 12)\n', "would exceed"),
    "square.bas": ("x = 3\nFOR i = 1 TO 100\n  x = x * x\nNEXT\n", "Multiplication overflow"),
    "interpolation.bas": ('s = "ab"\nFOR i = 1 TO 100\n  s = "${s}${s}"\nNEXT\n', "string too long"),
    "shared.bas": (('s = REPEAT("a", 9000000)\nl = []\nFOR i = 0 TO 1000\n  l = l + [s]\nNEXT\n'
                    'SET BOT MEMORY "k", "" + l\n'), "would be too long"),
}


def _limit_memory() -> None:  # runs in the child: 2 GB of address space
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def test_caps_hit_before_memory_runs_out(tmp_path: Path) -> None:
    """Under a 2 GB address-space limit, each script stops on its cap, not MemoryError."""
    for name, (source, message) in CAPPED_SCRIPTS.items():
        script = tmp_path / name
        script.write_text(source)
        out = subprocess.run(
            [sys.executable, "-m", "app", "run", str(script), "--db", str(tmp_path / "m.db")],
            capture_output=True, text=True, timeout=60, cwd=ROOT, preexec_fn=_limit_memory,
            check=False)
        assert out.returncode == 1, (name, out.stderr)
        assert message in out.stderr and "out of memory" not in out.stderr, out.stderr
        assert "Traceback" not in out.stderr


# ---------------------------------------------------------------- no endless run

def test_huge_for_loop_stops_on_timeout() -> None:
    took = StallMeter()
    err = fails("TALK 1\nFOR i = 1 TO 10 ** 12\n  x = i\nNEXT", timeout=0.5)
    took.mark()
    assert "timed out after 0.5 s" in err.message and err.line in (2, 3)
    assert took.gaps[0].stall < 3, took.gaps[0]


def test_huge_for_loop_stops_on_step_budget() -> None:
    err = fails("FOR i = 1 TO 10 ** 12\nNEXT", max_ticks=50)
    assert "step budget" in err.message and err.line == 1


def test_sub_calling_itself_100000_times_is_a_stack_overflow_at_the_call() -> None:
    source = ('TALK "start"\nSUB down(n)\n  IF n < 100000 THEN\n    CALL down(n + 1)\n'
              "  END IF\nEND SUB\nCALL down(1)\n")
    took = StallMeter()
    err = fails(source)
    took.mark()
    assert err.message.startswith("stack overflow") and err.line == 4, err.format()
    assert took.gaps[0].stall < 10, took.gaps[0]


def test_function_recursion_is_a_stack_overflow_at_the_call() -> None:
    err = fails("FUNCTION f(n)\n  f = f(n + 1) + 1\nEND FUNCTION\nTALK f(1)")
    assert err.message.startswith("stack overflow") and err.line == 2


def test_recursion_within_the_limit_still_works() -> None:
    source = "FUNCTION sum(n)\n  IF n = 0 THEN\n    sum = 0\n  ELSE\n    sum = n + sum(n - 1)\n" \
             "  END IF\nEND FUNCTION\nTALK sum(500)"
    assert talks(source) == ["125250"]


def test_cancel_ends_an_endless_loop_and_the_loop_stays_responsive() -> None:
    compiled = load_source("x = 0\nDO\n  x = x + 1\nLOOP", "test.bas")
    runtime = Runtime(compiled, QueuedChannel.with_answers([]), DictMemory())

    async def scenario() -> None:
        beaten = asyncio.Event()
        beats = 0

        async def heartbeat() -> None:
            nonlocal beats
            while True:
                beats += 1
                if beats == 10:
                    beaten.set()
                await asyncio.sleep(0.01)

        task = asyncio.ensure_future(runtime.run())
        beat = asyncio.ensure_future(heartbeat())
        # Ten heartbeats while the endless loop is still running prove it yields to the loop;
        # counted rather than timed, so a loaded machine cannot fail the test.
        await asyncio.wait_for(beaten.wait(), timeout=30)
        assert not task.done()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=30)
        beat.cancel()

    asyncio.run(scenario())
    assert runtime.globals["x"] > 0


def test_cli_timeout_ends_an_infinite_loop(tmp_path: Path) -> None:
    script = tmp_path / "forever.bas"
    script.write_text('TALK "looping"\nx = 0\nDO\n  x = x + 1\nLOOP\n')
    start = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "app", "run", str(script), "--timeout", "1",
         "--db", str(tmp_path / "m.db")],
        capture_output=True, text=True, timeout=30, cwd=ROOT, check=False,
        env=dict(os.environ, PYTHONWARNINGS="ignore"))
    assert out.returncode == 1
    assert out.stdout == "looping\n"
    assert "the run timed out after 1 s" in out.stderr and "Traceback" not in out.stderr
    assert f"{script}:" in out.stderr
    assert time.monotonic() - start < 15
