"""``talkbench lsp``: the Language Server Protocol over stdio, on pygls.

``server`` wires the features; each feature group has its own module (``diagnostics``,
``language`` for completion and hover, ``outline`` for symbols and folding, ``navigation`` for
definition, references and rename, ``memory_keys`` for keys from the store). ``analysis`` holds
what they share: one parse per document version.
"""
