"""A Debug Adapter Protocol server over the interpreter's debugger engine (``talkbench dap``)."""
