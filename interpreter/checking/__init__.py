"""Speed-ups of ``check_source`` that keep its findings exactly the same: what a check of the
previous text computed and the next check can reuse (the dialog's tokens and physical lines,
the generated functions that compiled)."""

from __future__ import annotations


def clear_caches() -> None:
    """Forget every reused result, so the next check starts from scratch (tests compare)."""
    from ..compat.source_lines import forget as forget_lines
    from ..lexer import forget_lexed
    from .compile_cache import forget as forget_compiled

    forget_lexed()
    forget_lines()
    forget_compiled()
