"""Conversation tests: the ``.chat`` format, its parser, recording, replay and the diff."""
