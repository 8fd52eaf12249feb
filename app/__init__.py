"""Talkbench's application core without widgets: sessions, memory store, CLI."""

__version__ = "0.1.0"
