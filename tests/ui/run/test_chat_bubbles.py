"""How the chat lays out a message's text (ui.run.chat.bubbles)."""

from __future__ import annotations

import time

from PySide6.QtGui import QFont

from ui.run.chat.bubbles import lay_out


def _fastest(text: str, font: QFont) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        lay_out(text, font, 300)
        best = min(best, time.perf_counter() - start)
    return best


def test_one_long_word_wraps_as_fast_as_as_much_text_in_words(qapp):
    """Qt's word wrapping costs n² on one word of n characters: 100,000 of them (a blob in a
    TALK) took ~0.8 s to lay out, twice, where 100,000 characters of words take ~15 ms.
    Compared with those rather than with a time: the machine may be busy."""
    font = QFont()
    word = "x" * 100_000
    layout, widest, _ = lay_out(word, font, 300)
    assert layout.lineCount() > 100 and widest <= 300  # still wrapped, within the width
    assert _fastest(word, font) < 8 * _fastest("xxxxxxxxx " * 10_000, font)
