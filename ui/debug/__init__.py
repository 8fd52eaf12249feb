"""Debugging in the IDE: the controller, its docks, and conversation-level debugging."""

# The Debug menu's label; here rather than in ``feature`` so the main window can make the
# menu without importing the debugger (built after its first paint).
DEBUG_MENU = "&Debug"
