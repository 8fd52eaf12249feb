"""Built-in functions Talkbench runs that no General Bots crate registers.

Talkbench accepts common BASIC spellings (``ASC``, ``CSTR``, ``LENGTH``, ``SUBSTRING`` …) that
the engine at ``f59afde5`` never registers (docs/engine-registry.tsv; the converter passes the
call through unchanged), so there the dialog stops with Rhai's "Function not found". The
engine's own function for the same job is named where it has one.
"""

from __future__ import annotations

from interpreter.library.engine_functions import REGISTERED_FUNCTIONS
from interpreter.library.rhai_methods import RHAI_METHODS

# Rhai's own functions, which production reaches where a call is spelled as one of them
# (``starts_with(s, "a")`` is Rhai's method called as a function; parse_json is in Rhai's
# src/packages/lang_core.rs).
_RHAI_FUNCTIONS = frozenset(RHAI_METHODS) | {"parse_json"}

# The engine's registered function that does the same (same arguments) where there is one.
_ENGINE_NAMES = {
    "CSTR": "STR", "TOSTRING": "STR", "LENGTH": "LEN", "LOWERCASE": "LCASE",
    "UPPERCASE": "UCASE", "CLNG": "CINT", "CSNG": "CDBL", "TONUMBER": "VAL",
    "IS_EMPTY": "ISEMPTY",
}


# Names docs/engine-registry.tsv lists whose registering function never runs: the botbook
# documents DATEDIFF, but botbasic_core datetime/mod.rs calls datediff.rs's empty
# datediff_keyword, never the one in dateadd.rs that holds register_fn("DATEDIFF").
_NEVER_REGISTERED = frozenset({"DATEDIFF", "datediff"})


def missing_in_engine(name: str) -> str | None:
    """The warning for a call of Talkbench's built-in ``name`` (as written) that General Bots
    does not have; None when the engine registers that exact spelling, or Rhai has it."""
    if name in REGISTERED_FUNCTIONS and name not in _NEVER_REGISTERED \
            or name in _RHAI_FUNCTIONS:
        return None
    fix = _ENGINE_NAMES.get(name.upper())
    why = "datetime/mod.rs never calls the dateadd.rs function that registers it" \
        if name in _NEVER_REGISTERED else "no crate registers it"
    return (f"General Bots has no function '{name}' ({why}): production "
            f"stops here with \"Function not found: {name}\"" + (
                f"; write {fix}" if fix else "; only Talkbench runs it"))


# Forms the botbook documents that no crate registers (keyword-reference-complete.md:
# "MAX(array)", "MIN(array)"): Talkbench runs the documented meaning.
_DOCUMENTED_FORMS = {
    ("MAX", 1): "MAX(a, b)", ("MIN", 1): "MIN(a, b)",
}


def documented_only(name: str, count: int) -> str | None:
    """The warning for a call of ``name`` with ``count`` arguments in a form only the botbook
    has; None for the engine's own forms."""
    engine_form = _DOCUMENTED_FORMS.get((name, count))
    if engine_form is None:
        return None
    return (f"General Bots has only {engine_form}, not the botbook's {name}(array): production "
            f"stops here with \"Function not found: {name} (array)\"; Talkbench runs the "
            f"documented meaning")
