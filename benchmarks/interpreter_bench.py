"""Interpreter speed: dialog-shaped BASIC workloads vs the same program hand-written in Python.

    python benchmarks/interpreter_bench.py [--quick] [--repeat N]

Each workload runs headless (``Runtime`` with a ``QueuedChannel`` and a ``DictMemory`` or the
real SQLite ``MemoryStore``) and, on the same event loop, as an ``async def`` written the way a
Python programmer would (locals, ``await`` where the dialog could await: SUB/FUNCTION calls).
Both return the same value, checked, so a broken workload cannot report a fast time.
Compilation is outside the clock; each figure is the best of ``--repeat`` interleaved runs.
A third run has the debugger attached with no breakpoints (compiled with ``debug=True``);
its baseline is the release build's figure from the same run (its ratio to CPython is in
the note).

Targets (issue 25): ≤ 1.5x CPython; the debugger attached ≤ 1.5x the release build.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import Goal, Measurement, emit, table

from interpreter import Runtime, load_source
from interpreter.debug.debugger import Debugger
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel

TARGET = 1.5
TARGET_DEBUG = 1.5  # debugger attached / release build
MEMORY_KEYS = 100


@dataclass(frozen=True)
class Workload:
    name: str
    source: str  # BASIC; ``{n}`` is replaced by the size
    python: Callable[..., Awaitable[Any]]  # async def (n, **inputs) -> the dialog's RETURN value
    size: int
    quick_size: int
    inputs: Callable[[int], dict[str, Any]] = field(default=lambda n: {})
    memory: str = ""  # "", "dict" or "store": which bot memory the workload reads


# ---------------------------------------------------------------- workloads

LOOP = """\
name = "Ada"
total = 0
msg = ""
label = ""
FOR i = 1 TO {n}
    total = total + i * 3 MOD 7
    msg = "Order " + i + " for " + name
    label = "Item " + i + ": " + total
NEXT
RETURN total + LEN(msg) + LEN(label)
"""


async def loop_py(n: int) -> Any:
    name = "Ada"
    total = 0
    msg = label = ""
    for i in range(1, n + 1):
        total = total + i * 3 % 7
        msg = "Order " + str(i) + " for " + name
        label = "Item " + str(i) + ": " + str(total)
    return total + len(msg) + len(label)


FOR_EACH = """\
total = 0
big = 0
FOR EACH item IN items
    total = total + item.price * item.qty
    IF item.qty > 1 THEN
        big = big + 1
    END IF
NEXT item
RETURN total * 1000 + big
"""


async def for_each_py(n: int, items: list[dict[str, Any]]) -> Any:
    total = big = 0
    for item in items:
        total = total + item["price"] * item["qty"]
        if item["qty"] > 1:
            big = big + 1
    return total * 1000 + big


def basket(n: int) -> dict[str, Any]:
    return {"items": [{"name": f"item {i}", "price": i % 7, "qty": 1 + i % 3} for i in range(n)]}


SUBS = """\
FUNCTION Score(n)
    IF n MOD 2 = 0 THEN
        RETURN n * 2
    END IF
    RETURN n + 1
END FUNCTION

SUB Tally(n)
    count = count + n
END SUB

count = 0
total = 0
FOR i = 1 TO {n}
    total = total + Score(i)
    CALL Tally(i)
NEXT
RETURN total + count
"""


async def subs_py(n: int) -> Any:
    count = 0

    async def score(k: int) -> int:
        if k % 2 == 0:
            return k * 2
        return k + 1

    async def tally(k: int) -> None:
        nonlocal count
        count = count + k

    total = 0
    for i in range(1, n + 1):
        total = total + await score(i)
        await tally(i)
    return total + count


SELECT = """\
options = ["menu", "order", "buy", "help", "bye", "hi"]
a = 0
b = 0
c = 0
d = 0
e = 0
FOR i = 1 TO {n}
    choice = options[i MOD 6]
    SELECT CASE choice
        CASE "menu"
            a = a + 1
        CASE "order", "buy"
            b = b + 1
        CASE "help"
            c = c + 1
        CASE ELSE
            d = d + 1
    END SELECT
    SELECT CASE i MOD 4
        CASE 0
            e = e + 2
        CASE 1, 2
            e = e + 1
        CASE ELSE
            e = e - 1
    END SELECT
NEXT
RETURN a + "," + b + "," + c + "," + d + "," + e
"""


async def select_py(n: int) -> Any:
    options = ["menu", "order", "buy", "help", "bye", "hi"]
    a = b = c = d = e = 0
    for i in range(1, n + 1):
        choice = options[i % 6]
        if choice == "menu":
            a += 1
        elif choice in ("order", "buy"):
            b += 1
        elif choice == "help":
            c += 1
        else:
            d += 1
        k = i % 4
        if k == 0:
            e += 2
        elif k in (1, 2):
            e += 1
        else:
            e -= 1
    return f"{a},{b},{c},{d},{e}"


MEMORY = """\
hits = 0
FOR i = 1 TO {n}
    v = GET_BOT_MEMORY("key" + (i MOD 100))
    IF v <> "" THEN
        hits = hits + LEN(v)
    END IF
