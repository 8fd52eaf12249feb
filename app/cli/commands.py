"""``talkbench`` command line: run, check, memory, open (the IDE)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from interpreter import (
    BasicRuntimeError,
    BasicSyntaxError,
    Severity,
    check_source,
)

from ..files.bot_package import package_variable_names
from ..services.settings import engine_options
from .version import VERSION_TEXT

if TYPE_CHECKING:
    from ..files.atomic_file import TextFormat
    from ..run.headless import HeadlessRun

EXIT_OK, EXIT_RUNTIME, EXIT_SYNTAX = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talkbench",
        description="Write, run and debug General Bots BASIC dialogs.")
    parser.add_argument("--version", action="version", version=VERSION_TEXT)
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="run a dialog headless (TALK → stdout, HEAR ← stdin)")
    run.add_argument("script", type=Path)
    add_db_options(run)
    run.add_argument("--input", type=Path, help="read HEAR answers from this file")
    run.add_argument("--timeout", type=float, help="stop the run after this many seconds")
    run.add_argument("--skip-waits", action="store_true", help="WAIT returns at once")
    run.add_argument("--skip-unsupported", action="store_true",
                     help="a keyword statement whose service Talkbench lacks (RUN PYTHON, "
                          "ADD BOT …) prints a warning and the run goes on, instead of stopping")
    run.add_argument("--snapshot", metavar="NAME_OR_FILE",
                     help="start from a memory snapshot (a saved name or an exported .json); "
                          "the run's writes stay in an overlay, the stored memory is unchanged")
    run.add_argument("--restore-snapshot", action="store_true",
                     help="with --snapshot: make the stored memory equal to it, then run")

    check = sub.add_parser("check", help="parse and lint dialogs; exit 1 on errors")
    check.add_argument("files", nargs="+", type=Path)
    check.add_argument("--engine-errors", action="store_true",
                       help="lines the General Bots converter mangles, drops or cannot compile "
                            "are errors, not warnings (for CI; also TALKBENCH_ENGINE_ERRORS="
                            "error or talkbench-engine-errors in the bot's config.csv)")
    check.add_argument("--engine", metavar="BUILD",
                       help="the General Bots build to check against (default: the newest, "
                            "2026-05; also TALKBENCH_ENGINE_BUILD)")

    test = sub.add_parser("test", help="replay conversation tests (*.chat); exit 1 on failure")
    test.add_argument("paths", nargs="*", type=Path,
                      help=".chat files, .bas dialogs (their NAME*.chat) or folders")
    test.add_argument("--timeout", type=float, help="seconds per test (default 10)")

    dap = sub.add_parser("dap", help="serve the Debug Adapter Protocol (stdin/stdout, or a port)")
    dap.add_argument("--port", type=int, help="listen on 127.0.0.1:PORT, one client at a time")
    dap.add_argument("--token", default=os.environ.get("TALKBENCH_DAP_TOKEN") or None,
                     help="with --port: the access token a launch must carry as \"token\" "
                          "(default: $TALKBENCH_DAP_TOKEN, else a random one, printed at start)")
    dap.add_argument("--idle-timeout", type=_positive_seconds, default=30.0, metavar="SECONDS",
                     help="with --port: close a connection silent this long before its "
                          "authorised launch (default 30)")

    sub.add_parser("lsp", help="serve the Language Server Protocol on stdin/stdout "
                              "(diagnostics, completion, hover, navigation, rename)")

    open_ = sub.add_parser("open", help="open dialogs in the IDE")
    open_.add_argument("files", nargs="*", type=Path)
    add_db_options(open_)

    try:
        from ..memory.cli import add_memory_parser
    except ImportError:  # the memory store is optional for check-only installs
        pass
    else:
        add_memory_parser(sub)
    from ..schedules.cli import add_schedule_parser

    add_schedule_parser(sub)
    from ..webhook.server import add_webhook_parser

    add_webhook_parser(sub)
    return parser


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds above 0")
    return value


def add_db_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="sqlite:///path or postgresql://user:pass@host:port/db "
                                "(default: $TALKBENCH_DB or a file in the user data folder)")
    p.add_argument("--bot", default="default",
                   help="whose memory to use: a bot name, slug or id (default: default)")


GuiLauncher = Callable[..., int]


def main(argv: Sequence[str] | None = None, launch_gui: GuiLauncher | None = None) -> int:
    """Headless commands run here; the IDE is started by ``ui.entry`` passing ``launch_gui``."""
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return run_command(args)
    if args.command == "check":
        return check_command(args.files, args.engine_errors, args.engine)
    if args.command == "test":
        from ..conversation.replay import run_test_command

        return run_test_command(args.paths, timeout=args.timeout)
    if args.command == "dap":
        from ..dap.server import run as run_dap

        return run_dap(args.port, args.token, args.idle_timeout)
    if args.command == "lsp":
        from ..lsp.server import run as run_lsp

        return run_lsp()
    if args.command == "schedule":
        from ..schedules.cli import run_schedule_command

        return run_schedule_command(args)
    if args.command == "webhook":
        from ..webhook.server import run_webhook_command

        return run_webhook_command(args)
    if args.command == "memory":
        from ..memory.cli import run_memory_command

        return run_memory_command(args)
    if launch_gui is None:
        print("talkbench: error: the IDE is started with the 'talkbench' command",
              file=sys.stderr)
        return EXIT_SYNTAX
    files = getattr(args, "files", [])
    return launch_gui([str(f) for f in files], db=getattr(args, "db", None),
                  bot=getattr(args, "bot", "default"))


def read_source(path: Path) -> str | None:
    read = read_dialog(path)
    return read[0] if read is not None else None


def read_dialog(path: Path) -> tuple[str, TextFormat] | None:
    """The dialog's text and how its file stores it; None (and a message) when unreadable."""
    from ..files.atomic_file import read_text_file

    try:
        return read_text_file(path)  # any BOM/encoding/line endings, as the IDE opens it
    except FileNotFoundError:
        print(f"{path}: error: no such file", file=sys.stderr)
    except UnicodeDecodeError as e:
        print(f"{path}: error: not UTF-8 text ({e.reason} at byte {e.start})", file=sys.stderr)
    except OSError as e:
        print(f"{path}: error: {e.strerror}", file=sys.stderr)
    return None


