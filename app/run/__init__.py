"""Running dialogs without a GUI: headless runs, the IDE's dialog runner, channels, turns."""
