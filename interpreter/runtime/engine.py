"""Runs a compiled dialog as a coroutine: the object generated code calls ``R``.

One :class:`Runtime` per run. Conversation state that outlives a run (user, suggestions,
contexts, session variables) lives in :class:`Session`, so a "new session" in the IDE is
a new Session while bot memory persists in the store.
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import FrameType, TracebackType
from typing import Any, Protocol

from ..codegen.compiler import CompiledProgram, sub_function
from ..codegen.spans import failing_position
from ..errors import BasicRuntimeError
from ..events import (
    EventSink,
    Failed,
    Finished,
    Heard,
    HearStarted,
    InvalidAnswer,
    MemoryWritten,
    Printed,
    RunStarted,
    Stopped,
    Talked,
    ignore_event,
)
from ..library.methods import NAMESPACE
from ..library.operators import EndDialog, publish_locals
from ..ports.host import (
    BotMemory,
    BotMessage,
    Channel,
    FailedWrite,
    HearRequest,
    Suggestion,
    Switcher,
    WriteSource,
)
from ..syntax.nesting import MAX_DEPTH
from ..values import (
    BasicValueError,
    Thrown,
    call_signature,
    repr_value,
    to_display,
    to_number,
    type_name,
)
from .outward import outward

MAX_WAIT = 300.0  # seconds, as the original engine caps WAIT
# A run stopped by THROW "" or RAISE(""): the error still says something where it is shown.
NO_MESSAGE = "an error with an empty message (THROW or RAISE was given \"\")"
HEAR_ATTEMPTS = 3
# Seconds of uninterrupted running before loops yield to the event loop. In the IDE that
# loop is the GUI thread's: a timer due meanwhile waits up to this long plus what runs
# between slices. 5 ms rather than 8 cut the p99 timer lateness during a SET loop from
# ~19 to ~15 ms with the same SET rate and interpreter times (benchmarks/).
YIELD_EVERY = 0.005
# A slice ends YIELD_EVERY after the dialog last yielded, not after it got the loop back: what
# the loop ran meanwhile (in the IDE the memory table's update, its repaint, a garbage
# collection, ~1-3 ms each) counts towards it. Measured from the resume, a timer that came
# due during that work waited for it and then a whole slice. The dialog still runs at least
# MIN_SLICE per turn (or YIELD_EVERY, if less), so a busy loop cannot starve it.
MIN_SLICE = 0.002
# A dialog that got the loop back more than LATE_RESUME after it yielded waited for other
# work (in the IDE the memory table's update and repaint, a garbage collection): it yields
# once more before it runs on. Its resumption was queued when it yielded, so it went ahead of
# any timer that came due during that work, and such a timer then waited for a whole slice
# too (a third of the IDE's late ticks during a SET loop). Set above an idle loop's turn,
# which is quicker than this, so a dialog alone pays nothing. Measured during a SET loop in
# the IDE (medians of 6 alternated runs, load 0.9-2.2): timer lateness p99 13.1 -> 10.7 ms,
# max 25 -> 20 ms, SET rate kept (49 / 50 k/s); 0.5 ms re-yielded so often it was worse.
LATE_RESUME = 0.001
# Loops call tick() every TICK_CHUNK iterations at most. A loop whose body is slow (a memory
# write, a keyword call: 20-60 µs) would then run 5-15 ms between two looks at the clock and
# overshoot YIELD_EVERY by that much, so tick() shrinks the chunk until it is called about
# every TICK_EVERY seconds (a look at the clock costs ~0.1 µs: negligible at that rate).
TICK_CHUNK = 256  # the compiled code's first chunk too
MIN_TICK_CHUNK = 4
TICK_EVERY = 0.0005


@dataclass
class Session:
    """One conversation with one user; survives across runs of dialogs in it."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    user_id: str = ""
    suggestions: list[Suggestion] = field(default_factory=list)
    contexts: dict[str, str] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    system_prompt: str = ""
    tools: list[str] = field(default_factory=list)
    knowledge_bases: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)  # ADD WEBSITE pages, searched like KBs
    http_headers: dict[str, str] = field(default_factory=dict)  # SET HEADER, until CLEAR HEADERS
    model: str = ""  # USE MODEL; "" is the configured default
    model_routing: str = ""  # SET MODEL ROUTING
    webhooks: list[str] = field(default_factory=list)  # WEBHOOK endpoints the dialog declared
    switchers: list[Switcher] = field(default_factory=list)  # ADD SWITCHER, until CLEAR
    events: list[str] = field(default_factory=list)  # PUBLISH EVENT names, in order


