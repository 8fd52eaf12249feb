"""The bot's memory in the IDE: the memory dock and its models, history, conflicts."""
