import sys

from .cli.version import asks_only_version, print_version

if asks_only_version(None):  # without loading the commands (the interpreter)
    sys.exit(print_version())

from .cli.commands import main

sys.exit(main())
