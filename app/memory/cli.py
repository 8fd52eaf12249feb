"""``talkbench memory …``: read and edit bot memories from the command line.

    talkbench memory list|get KEY|set KEY VALUE|delete KEY|export FILE|import FILE
                     [--db URL] [--bot NAME] [--user ID]

With ``--user`` the list/get/set/delete actions work on that user's memories
(``SET USER MEMORY``, table ``user_memories``) instead of the bot's.

``app/cli/commands.py`` calls :func:`add_memory_parser` and :func:`run_memory_command`; this module
also runs on its own (``python -m app.memory.cli memory list``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..db.database import DatabaseError
from .queries import MemoryEntry
from .session import CLI_SOURCE, MemorySession
from .store import MemoryStore
from .user_memory import UserMemoryEntry, user_memories

DEFAULT_BOT = "default"
_FLUSH_TIMEOUT = 30.0
_FORMATS = (".json", ".csv")
_WRITES = frozenset({"set", "delete", "import"})  # actions whose changes are recorded


def add_memory_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``memory`` sub-command to an ``add_subparsers()`` object; returns its parser."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="sqlite:///path or postgresql://user:pass@host:port/db "
        "(default: $TALKBENCH_DB, else a file in the user data directory)",
    )
    common.add_argument(
        "--bot", metavar="BOT", default=DEFAULT_BOT,
        help=f"bot name, slug or id (default: {DEFAULT_BOT})"
    )
    parser = subparsers.add_parser(
        "memory",
        help="read and edit bot memories (SET/GET BOT MEMORY)",
        description="Read and edit the persistent bot memories of General Bots dialogs.",
    )
    actions = parser.add_subparsers(dest="memory_action", metavar="ACTION", required=True)
    user = argparse.ArgumentParser(add_help=False, parents=[common])
    user.add_argument("--user", metavar="ID", default=None,
                      help="work on this user's memories (SET USER MEMORY) instead of the bot's")
    p = actions.add_parser(
        "list",
        parents=[user],
        help="print key<TAB>value lines sorted by key "
        "(tab, newline and backslash escaped as \\t \\n \\\\)",
    )
    p.add_argument("--filter", default="", help="only keys or values containing this text")
    p = actions.add_parser("get", parents=[user], help="print one value")
    p.add_argument("key")
    p = actions.add_parser("set", parents=[user], help="set one value")
    p.add_argument("key")
    p.add_argument("value")
    p = actions.add_parser("delete", parents=[user], help="delete one key")
    p.add_argument("key")
    p = actions.add_parser("export", parents=[common], help="write all memories to FILE")
    p.add_argument("file", help="*.json or *.csv")
    p = actions.add_parser("import", parents=[common], help="upsert memories from FILE")
    p.add_argument("file", help="*.json or *.csv")
    return parser


def run_memory_command(args: argparse.Namespace) -> int:
    """Run a parsed ``memory`` command; returns the exit code (errors: one line on stderr)."""
    action = _ACTIONS[args.memory_action]
    try:
        # The bot is resolved first (app.db.bots); writes are recorded with source "cli".
        session = MemorySession.open(args.db, args.bot, record=args.memory_action in _WRITES)
    except DatabaseError as exc:
        return _fail(str(exc))
    store = session.store
    args.history = session.history
    args.bot = session.bot
    try:
        code = action(store, args)
    except (DatabaseError, ValueError, OSError) as exc:
        code = _fail(str(exc))
    # After a failure the error is already reported: do not wait long for the queue.
    landed = session.close(timeout=_FLUSH_TIMEOUT if code == 0 else 1.0)
    if not landed and code == 0:
        code = _fail(f"not saved: {store.last_error or 'timeout'}")
    return code


def escape(text: str) -> str:
    """One-line form of a key or value for ``list`` output."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _list(store: MemoryStore, args: argparse.Namespace) -> int:
    out = sys.stdout
    entries: list[MemoryEntry] | list[UserMemoryEntry]
    if args.user is None:
        entries = store.list(args.bot, filter=args.filter)
    else:
        entries = user_memories(store).list(args.bot, args.user, filter=args.filter)
    for entry in entries:
        out.write(f"{escape(entry.key)}\t{escape(entry.value)}\n")
    return 0


def _get(store: MemoryStore, args: argparse.Namespace) -> int:
    if args.user is None:
        entry = store.get_entry(args.bot, args.key)
        value = None if entry is None else entry.value
    else:
        # Not through ``filter``: it is a LIKE pattern, and PostgreSQL's LIKE reads "\" as an
        # escape (a key like "a\b" would not be found). ``get`` cannot tell "" from missing.
        found = user_memories(store).list(args.bot, args.user)
        value = next((e.value for e in found if e.key == args.key), None)
    if value is None:
        return _fail(f"no key {args.key!r} in {_owner(args)}")
    sys.stdout.write(value + "\n")
    return 0


def _set(store: MemoryStore, args: argparse.Namespace) -> int:
    if args.user is not None:
        user_memories(store).set(args.bot, args.user, args.key, args.value)
        return 0
    store.set(args.bot, args.key, args.value, CLI_SOURCE)
    if not store.flush(_FLUSH_TIMEOUT):
        return _fail(f"not saved: {store.last_error or 'timeout'}")
    return 0


def _delete(store: MemoryStore, args: argparse.Namespace) -> int:
    if args.user is None:
        if args.history is not None:
            args.history.expect_source(args.bot, args.key, CLI_SOURCE)
        deleted = store.delete(args.bot, [args.key])
    else:
        deleted = user_memories(store).delete(args.bot, args.user, [args.key])
    if deleted == 0:
        return _fail(f"no key {args.key!r} in {_owner(args)}")
    return 0


def _owner(args: argparse.Namespace) -> str:
    bot = f"bot {args.bot!r}"
    return bot if args.user is None else f"user {args.user!r} of {bot}"


def _export(store: MemoryStore, args: argparse.Namespace) -> int:
    path = Path(args.file)
    fn = store.export_json if _format(path) == ".json" else store.export_csv
    count = fn(args.bot, path)
    print(f"exported {count} entries of bot {args.bot!r} to {path}")
    return 0


def _import(store: MemoryStore, args: argparse.Namespace) -> int:
    path = Path(args.file)
    fn = store.import_json if _format(path) == ".json" else store.import_csv
    count = fn(args.bot, path)
    print(f"imported {count} entries into bot {args.bot!r} from {path}")
    return 0


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise ValueError(f"{path}: unknown format, use a .json or .csv file")
    return suffix


def _fail(message: str) -> int:
    print(f"talkbench memory: {message}", file=sys.stderr)
    return 1


_ACTIONS: dict[str, Callable[[MemoryStore, argparse.Namespace], int]] = {
    "list": _list,
    "get": _get,
    "set": _set,
    "delete": _delete,
    "export": _export,
    "import": _import,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="talkbench")
    add_memory_parser(parser.add_subparsers(dest="command", required=True))
    return run_memory_command(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
