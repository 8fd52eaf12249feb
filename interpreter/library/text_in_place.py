"""Rhai 1.24's text methods that change the text they are called on (``s.make_upper()``).

Rhai passes a method's object by reference (``&mut ImmutableString`` in
``src/packages/string_more.rs``), so ``s.make_upper()`` changes the variable ``s`` and gives
the empty value. Talkbench's text values cannot change, so a call of one of these on a
variable, member or item stores the changed text back there where the call stands in the
evaluation order (the code generator writes the store into the expression:
``"<" + s.make_upper()`` reads "<" first, then changes ``s``); on an item picked by an
expression (``xs[i + 1]``) it stops with a clear message. On arrays and maps the same names
are the ordinary in-place methods.
"""

from __future__ import annotations

from collections.abc import Callable

from interpreter.library.rhai_methods import RHAI_METHODS
from interpreter.values import BasicValueError, Value, not_found, to_display


def _text(name: str, s: Value, *args: Value) -> str:
    if s.__class__ is not str:
        raise not_found(name, s, *args)
    return str(s)


def _make_upper(s: Value) -> str:
    return _text("make_upper", s).upper()


def _make_lower(s: Value) -> str:
    return _text("make_lower", s).lower()


def _crop(s: Value, start: Value, *length: Value) -> str:
    """The characters ``sub_string`` gives for the same arguments (Rhai's ``crop`` and
    ``sub_string`` cut alike)."""
    _text("crop", s, start, *length)
    try:
        return str(RHAI_METHODS["sub_string"](s, start, *length))
    except BasicValueError:
        raise not_found("crop", s, start, *length) from None


def _truncate(s: Value, length: Value) -> str:
    text = _text("truncate", s, length)
    if length.__class__ is not int:
        raise not_found("truncate", s, length)
    return text[:max(int(length), 0)]


def _pad(s: Value, length: Value, padding: Value) -> str:
    """Padding (a character or text) added until ``length`` characters, the last cut."""
    text = _text("pad", s, length, padding)
    if length.__class__ is not int or padding.__class__ is not str:
        raise not_found("pad", s, length, padding)
    wanted = int(length)
    if wanted <= len(text):
        return text
    if not padding:  # Rhai's loop adds nothing and never ends: production hangs there
        raise BasicValueError("pad with empty text never ends in Rhai (General Bots hangs "
                              "on it); pad with at least one character")
    missing = wanted - len(text)
    return text + (str(padding) * (missing // len(padding) + 1))[:missing]


def _remove(s: Value, part: Value) -> str:
    text = _text("remove", s, part)
    if part.__class__ is not str:
        raise not_found("remove", s, part)
    return text.replace(str(part), "") if part else text


def _clear(s: Value) -> str:
    _text("clear", s)
    return ""


def _append(s: Value, item: Value) -> str:
    return _text("append", s, item) + to_display(item)


TEXT_CHANGES: dict[str, Callable[..., str]] = {
    "make_upper": _make_upper,
    "make_lower": _make_lower,
    "crop": _crop,
    "truncate": _truncate,
    "pad": _pad,
    "remove": _remove,
    "clear": _clear,
    "append": _append,
}
TEXT_IN_PLACE = frozenset(TEXT_CHANGES)
