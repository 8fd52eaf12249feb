"""``talkbench webhook``: WEBHOOK dialogs answered over HTTP."""
