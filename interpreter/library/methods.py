"""What ``value.name(args)`` does: Rhai 1.24 calls ``name(value, args)``.

Rhai resolves a method call like a function call whose first argument is the value, by the
exact name and the argument types (``src/func/call.rs``): the engine's own registrations come
first (docs/engine-registry.tsv: ``s.len()`` is the engine's LEN, UTF-8 bytes; ``xs.join("-")``
its JOIN), then Rhai's standard packages (:mod:`interpreter.library.rhai_methods`:
``s.to_upper()``, ``m.keys()``). A name neither has for these types stops the dialog with
Rhai's "Function not found", as in production (``s.toUpperCase()``, ``s.Upper()``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from interpreter.library.builtins.core import lookup_builtin
from interpreter.library.builtins.lower_forms import spelled
from interpreter.library.engine_functions import REGISTERED_FUNCTIONS
from interpreter.library.operators import NAMESPACE as _OPERATORS
from interpreter.library.rhai_methods import RHAI_METHODS
from interpreter.library.text_in_place import TEXT_CHANGES
from interpreter.values import BasicValueError, FunctionNotFound, Value, not_found

# The engine registers these as functions taking the array by value (botbasic_core
# src/keywords/arrays/push_pop.rs), ahead of Rhai's own: ``xs.push(1)`` gives a new array and
# ``xs.pop()`` the last item, and ``xs`` stays as it was. Only a call written alone as a
# statement keeps the in-place meaning (the compat rule PUSH_STATEMENT warns there).
_ARRAY_COPIES = frozenset({"push", "append", "pop", "shift", "unshift", "prepend"})


def _array_copy(obj: list, m: str, args: list) -> Any:
    if m in ("pop", "shift"):
        if args:
            raise BasicValueError(f"Function not found: {m} (array, …)")
        return (obj[-1] if m == "pop" else obj[0]) if obj else None
    if len(args) != 1:
        raise BasicValueError(f"Function not found: {m} (array{', …' * bool(args)})")
    return [*obj, args[0]] if m in ("push", "append") else [args[0], *obj]


def _in_place(obj: list, m: str, args: list) -> Any:
    """Talkbench's documented meaning of ``xs.push(1)`` written alone as a statement."""
    if m in ("push", "append"):
        obj.extend(args)
        return len(obj)
    if m in ("unshift", "prepend"):
        obj[:0] = args
        return len(obj)
    if args:
        raise BasicValueError(f"Function not found: {m} (array, …)")
    return obj.pop(0 if m == "shift" else -1) if obj else None


def _engine_function(name: str, values: list[Value]) -> tuple[bool, Value]:
    """(True, result) when an engine function ``name`` takes these values, else (False, None)."""
    b = lookup_builtin(name)
    if b is None or len(values) < b.min_args or (b.max_args is not None
                                                 and len(values) > b.max_args):
        return False, None
    try:
        return True, (spelled(name) or b.fn)(*values)
    except FunctionNotFound:
        return False, None


def _takes(fn: Callable[..., Value], count: int) -> bool:
    """Whether ``fn`` takes ``count`` arguments (another count is Rhai's "no such overload")."""
    try:
        inspect.signature(fn).bind(*range(count))
    except TypeError:
        return False
    return True


def call_method(obj: Value, name: str, args: list, alone: bool = False) -> Value:
    """``obj.name(*args)`` as General Bots runs it (``alone``: written as a statement)."""
    registered = name in REGISTERED_FUNCTIONS
    m = name.lower()
    if registered and m in _ARRAY_COPIES and obj.__class__ is list:
        return _in_place(obj, m, args) if alone else _array_copy(obj, m, args)
    if registered:
        found, result = _engine_function(name, [obj, *args])
        if found:
            return result
    rhai = RHAI_METHODS.get(name)
    if rhai is not None and _takes(rhai, 1 + len(args)):
        try:
            return rhai(obj, *args)
        except FunctionNotFound:
            pass
    if obj.__class__ is str and name in TEXT_CHANGES:
        raise BasicValueError(f"Rhai's {name}() changes the text in place and gives () "
                              f"(NULL): Talkbench changes a variable, a member or an item "
                              f"at a name or number (xs[i]); put this one in a variable "
                              f"first (s = …, then s.{name}(…))")
    raise not_found(name, obj, *args)


def change_for_value(obj: Value, name: str, args: list) -> tuple[Value, Value]:
    """``r = obj.name(*args)``: what to store back where ``obj`` came from, and ``r``. A
    text is changed and ``r`` is () (NULL), as Rhai gives; other values are called as
    usual (``ys = xs.append(3)`` leaves ``xs``)."""
    if obj.__class__ is str and name in TEXT_CHANGES:
        return TEXT_CHANGES[name](obj, *args), None
    return obj, call_method(obj, name, args)


def drop_change(obj: Value, name: str, args: list) -> Value:
    """``obj.name(*args)`` on a value no variable holds (``"AbC".make_lower()``): Rhai
    changes a copy of a text, which is lost, and gives () (NULL); other values as usual."""
    if obj.__class__ is str and name in TEXT_CHANGES:
        TEXT_CHANGES[name](obj, *args)  # wrong arguments still stop as in production
        return None
    return call_method(obj, name, args)


def change_in_place(obj: Value, name: str, args: list) -> Value:
    """``obj.name(*args)`` written alone, for a method Rhai runs on the object in place: the
    value to store back where ``obj`` came from (new text for a text; an array or map is
    changed as :func:`call_method` does and given back)."""
    if obj.__class__ is str and name in TEXT_CHANGES:
        return TEXT_CHANGES[name](obj, *args)
    call_method(obj, name, args, alone=True)
    return obj


NAMESPACE: dict[str, Any] = {**_OPERATORS, "_meth": call_method, "_inplace": change_in_place,
                             "_changed": change_for_value, "_dropped": drop_change}
