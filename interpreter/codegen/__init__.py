"""The code generator: a syntax tree to Python source, one emitter module per construct."""
