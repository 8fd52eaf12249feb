"""Debugging in the IDE: the controller, its docks, and conversation-level debugging."""
