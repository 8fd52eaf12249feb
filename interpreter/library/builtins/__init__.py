"""Built-in functions: ``core`` holds the registry, each family module registers its functions.

Importing this package imports every family, so :data:`core.BUILTINS` is complete whichever
module of the package is imported first.
"""

from . import collections, core, dates, engine, math  # noqa: F401
