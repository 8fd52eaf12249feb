"""Guards for Talkbench's local servers (``talkbench webhook serve``, ``talkbench dap --port``):
access tokens and Host/Origin checks against DNS rebinding."""