# A SUB/FUNCTION activation (or the dialog itself) on the call stack ``Runtime.frames`` is a
# plain list ``[name, variables, line, def_line]``, outermost first. A debug build's calls
# push nothing (that was the largest cost of a call with the debugger attached): the
# debugger rebuilds the stack from the Python stack when it looks (Runtime.observe).
FRAME_NAME, FRAME_VARIABLES, FRAME_LINE, FRAME_DEF_LINE = 0, 1, 2, 3
DIALOG_FRAME = "(dialog)"
Frame = list  # the type of a frame, for annotations


class Variables(dict):
    """The dialog's variables (``G`` in generated code): a dict where a name never
    assigned reads as NULL, so the dialog reads ``G[name]`` (a subscript) instead of
    calling ``G.get(name)`` for each variable it uses."""

    __slots__ = ()

    def __missing__(self, key: str) -> None:
        return None


class StackOverflow(BasicValueError):
    """Raised on entering one call too many; reported at the calling line."""


class DebugHooks(Protocol):
    """What a debug build calls (implemented by ``interpreter.debug.debugger.Debugger``)."""

    line_flags: list[bool]

    async def on_statement(self, runtime: Runtime, line: int, col: int) -> None: ...

    async def on_memory_write(self, runtime: Runtime, key: str, value: str,
                              line: int) -> None: ...

    async def wait(self, runtime: Runtime, seconds: float, line: int) -> None: ...


