"""The lower-case math names the engine registers with other overloads than the upper-case.

The engine registers most functions twice, ``SQRT`` and ``sqrt``, and Rhai resolves names by
exact spelling: a mixed-case ``Sqrt`` is "Function not found" (Talkbench's registry itself
ignores case). For most names both spellings take the same types; these differ
(botbasic_core/src/keywords/math/basic_math.rs, validation/str_val.rs, and Rhai 1.24's own
``max``/``min``/``ceiling``/``to_json`` in src/packages/logic.rs, math_basic.rs and
map_basic.rs, which the engine's functions do not hide for the types they leave out).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from interpreter.library import formatting
from interpreter.library.builtins.core import lookup_builtin
from interpreter.library.rhai_methods import map_to_json
from interpreter.values import BasicValueError, Value, call_signature, not_found


def _registered(name: str) -> Callable[..., Value]:
    b = lookup_builtin(name)
    assert b is not None, name
    return b.fn


def _sgn(v: Value) -> int:
    """``sgn``: i64 only (the f64 form is registered as SGN alone)."""
    if type(v) is not int:
        raise not_found("sgn", v)
    return (v > 0) - (v < 0)


def _mod(a: Value, b: Value) -> int:
    """``mod``: two i64 only."""
    if type(a) is not int or type(b) is not int:
        raise not_found("mod", a, b)
    return _registered("MOD")(a, b)


def _rhai_pick(name: str, keep_left: Callable[[float, float], bool]
               ) -> Callable[[Value, Value], Value]:
    """``max``/``min``: the engine's two-i64 and two-f64 forms, plus Rhai's mixed ones
    (logic.rs ``max_if_64``…: the integer as a float, ``if x >= y { x } else { y }``)."""
    upper = name.upper()

    def pick(a: Value, b: Value) -> Value:
        ta, tb = type(a), type(b)
        if (ta is int and tb is int) or (ta is float and tb is float):
            return _registered(upper)(a, b)
        if {ta, tb} == {int, float}:
            x, y = float(a), float(b)
            return x if keep_left(x, y) else y
        raise not_found(name, a, b)

    return pick


def _val(v: Value) -> float:
    """``val``: text only (the Dynamic form is registered as VAL alone)."""
    if type(v) is not str:
        raise not_found("val", v)
    n = formatting.rust_parse_f64(v.strip())
    return 0.0 if n is None else n


def _ceiling(v: Value) -> float:
    """``ceiling``: Rhai's own, a float (the engine registers CEILING in upper case only)."""
    if type(v) is not float:
        raise not_found("ceiling", v)
    return float(math.ceil(v)) if math.isfinite(v) else v


def _text_or_number(name: str) -> Callable[[Value], Value]:
    """``cint``/``cdbl``: i64, f64 and text only (no Dynamic form in lower case)."""
    upper = name.upper()

    def convert(v: Value) -> Value:
        if type(v) not in (int, float, str):
            raise not_found(name, v)
        return _registered(upper)(v)

    return convert


def _element(name: str, index: int) -> Callable[[Value], Value]:
    """``first``/``last``: an array's first or last item, the empty value for an empty one,
    arrays only (arrays/mod.rs; FIRST and LAST in capitals are also the syntaxes of
    first.rs/last.rs, which take a word of text)."""

    def element(v: Value) -> Value:
        if type(v) is not list:
            raise not_found(name, v)
        return v[index] if v else None

    return element


def _missing(name: str) -> Callable[..., Value]:
    def call(*args: Value) -> Value:
        raise BasicValueError(f"General Bots has no function {name} (Rhai matches names "
                              f"exactly; Function not found: {call_signature(name, args)})")

    return call


LOWER_FORMS: dict[str, Callable[..., Value]] = {
    "sgn": _sgn,
    "mod": _mod,
    "max": _rhai_pick("max", lambda x, y: x >= y),
    "min": _rhai_pick("min", lambda x, y: x <= y),
    "val": _val,
    "ceiling": _ceiling,
    "cint": _text_or_number("cint"),
    "cdbl": _text_or_number("cdbl"),
    "atn": _missing("atn"),
    "first": _element("first", 0),
    "last": _element("last", -1),
    "to_json": map_to_json,  # Rhai's own (map_basic.rs); TOJSON is Talkbench's
}


def spelled(name: str) -> Callable[..., Value] | None:
    """The function a call written ``name`` reaches in the engine when it differs from the
    registry's (which ignores case): a lower-case form above, or for a mixed-case name
    (``Sqrt``) a call that fails as Rhai's does. None: the registry's function is right."""
    if name in LOWER_FORMS:
        return LOWER_FORMS[name]
    letters = name.replace("_", "")
    if (letters.isupper() or letters.islower() or not any(c.isalpha() for c in letters)
            or name in _MIXED_CASE_REGISTERED):
        return None
    return _missing(name)


def mixed_case(name: str) -> bool:
    """A name Rhai finds under no spelling the engine registers (``Sqrt``, ``Len``)."""
    return name not in LOWER_FORMS and spelled(name) is not None


# The only mixed-case names the engine registers (validation/isempty.rs, isnull.rs).
_MIXED_CASE_REGISTERED = frozenset({"IsEmpty", "IsNull"})
