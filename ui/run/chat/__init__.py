"""The chat's message list: messages as a model, bubbles painted by a delegate, the view."""
