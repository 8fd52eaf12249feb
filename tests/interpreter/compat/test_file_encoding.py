"""A dialog production cannot read as it is saved: not UTF-8, or a UTF-8 BOM.

generalbots/generalbots f59afde5: ``botdrive/src/drive_monitor/types.rs`` ``sync_bas_to_work``
(``String::from_utf8``, "Failed to parse .bas as UTF-8") and ``src/drive/drive_compiler.rs``
``compile_file`` (``std::fs::read_to_string``) refuse a file that is not UTF-8; a UTF-8 BOM
passes both and Rhai refuses it (the engine-oracle: ``COMPILE_ERROR: Unexpected '\\u{feff}'
(line 1, position 1)`` for any dialog that starts with one).
"""

from __future__ import annotations

from dataclasses import dataclass

from interpreter import Severity, check_source
from interpreter.compat import EngineOptions


@dataclass(frozen=True)
class Saved:
    encoding: str = "utf-8"
    bom: bool = False


def encoding_warnings(source: str, saved: Saved | None,
                      engine: EngineOptions | None = None) -> list[tuple[int, int, str]]:
    return [(d.line, d.col, d.message) for d in check_source(source, "t.bas", engine,
                                                             saved=saved)
            if "UTF-8" in d.message or "byte-order mark" in d.message]


def test_windows_1252_is_reported_once_at_its_first_byte_that_is_not_utf8() -> None:
    found = encoding_warnings('x = 1\nTALK "Olá, café"\nTALK "é"\n', Saved("cp1252"))
    assert len(found) == 1
    line, col, message = found[0]
    assert (line, col) == (2, 9)  # the á: byte 0xE1
    assert "saved as Windows-1252" in message and "byte 0xE1" in message
    assert "Failed to parse .bas as UTF-8" in message and "save the file as UTF-8" in message


def test_bytes_that_happen_to_be_utf8_are_passed_over() -> None:
    # "Ã©" in Windows-1252 is C3 A9, which is valid UTF-8 (é): production reads on to the é.
    found = encoding_warnings('TALK "Ã©"\nTALK "é"\n', Saved("cp1252"))
    assert [(line, col) for line, col, _ in found] == [(2, 7)]


def test_latin1_names_its_encoding() -> None:
    found = encoding_warnings('TALK "ñ"\n', Saved("latin-1"))
    assert [(line, col) for line, col, _ in found] == [(1, 7)]
    assert "saved as Latin-1" in found[0][2] and "byte 0xF1" in found[0][2]


def test_a_utf16_file_fails_at_its_byte_order_mark() -> None:
    found = encoding_warnings('TALK "hi"\n', Saved("utf-16-le", bom=True))
    assert [(line, col) for line, col, _ in found] == [(1, 1)]
    assert "saved as UTF-16" in found[0][2] and "byte 0xFF" in found[0][2]


def test_a_utf8_bom_fails_to_compile_there() -> None:
    found = encoding_warnings('TALK "hi"\n', Saved(bom=True))
    assert [(line, col) for line, col, _ in found] == [(1, 1)]
    assert "fails to compile" in found[0][2] and "without a BOM" in found[0][2]


def test_utf8_without_bom_and_unsaved_text_are_quiet() -> None:
    assert encoding_warnings('TALK "Olá 😀"\n', Saved()) == []
    assert encoding_warnings('TALK "Olá 😀"\n', Saved("UTF8")) == []
    assert encoding_warnings('TALK "Olá 😀"\n', None) == []
    assert encoding_warnings('TALK "plain"\n', Saved("cp1252")) == []  # ASCII is UTF-8


def test_reported_next_to_a_parse_error() -> None:
    found = check_source('TALK "café" +\n', "t.bas", saved=Saved("cp1252"))
    assert any(d.severity is Severity.ERROR for d in found)
    assert any("saved as Windows-1252" in d.message for d in found)


def test_engine_errors_make_it_an_error_and_the_rest_is_still_checked() -> None:
    found = check_source('TALK "café"\nTALK never_set\n', "t.bas", EngineOptions(errors=True),
                         saved=Saved("cp1252"))
    encoding = [d for d in found if "Windows-1252" in d.message]
    assert [d.severity for d in encoding] == [Severity.ERROR]
    assert any("never_set" in d.message for d in found)
