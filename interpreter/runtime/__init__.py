"""Running compiled dialogs: the Runtime, channels and the memory-first rule for outside calls."""
