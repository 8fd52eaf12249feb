"""Packages load their public names on first use: importing the package (which any of its
modules does) costs only the package file."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys
import {package} as p
before = {module!r} in sys.modules
value = getattr(p, {name!r})
print(before, {module!r} in sys.modules, p.__dict__[{name!r}] is value, {name!r} in dir(p))
"""


@pytest.mark.parametrize(("package", "name", "module"), [
    ("interpreter", "Runtime", "interpreter.runtime.engine"),
    ("interpreter.debug", "Debugger", "interpreter.debug.debugger"),
    ("interpreter.flow", "build_flow", "interpreter.flow.build"),
])
def test_a_name_is_imported_when_first_read_then_kept(package: str, name: str,
                                                      module: str) -> None:
    probe = PROBE.format(package=package, name=name, module=module)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["False", "True", "True", "True"]


def test_an_unknown_name_is_an_attribute_error() -> None:
    import interpreter.flow

    with pytest.raises(AttributeError, match="'interpreter.flow' has no attribute 'nope'"):
        interpreter.flow.nope  # noqa: B018