class Runtime:
    """Executes one compiled program against a channel and a bot memory."""

    def __init__(
        self,
        compiled: CompiledProgram,
        channel: Channel,
        memory: BotMemory,
        *,
        on_event: EventSink = ignore_event,
        session: Session | None = None,
        debugger: DebugHooks | None = None,
        run_id: str | None = None,
        params: dict[str, Any] | None = None,
        initial_vars: dict[str, Any] | None = None,
        skip_waits: bool = False,
        timeout: float | None = None,
        max_ticks: int | None = None,
        services: Mapping[str, Any] | None = None,
    ):
        if debugger is not None and not compiled.debug:
            raise ValueError("a debugger needs a program compiled with debug=True")
        self.compiled = compiled
        self.file = compiled.program.file
        self.channel = channel
        self.memory = memory
        self.emit = on_event
        self.session = session or Session()
        self.debugger = debugger
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.params = dict(params or {})
        self.globals: dict[str, Any] = Variables(initial_vars or {})
        self.frames: list[Frame] = []
        self.error_number, self.error_text = 0, ""  # the last error ON ERROR RESUME NEXT skipped
        # Set when the debugger changed a variable while paused: the dialog then reloads its
        # locals from G after the SUB call (or memory write) it was in (debug builds).
        self.edited = False
        # code of __main__ / of each SUB -> (frame name, def line), to find them on the stack
        self._codes: dict[Any, tuple[str, int]] = {}
        self._main_code: Any = None
        self.depth = 0  # the call depth at the last debug hook (the dialog is 1)
        self.skip_waits = skip_waits
        self.deadline = time.monotonic() + timeout if timeout else None
        self.timeout = timeout
        # float: a chunk smaller than TICK_CHUNK spends a fraction of a tick
        self.ticks_left: float | None = max_ticks
        self.chunk = TICK_CHUNK  # iterations loops run until their next tick
        self.calls = TICK_CHUNK  # recursive SUB calls until their next tick (compiler.call_tick)
        self.last_tick = time.perf_counter()
        self.slice_end = self.last_tick + YIELD_EVERY  # tick() yields after this
        self.current_line = 0
        self.warned_lines: set[int] = set()  # lines whose runtime warning this run has said
        self._sources: dict[int, WriteSource] = {}
        self.turn = 0  # user messages received so far: the conversation turn writes belong to
        from ..keywords.registry import KEYWORDS, check_arity  # here: keywords import this module

        self._keywords = KEYWORDS
        self._check_arity = check_arity
        self.services: Mapping[str, Any] = services or {}
        # The memory's commit barrier (interpreter.ports.host.CommitBarrier), if it has one.
        self._commit = getattr(memory, "commit_barrier", None)
        self._pace = getattr(memory, "pace", None)  # interpreter.ports.host.Paced

    # ------------------------------------------------------------ running

    async def run(self) -> Any:
        """Run to the end; returns a top-level RETURN value. Raises BasicRuntimeError."""
        ns: dict[str, Any] = dict(NAMESPACE)
        ns.update(self.compiled.builtins)
        ns["__builtins__"] = {}
        ns["_B"] = self.debugger.line_flags if self.debugger else None
        # [True] while the debugger has nothing to stop at: debug builds then call the
        # hook-free copies of SUBs (compiler.QUIET_PREFIX). Unknown: always the debug SUBs.
        ns["_Q"] = getattr(self.debugger, "quiet", [False]) if self.debugger else [True]
        ns["_memget"] = self.memory.get  # GET BOT MEMORY with a text key, without memget()
        # Each BASIC call nests a few Python frames; leave room below MAX_DEPTH calls.
        sys.setrecursionlimit(max(sys.getrecursionlimit(), MAX_DEPTH * 4 + 500))
        # The code is the compiler's own output for this dialog, never text from a user.
        exec(self.compiled.code, ns)  # noqa: S102 - defines the dialog's and SUBs' coroutines
        self._main_code = ns["__main__"].__code__
        self._codes = {self._main_code: (DIALOG_FRAME, 0)}
        for sub in self.compiled.program.subs.values():
            self._codes[ns[sub_function(sub.name)].__code__] = (sub.name, sub.line)
        self.frames = [[DIALOG_FRAME, self.globals, 1, 0]]
        self.depth = 1
        self.emit(RunStarted(self.file, self.run_id))
        try:
            try:
                result = await ns["__main__"](self, self.globals)
            except EndDialog as e:
                result = e.value
            await self.barrier()  # the end of the run (its result, a webhook reply) is seen
        except asyncio.CancelledError:
            self.emit(Stopped(self.frames[0][FRAME_LINE] if self.frames else 0))
            raise
        except BasicRuntimeError as e:
            await self._barrier_before_failure()
            self.emit(Failed(e))
            raise
        except Exception as e:  # every Python error becomes a BASIC error
            err = self.runtime_error(e)
            await self._barrier_before_failure()
            self.emit(Failed(err))
            raise err from e
        self.emit(Finished(result))
        return result

    async def run_dialog(self, compiled: CompiledProgram, params: dict[str, Any],
                         on_event: EventSink) -> Any:
        """Run another dialog (a tool) in this session, channel, memory and providers,
        with ``params`` as its PARAMs; returns its result."""
        runtime = type(self)(compiled, self.channel, self.memory, on_event=on_event,
                             session=self.session, params=params, services=self.services,
                             skip_waits=self.skip_waits)
        return await runtime.run()

    # ------------------------------------------------------------ external synchrony

    async def barrier(self) -> None:
        """Commit the memory writes made so far, before something outside can see the run
        (a TALK, a HEAR prompt, a mail, an HTTP call, the end). Cheap when nothing is
        pending; a write that failed stops the run with an error at the line that made it."""
        commit = self._commit
        if commit is None:
            return
        waiter = commit(self.run_id)
        if waiter is None:
            return
        failed = await waiter
        if failed:
            raise self._write_error(failed[0])

    async def _barrier_before_failure(self) -> None:
        # The run already failed: its own error wins over a write error found meanwhile.
        try:
            await self.barrier()
        except BasicRuntimeError:
            pass

    def _write_error(self, failed: FailedWrite) -> BasicRuntimeError:
        source = failed.source
        what = "was refused" if failed.final else "could not be saved"
        message = f"SET BOT MEMORY {failed.key!r} {what}: {failed.message}"
        if source is not None and source.file and source.line:
            return BasicRuntimeError(message, source.file, source.line, 1)
        return BasicRuntimeError(message, self.file, self.current_line, 1)

    def runtime_error(self, exc: BaseException) -> BasicRuntimeError:
        """Map a Python exception to a BASIC error at the statement that raised it."""
        line, col = self.locate(exc)
        if isinstance(exc, BasicValueError):
            message = str(exc) or NO_MESSAGE
        elif isinstance(exc, ZeroDivisionError):
            message = "division by zero"
        elif isinstance(exc, RecursionError):
            message = "stack overflow: too many nested SUB/FUNCTION calls"
        elif isinstance(exc, MemoryError):
            message = "out of memory"
        elif isinstance(exc, (OverflowError,)):
            message = "number too large"
        else:
            message = f"internal error ({type(exc).__name__}: {exc})"
        return BasicRuntimeError(message, self.file, line, col)

    def locate(self, exc: BaseException) -> tuple[int, int]:
        """The statement that raised, at the operator or call in it that failed."""
        line_map = self.compiled.line_map
        filename = self.compiled.filename
        found: list[tuple[tuple[int, int], TracebackType | None]] = [
            ((self.current_line, 1), None)]
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == filename and 0 < tb.tb_lineno <= len(line_map):
                found.append((line_map[tb.tb_lineno - 1], tb))
            tb = tb.tb_next
        if isinstance(exc, StackOverflow) and len(found) > 2:
            return found[-2][0]  # the innermost frame is the callee's entry; blame the call
        statement, frame = found[-1]
        if frame is None or not self.compiled.spans:
            return statement
        return failing_position(frame, self.compiled.source.splitlines(), self.compiled.spans,
                                statement)

    async def tick(self, ran: int | None = None) -> int:
        """Called by loops every ``self.chunk`` iterations: yield, time out, budget; returns
        the iterations until the next call. ``ran``: the items of a window a FOR EACH fast
        pass ran since the last call, which may be more than the chunk."""
        now = time.perf_counter()
        # The iterations since the last call, as far as the budget goes.
        ran = self.chunk if ran is None else max(ran, self.chunk)
        self._adapt_chunk(now - self.last_tick)
        if now > self.slice_end:
            await asyncio.sleep(0)
            yielded, now = now, time.perf_counter()
            if now - yielded > LATE_RESUME:
                await asyncio.sleep(0)  # once: a busy loop still lets the dialog run
                now = time.perf_counter()
            if self._pace is not None:
                behind = self._pace()
                if behind is not None:
                    await behind
                    now = time.perf_counter()
            self.slice_end = max(yielded + YIELD_EVERY, now + min(MIN_SLICE, YIELD_EVERY))
        self.last_tick = now
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise BasicValueError(f"the run timed out after {self.timeout:g} s")
        if self.ticks_left is not None:
            # The budget counts chunks of TICK_CHUNK iterations, whatever the chunk now is.
            self.ticks_left -= ran / TICK_CHUNK
            if self.ticks_left < 0:
                raise BasicValueError("the step budget of this run is exhausted")
        return self.chunk

    def _adapt_chunk(self, since_last_tick: float) -> None:
        """Size the next chunk to last about TICK_EVERY at the pace of the last one; grow at
        most twofold per tick (one quick chunk after a WAIT or a HEAR is not yet a trend)."""
        if since_last_tick <= 0:
            self.chunk = min(TICK_CHUNK, self.chunk * 2)
            return
        fitting = int(self.chunk * TICK_EVERY / since_last_tick)
        self.chunk = max(MIN_TICK_CHUNK, min(TICK_CHUNK, self.chunk * 2, fitting))

    def error_resumed(self, exc: Exception, line: int) -> None:
        """ON ERROR RESUME NEXT skipped a failing statement: record it for ERR_NUMBER /
        ERR_DESCRIPTION and say so in the output, so the IDE still shows what failed."""
        error = self.runtime_error(exc)
        # ERR_DESCRIPTION is what was thrown, even an empty text (as in General Bots).
        self.error_number = 1
        self.error_text = exc.text if isinstance(exc, Thrown) else \
            str(exc) if isinstance(exc, BasicValueError) else error.message
        # each skipped failure is said, as LOG WARN is: neither is a warning about the line
        self.emit(Printed(f"error ignored (ON ERROR RESUME NEXT): {error.message}", line,
                          "warning"))

    def overflow(self, name: str) -> None:
        """A call one level too deep (generated code passes the depth down as ``_dp``)."""
        raise StackOverflow(f"stack overflow: more than {MAX_DEPTH} nested calls (in {name})")

    def fail(self, message: str) -> Any:
        raise BasicValueError(message)

    def fail_unknown(self, name: str, what: str = "SUB or keyword",
                     args: list[Any] | None = None) -> Any:
        engine = "" if args is None else \
            f" (General Bots: Function not found: {call_signature(name, args)})"
        raise BasicValueError(f"unknown {what} '{name}'{engine}")

    # ------------------------------------------------------------ debugger

    def observe(self) -> None:
        """Rebuild ``frames`` from the Python stack and copy the dialog's local variables
        into G, for the debugger to show, evaluate or edit (debug builds).

        Call it synchronously from a hook, while the run's coroutines are on the Python
        stack. Nothing is kept up to date while the script runs; this costs a walk of the
        stack only when the debugger looks. The dialog reloads its locals after the hook or
        the SUB call that paused, if the user edited a variable (``edited``).
        """
        if self._main_code is None:
            return
        line_map, codes = self.compiled.line_map, self._codes
        frames: list[Frame] = []
        main = None
        frame: FrameType | None = sys._getframe(1)
        while frame is not None:
            found = codes.get(frame.f_code)
            if found is not None:
                name, def_line = found
                index = frame.f_lineno - 1
                line = line_map[index][0] if 0 <= index < len(line_map) else def_line
                if frame.f_code is self._main_code:
                    main = frame
                    frames.append([name, self.globals, line, def_line])
                    break
                frames.append([name, frame.f_locals.get("L"), line, def_line])
            frame = frame.f_back
        if main is None:
            return
        frames.reverse()
        self.frames = frames
        if not self.edited:  # edited: G is newer than the locals until they are reloaded
            values = main.f_locals
            bound = [(key, var) for key, var in self.compiled.main_locals if var in values]
            publish_locals(self.globals, tuple(key for key, _ in bound),
                           tuple(values[var] for _, var in bound))

    def unedit(self) -> None:
        """The dialog reloaded its locals after an edit (called from generated code)."""
        self.edited = False

    async def debug_hook(self, line: int, col: int, depth: int) -> bool:
        """The statement hook, at call depth ``depth`` (the dialog is 1); returns whether a
        variable was edited while paused (the dialog then reloads its locals from G)."""
        self.depth = depth
        self.current_line = line
        if depth == 1:  # where Stop reports the dialog stopped
            self.frames[0][FRAME_LINE] = line
        if self.debugger is not None:
            await self.debugger.on_statement(self, line, col)
        return self.edited

    async def debug_memset(self, key: Any, value: Any, line: int) -> None:
        k, v = self.memset(key, value, line)
        if self.debugger is not None:
            await self.debugger.on_memory_write(self, k, v, line)

    # ------------------------------------------------------------ core keywords

    async def talk(self, value: Any, line: int, recipient: str = "") -> None:
        message = BotMessage(to_display(value), tuple(self.session.suggestions), recipient)
        await self.barrier()
        await self.channel.talk(message)
        self.emit(Talked(message, line))

    def print_(self, values: list[Any], line: int) -> None:
        self.emit(Printed(" ".join(to_display(v) for v in values), line))

    def warn(self, text: str, line: int) -> None:
        """Talkbench's warning about a line, said once per line per run: a loop would
        otherwise repeat it on every pass and bury the dialog's own output."""
        if line in self.warned_lines:
            return
        self.warned_lines.add(line)
        self.emit(Printed(text, line, "warning"))

    async def hear(self, variable: str, kind: str, options: tuple, prompt: Any, default: Any,
                   line: int) -> Any:
        from ..library.hear_types import validate_answer

        if prompt is not None:
            await self.talk(prompt, line)
        opts = tuple(to_display(o) for o in options)
        attempt = 1
        while True:
            request = HearRequest(variable, kind, opts, attempt)
            await self.barrier()  # the question is shown and the run may wait for hours
            self.emit(HearStarted(request, line))
            text = await self.channel.hear(request)
            self.turn += 1
            self._sources.clear()  # later writes carry the new turn
            if await self.run_tool_suggestion(text, line):
                continue  # the tool ran; the question still waits for its answer
            if text.strip() == "" and default is not None:
                value = default
                break
            answer = validate_answer(kind, text, opts)
            if answer.ok:
                value = answer.value
                break
            self.emit(InvalidAnswer(variable, text, answer.hint, line))
            if attempt >= HEAR_ATTEMPTS:
                # General Bots hands HEAR the text as typed (ws_handler.rs → hear_block in
                # botbasic_core/src/keywords/hearing/syntax.rs; its validators are not
                # wired in): the dialog goes on with the last answer, unchecked.
                value = text
                self.warn(f"HEAR {variable} AS {kind}: no valid answer after {attempt} "
                          f"tries; going on with the last answer as typed, as General Bots "
                          f"does", line)
                break
            await self.barrier()
            await self.channel.talk(BotMessage(answer.hint, tuple(self.session.suggestions)))
            attempt += 1
        self.emit(Heard(variable, text, value, line))
        return value

    async def run_tool_suggestion(self, text: str, line: int) -> bool:
        """Choosing an ADD SUGGESTION TOOL button runs that tool dialog in this session."""
        chosen = text.strip()
        for s in self.session.suggestions:
            if s.tool and s.text == chosen:
                from ..keywords.knowledge import run_tool

                await run_tool(self, s.tool, dict(s.arguments), line)
                return True
        return False

    def memset(self, key: Any, value: Any, line: int) -> tuple[str, str]:
        # General Bots registers SET_BOT_MEMORY(String, String) only: a number (or anything
        # else) is its "Function not found"; STR(x) or "" + x makes the text.
        if key.__class__ is not str or value.__class__ is not str:
            raise BasicValueError(
                f"SET BOT MEMORY takes text only, got {type_name(key)} key and "
                f"{type_name(value)} value {repr_value(value)[:40]} (General Bots: Function "
                f"not found: {call_signature('SET_BOT_MEMORY', (key, value))}); use "
                f"STR(x) to store a number")
        k, v = key, value
        if k == "":
            raise BasicValueError("SET BOT MEMORY needs a non-empty key")
        source = self._sources.get(line)
        if source is None:  # one immutable source per line: building it costs as much as a SET
            source = self._sources[line] = WriteSource(self.file, line, self.run_id,
                                                       turn=self.turn)
        try:
            self.memory.set(k, v, source)
        except (ValueError, TypeError) as e:  # e.g. a NUL character no database can store
            raise BasicValueError(f"cannot store memory key {k!r}: {e}") from None
        self.emit(MemoryWritten(k, v, line))
        return k, v

    def memget(self, key: Any) -> str:
        # GET_BOT_MEMORY(String) -> String in General Bots; a missing key reads "".
        if key.__class__ is not str:
            raise BasicValueError(f"GET BOT MEMORY takes a text key, got {type_name(key)} "
                                  f"(General Bots: Function not found: "
                                  f"{call_signature('GET_BOT_MEMORY', (key,))})")
        return self.memory.get(key)

    async def wait(self, seconds: Any, line: int) -> None:
        s = to_number(seconds, "WAIT seconds")
        if s < 0:
            raise BasicValueError(f"WAIT needs a number of seconds >= 0, got {to_display(s)}")
        if s > MAX_WAIT:
            self.warn(f"WAIT {to_display(s)} is capped at {MAX_WAIT:g} seconds", line)
            s = MAX_WAIT
        if self.debugger is not None and s > 0 and not self.skip_waits:
            await self.debugger.wait(self, s, line)  # a pause request interrupts it
            return
        await asyncio.sleep(0 if self.skip_waits else s)

    def service(self, name: str, phrase: str) -> Any:
        """The provider behind a keyword (HTTP, LLM, mail, tables…), from the host app.

        The interpreter implements none of them; a host that did not configure one makes the
        keyword fail with a clear message instead of pretending to succeed.
        """
        provider = self.services.get(name)
        if provider is None:
            hint = getattr(self.services, "hint", lambda n: "")(name)
            raise BasicValueError(f"{phrase} needs the '{name}' service, which is not "
                                  f"configured{': ' + hint if hint else ''}")
        return outward(name, provider, self.barrier)

    async def keyword(self, phrase: str, args: list[Any], clauses: dict[str, list[Any]],
                      line: int) -> Any:
        handler = self._keywords.get(phrase)
        if handler is None:
            raise BasicValueError(f"the keyword {phrase} is not supported by Talkbench yet")
        self._check_arity(phrase, len(args))
        return await handler(self, args, clauses, line)

    async def param(self, name: str, ptype: str, description: str, like: Any, default: Any,
                    optional: bool, line: int, options: tuple[str, ...] = ()) -> Any:
        """A tool PARAM: the caller's value, else its DEFAULT, else ask the user (a menu
        when it lists its values)."""
        key = name
        if key in self.params:
            return self.params[key]
        if key in self.globals and self.globals[key] not in (None, ""):
            return self.globals[key]
        if default is not None:
            return default
        if optional:
            return None
        question = description or f"Please enter {name}"
        if options:
            return await self.hear(name, "MENU", options, question, None, line)
        kind = ptype if ptype not in ("STRING", "TEXT") else "STRING"
        return await self.hear(name, kind, (), question, None, line)

    def on_block(self, event: str, args: list[Any], line: int) -> None:
        if event == "EVENT":
            from ..keywords.events_bus import check_on_event

            check_on_event(args)
        detail = " ".join(to_display(a) for a in args)
        self.emit(Printed(f"ON {event} {detail}: handler registered; it runs when the event "
                          f"happens, not inline", line))
