"""Files on disk: dialogs saved without losing bytes, bot packages (.gbai), database files."""