NEXT
RETURN hits
"""


async def memory_py(n: int, memory: Any) -> Any:
    hits = 0
    for i in range(1, n + 1):
        v = memory.get("key" + str(i % 100))
        if v != "":
            hits = hits + len(v)
    return hits


WORKLOADS = [
    Workload("loop: arithmetic + string concat", LOOP, loop_py, 200_000, 2_000),
    Workload("FOR EACH over a list of objects", FOR_EACH, for_each_py, 100_000, 2_000,
             inputs=basket),
    Workload("SUB/FUNCTION calls", SUBS, subs_py, 100_000, 1_000),
    Workload("SELECT CASE dispatch", SELECT, select_py, 100_000, 1_000),
    Workload("GET_BOT_MEMORY (DictMemory)", MEMORY, memory_py, 100_000, 1_000, memory="dict"),
    Workload("GET_BOT_MEMORY (SQLite store)", MEMORY, memory_py, 50_000, 500, memory="store"),
]


# ---------------------------------------------------------------- running


class Memories:
    """The bot memories the workloads read, filled once (key0..key99)."""

    def __init__(self, tmp: str) -> None:
        values = {f"key{i}": f"value {i}" for i in range(MEMORY_KEYS)}
        self.dict = DictMemory(dict(values))
        from app.memory.store import MemoryStore  # only the store workload needs app/

        self.store = MemoryStore(f"sqlite:///{tmp}/bench.sqlite3")
        handle = self.store.bot("bench")
        for key, value in values.items():
            handle.set(key, value)
        assert self.store.flush(30), self.store.last_error
        self.handle = handle

    def get(self, kind: str) -> Any:
        return {"dict": self.dict, "store": self.handle}.get(kind, DictMemory())

    def close(self) -> None:
        self.store.close()


def measure(w: Workload, n: int, repeat: int, loop: asyncio.AbstractEventLoop,
            memories: Memories) -> list[Measurement]:
    source = w.source.replace("{n}", str(n))
    plain = load_source(source, "bench.bas")
    debug = load_source(source, "bench.bas", debug=True)
    inputs = w.inputs(n)
    memory = memories.get(w.memory)
    py_args = dict(inputs, **({"memory": memory} if w.memory else {}))

    def basic(compiled: Any, with_debugger: bool) -> tuple[float, Any]:
        dbg = Debugger(compiled.program) if with_debugger else None
        runtime = Runtime(compiled, QueuedChannel(), memory, initial_vars=dict(inputs),
                          debugger=dbg)
        start = time.perf_counter()
        result = loop.run_until_complete(runtime.run())
        return time.perf_counter() - start, result

    def python() -> tuple[float, Any]:
        start = time.perf_counter()
        result = loop.run_until_complete(w.python(n, **py_args))
        return time.perf_counter() - start, result

    expected = loop.run_until_complete(w.python(n, **py_args))
    best = {"basic": float("inf"), "debug": float("inf"), "python": float("inf")}
    for _ in range(repeat):  # interleaved, so machine noise hits all three alike
        for key, fn in (("python", python), ("basic", lambda: basic(plain, False)),
                        ("debug", lambda: basic(debug, True))):
            took, result = fn()
            if result != expected:
                raise AssertionError(f"{w.name} ({key}): got {result!r}, expected {expected!r}")
            best[key] = min(best[key], took)
    note = f"n={n:,}, best of {repeat}"
    ms = 1000.0
    return [
        Measurement("interpreter", w.name, best["basic"] * ms, best["python"] * ms, "ms",
                    Goal.RATIO_AT_MOST, TARGET, note + "; baseline: CPython"),
        Measurement("interpreter", w.name + " [debugger attached]", best["debug"] * ms,
                    best["basic"] * ms, "ms", Goal.RATIO_AT_MOST, TARGET_DEBUG,
                    note + f"; baseline: release build; "
                           f"{best['debug'] / best['python']:.2f}x CPython"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repetition")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--only", default="", help="run the workloads whose name contains this")
    args = parser.parse_args(argv)
    repeat = args.repeat or (1 if args.quick else 5)
    results: list[Measurement] = []
    loop = asyncio.new_event_loop()
    with tempfile.TemporaryDirectory() as tmp:
        memories = Memories(tmp)
        try:
            for w in WORKLOADS:
                if args.only.lower() not in w.name.lower():
                    continue
                n = w.quick_size if args.quick else w.size
                results += [emit(m) for m in measure(w, n, repeat, loop, memories)]
        finally:
            memories.close()
            loop.close()
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