def check_command(files: list[Path], engine_errors: bool = False,
                  engine_build: str | None = None) -> int:
    failed = False
    for path in files:
        read = read_dialog(path)
        if read is None:
            failed = True
            continue
        source, saved = read
        try:
            options = engine_options(path, engine_errors, engine_build)
        except ValueError as e:
            print(f"talkbench: error: {e}", file=sys.stderr)
            return EXIT_SYNTAX
        for d in check_source(source, str(path), options,
                              provided=package_variable_names(path), saved=saved):
            print(d.format())
            failed = failed or d.severity is Severity.ERROR
    return 1 if failed else 0


def run_command(args: argparse.Namespace) -> int:
    from ..files.bot_package import PackageError, run_target

    try:  # a .gbai package runs its start.bas with its param-* variables
        args.script, args.bot, variables = run_target(args.script, args.bot)
    except PackageError as e:
        print(f"talkbench: error: {e}", file=sys.stderr)
        return EXIT_RUNTIME
    source = read_source(args.script)
    if source is None:
        return EXIT_RUNTIME
    from ..services.providers.storage import confinement_note

    note = confinement_note(Path(args.script).parent)
    if note:
        print(f"talkbench: {note}", file=sys.stderr)
    from ..run.headless import HeadlessRun

    try:
        run = HeadlessRun.prepare(source, str(args.script), db=args.db, bot=args.bot,
                                  input_path=args.input, timeout=args.timeout,
                                  skip_waits=args.skip_waits, variables=variables,
                                  skip_unsupported=args.skip_unsupported)
    except BasicSyntaxError as e:
        for d in e.diagnostics:
            print(d.format(), file=sys.stderr)
        return EXIT_SYNTAX
    except Exception as e:  # a bad database is one line, not a traceback
        from ..db.database import DatabaseError

        if isinstance(e, DatabaseError):
            print(f"talkbench: error: {e}", file=sys.stderr)
            return EXIT_RUNTIME
        raise
    overlay = None
    if args.snapshot:
        from ..db.database import DatabaseError
        from ..memory.sandbox import overlay_report, seed_run

        try:
            overlay = seed_run(run, args.snapshot, args.bot, restore=args.restore_snapshot)
        except (ValueError, DatabaseError) as e:
            print(f"talkbench: error: {e}", file=sys.stderr)
            run.close()
            return EXIT_RUNTIME
    code = asyncio.run(_run_with_signals(run))
    if overlay is not None:
        print(overlay_report(overlay), file=sys.stderr)
    return code


async def _run_with_signals(run: HeadlessRun) -> int:
    from ..run.exit_signals import on_ending_signals

    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(run.execute())
    received: list[int] = []

    def stop(signum: int) -> None:
        received.append(signum)
        task.cancel()

    undo_signals = on_ending_signals(loop, stop)  # SIGHUP too: the terminal was closed
    try:
        code = await task
    except asyncio.CancelledError:
        code = 128 + (received[0] if received else signal.SIGINT)
    except BasicRuntimeError as e:
        print(e.format(), file=sys.stderr)
        code = EXIT_RUNTIME
    finally:
        undo_signals()
        if not run.close():
            code = code or EXIT_RUNTIME
    return code


if __name__ == "__main__":
    sys.exit(main())
