"""Editor aids built on the language: Pygments highlighting and keyword help."""
