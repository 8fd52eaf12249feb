"""Running dialogs in the IDE: chat, output and problems, turns, conversation tests."""
