"""Lexing and parsing a dialog by pieces, so a check after an edit redoes only the pieces the
edit touched.

A dialog is cut before some of its unindented lines (:mod:`.cuts`). Each piece is lexed on its
own (:mod:`.lexing`), and a piece is kept apart only when its lexer ended it with nothing open
(no string, raw block or bracket), which is exactly when the lines after it lex the same with
or without it. The parser then takes the pieces' top-level statements (:mod:`..parser.pieces`): a
piece is parsed apart only when no statement of it reads past its last line, and its parse is
reused only when the names and SUBs the parser asked about before it answer as before. Every
reuse is checked against a parse from scratch by ``tests/interpreter/syntax/pieces``.
"""
