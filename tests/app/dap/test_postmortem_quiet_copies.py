"""A post-mortem stop on an error inside a debug build's hook-free SUB copy: the copy makes
its ``L`` only on the way out of the error (interpreter.codegen.compiler.lazy_locals), and
the stop still shows and evaluates that frame's variables at the failing line."""

from __future__ import annotations

import asyncio

import pytest

from app.dap.postmortem import PostMortem
from interpreter import BasicRuntimeError, Runtime, load_source
from interpreter.debug.debugger import Debugger
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel

SOURCE = """\
total = 0
FOR i = 3 TO 0 STEP -1
    total = total + Half(i)
NEXT
FUNCTION Half(n)
    RETURN 10 / n
END FUNCTION
"""


@pytest.mark.parametrize("body, names", [
    ("    RETURN 10 / n\n", ["Half", "n"]),  # L made by the error's handler
    ("    k = n\n    RETURN 10 / k\n", ["Half", "k", "n"]),  # L made at the call
])
def test_a_post_mortem_shows_the_variables_of_a_hook_free_copy(body: str,
                                                               names: list[str]) -> None:
    source = SOURCE.replace("    RETURN 10 / n\n", body)
    compiled = load_source(source, "pm.bas", debug=True)
    runtime = Runtime(compiled, QueuedChannel(), DictMemory(),
                      debugger=Debugger(compiled.program))
    with pytest.raises(BasicRuntimeError) as e:
        asyncio.run(runtime.run())
    stop = PostMortem(e.value, runtime)
    assert [(f.name, f.line) for f in stop.frames] == [("Half", 5 + body.count("\n")),
                                                       ("(dialog)", 3)]
    assert sorted(v.name for v in stop.frames[0].variables) == names
    assert stop.evaluate("n", 0) == 0 and stop.evaluate("i", 1) == 0
