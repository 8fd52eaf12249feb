"""Editing dialogs: the code editor, highlighting, completion, find, themes, files on disk."""
