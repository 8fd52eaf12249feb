"""PySide's look at every imported module for ``from __feature__ import …``, answered from the
module's file without keeping its source.

Once QtCore is loaded, PySide's import hook asks of each module imported afterwards whether its
source names PySide6 (``shibokensupport.feature._mod_uses_pyside``: the modules that may switch
on ``snake_case`` / ``true_property``). It reads the answer with ``inspect.getsource``, which
decodes the file, splits it into lines and keeps them in ``linecache`` for the rest of the
process. The IDE imports ~370 modules after QtCore: that cost ~10 ms before the first paint
and 50-80 ms over the start-up, most of it in the worker thread of ``ui.background_imports``
holding the GIL the GUI thread's steps wait for. :func:`mentions_pyside` gives the same
answer from the file's bytes. PySide's function is private: where it is missing (another
PySide version), PySide keeps its own.
"""

from __future__ import annotations

import sys
from types import ModuleType

FEATURE_MODULE = "shibokensupport.feature"  # PySide's own, loaded with QtCore


def answer_feature_checks_cheaply() -> bool:
    """Replace PySide's per-import source check by :func:`mentions_pyside`; False when there
    is nothing to replace (QtCore not loaded yet, or a PySide without that check)."""
    feature = sys.modules.get(FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = mentions_pyside  # type: ignore[attr-defined]
    return True


def mentions_pyside(module: ModuleType) -> bool:
    """Whether the source file of ``module`` names PySide6, as PySide's check answers it: a
    module without a ``.py`` file (built in, compiled, namespace package) or whose file cannot
    be read does not."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False
