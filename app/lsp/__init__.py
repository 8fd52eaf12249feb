"""``talkbench lsp``: the Language Server Protocol over stdio, on pygls.

``server`` wires the features; each feature group has its own module: ``diagnostics``,
``language`` (completion, hover), ``signatures`` (signature help), ``outline`` (symbols,
folding), ``semantic`` (semantic tokens), ``navigation`` (definition, references, rename),
``memory_keys`` (keys from the store and the workspace, key rename), ``fixes`` (quick fixes for
compatibility warnings). ``analysis`` holds what they share: one parse per document version;
``positions`` converts Talkbench's character columns to LSP's UTF-16 ones.
"""
