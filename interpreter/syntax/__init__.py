"""The language's syntax: vocabulary, lexer, syntax tree, parser and lint (no running)."""
