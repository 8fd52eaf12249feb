"""The ``talkbench`` command line: its commands, and the keyword-status document it writes."""
