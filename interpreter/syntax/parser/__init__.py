"""The recursive-descent parser (``core``) and the rule modules it mixes in."""
