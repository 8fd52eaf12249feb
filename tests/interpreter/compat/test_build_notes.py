"""Once-per-file notes: HEAR, FOR EACH and FOR … TO never compile in General Bots 2026-05.

Checked with the engine-oracle: every dialog using them fails with ``Expecting 'AS' for
'HEAR' expression`` (botbasic_core keywords/hearing registers three HEAR syntaxes and Rhai
keeps the last; syntax_transforms.rs convert_keywords_to_lowercase makes AS ``as``), or at
``FOR_EACH item in list`` (lib.rs preprocess_basic joins FOR EACH; for_next.rs registers
``FOR EACH $ident$ IN``), at ``for i = 1 TO 3`` (Rhai's own ``for`` has no TO), or at
``do while j < 4;`` (procedures.rs registers ``DO WHILE $expr$ $block$ LOOP`` but the
converter lowercases DO and adds no braces). WHILE … WEND converts fine.
"""

from __future__ import annotations

from interpreter import check_source

DIALOG = """HEAR name
FOR EACH item IN [1, 2]
  TALK item
NEXT item
HEAR other
FOR EACH x IN [3]
  TALK x + other + name
NEXT x
FOR i = 1 TO 2
  TALK i
NEXT i
j = 0
WHILE j < 2
  j = j + 1
WEND
DO WHILE j < 4
  j = j + 1
LOOP
"""


def notes(source: str) -> list[tuple[int, str]]:
    return [(d.line, d.message) for d in check_source(source, "t.bas")
            if "cannot compile" in d.message]


def test_each_construct_is_noted_once_at_its_first_use() -> None:
    found = notes(DIALOG)
    assert [line for line, _ in found] == [1, 2, 9, 16]  # not at WHILE … WEND (line 13)
    hear, for_each, for_to, do_loop = (message for _, message in found)
    assert "DO … LOOP" in do_loop and "1 use(s)" in do_loop
    assert "any dialog that uses HEAR" in hear and "2 use(s)" in hear
    assert "FOR EACH" in for_each and "2 use(s)" in for_each
    assert "FOR … TO" in for_to and "1 use(s)" in for_to


def test_no_note_without_the_construct() -> None:
    assert notes('x = "a"\nTALK x\n') == []
    assert notes("x = 1\nCALL other\nTALK x\n") == []


def test_sub_and_function_definitions_are_noted_once() -> None:
    # botbasic_core keywords/procedures.rs has preprocess_procedures, but lib.rs
    # preprocess_basic never calls it: "SUB greet(n);" reaches Rhai, which expects ';'.
    source = ("x = 1\nFUNCTION dbl(n)\n  RETURN n * 2\nEND FUNCTION\nSUB hi\n  TALK 1\n"
              "END SUB\nTALK dbl(x)\n")
    found = [d for d in check_source(source, "t.bas") if "cannot compile" in d.message]
    assert [(d.line, d.col, d.end_col) for d in found] == [(2, 1, 9)]
    assert "SUB or FUNCTION" in found[0].message and "2 use(s)" in found[0].message


def test_a_do_loop_gets_its_note_and_no_warning_at_its_lines() -> None:
    # "DO UNTIL k = 3" and "LOOP WHILE k = 1" also get let in front (convert_if_then_syntax),
    # but the dialog cannot compile for the DO note's reason anyway: one note, no more.
    source = "k = 0\nDO UNTIL k = 3\n  k = k + 1\nLOOP\nDO\n  k = k - 1\nLOOP WHILE k = 1\n"
    found = [(d.line, d.message) for d in check_source(source, "t.bas")]
    assert [line for line, _ in found] == [2] and "DO … LOOP" in found[0][1]


def test_the_answer_taken_as_a_value_counts_as_a_use_of_hear():
    # `let topic = HEAR "What topic?";` fails with "Expecting name of a variable" in the
    # engine-oracle: the surviving HEAR $ident$ AS form needs a name after HEAR.
    found = [d for d in check_source('TALK "hi"\ntopic = HEAR "What topic?"\nHEAR more\n', "t.bas")
             if "cannot compile" in d.message]
    assert [(d.line, d.col, d.end_col) for d in found] == [(2, 9, 13)]
    assert "noted once for the 2 use(s)" in found[0].message


def test_goto_and_labels_are_noted_once() -> None:
    # The engine-oracle: goto_transform.rs's state machine reaches convert_while_wend_syntax,
    # which adds a second '{' to its while line: "Expecting '}' to terminate this block".
    source = 'n = 0\nstart:\nn = n + 1\nIF n < 3 THEN\n  GOTO start\nEND IF\nTALK n\n'
    [(line, message)] = notes(source)
    assert line == 2 and "GOTO or labels" in message and "2 use(s)" in message
