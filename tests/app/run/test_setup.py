"""app.run.setup: the one place runs are built (proven by walking every module), and the
runs it builds: the bot's memory, the run id, variables, the providers and their settings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.memory.session import Origin
from app.memory.store import MemoryStore
from app.run.setup import RunSetup, RunSpec
from interpreter import BasicRuntimeError, load_source
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel

ROOT = Path(__file__).resolve().parents[3]
# What makes a run or its providers; only app/run/setup.py may call them (the registry makes
# its own Services). Interpreter tests and benchmarks build runtimes of their own: not walked.
BUILDERS = frozenset({"Runtime", "build_services", "Services", "run_source"})
ALLOWED = {"app/run/setup.py": BUILDERS, "app/services/registry.py": frozenset({"Services"})}


def builds(source: str, name: str) -> list[str]:
    """Where ``source`` calls a run builder, or imports one under another name."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Call):
            func = node.func
            called = (func.id if isinstance(func, ast.Name)
                      else func.attr if isinstance(func, ast.Attribute) else "")
            if called in BUILDERS:
                found.append(f"{name}:{node.lineno}: calls {called}(")
        elif isinstance(node, ast.ImportFrom):
            found += [f"{name}:{node.lineno}: imports {a.name} as {a.asname}"
                      for a in node.names if a.name in BUILDERS and a.asname]
    return found


def test_only_the_run_setup_builds_runtimes_and_services() -> None:
    """Each entry point (CLI, IDE, DAP, webhook, schedules, .chat tests, keyword status)
    describes its run in a RunSpec: a new provider or Runtime option is wired once."""
    found = []
    for package in ("app", "ui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            allowed = ALLOWED.get(name, frozenset())
            found += [f for f in builds(path.read_text(encoding="utf-8"), name)
                      if not any(f.endswith(f" {b}(") for b in allowed)]
    assert found == []


@pytest.mark.parametrize("source", [
    "from interpreter import Runtime\nrt = Runtime(c, ch, m)\n",
    "import interpreter\nrt = interpreter.Runtime(c, ch, m)\n",
    "from interpreter import Runtime as Engine\n",
    "from app.services.registry import build_services\ns = build_services(ctx)\n",
    "async def f(s, ch, m):\n    return await run_source(s, ch, m)\n",
])
def test_the_walk_sees_each_way_of_building_a_run(source: str) -> None:
    assert builds(source, "x.py") and builds(source, "x.py")[0].startswith("x.py:")


@pytest.fixture
def store(tmp_path: Path):
    opened = MemoryStore(f"sqlite:///{tmp_path / 'memory.sqlite3'}")
    yield opened
    opened.close(timeout=5.0)


@pytest.mark.asyncio
async def test_a_run_writes_the_bots_memory_with_its_variables_and_origin(
        store: MemoryStore, tmp_path: Path) -> None:
    compiled = load_source('SET BOT MEMORY "greeting", "hi " + who\n', str(tmp_path / "d.bas"))
    with RunSetup.for_dialog(store, "shop", str(tmp_path)) as setup:
        runtime = setup.runtime(RunSpec(compiled, QueuedChannel.with_answers([]),
                                        origin=Origin.SCHEDULE, variables={"who": "Ann"}))
        await runtime.run()
    assert store.flush(5.0)
    assert store.value("shop", "greeting") == "hi Ann"
    assert store.value("default", "greeting") is None
    assert runtime.run_id.startswith("schedule-")


@pytest.mark.asyncio
async def test_runs_of_one_setup_share_its_providers(store: MemoryStore, tmp_path: Path) -> None:
    """A DAP restart keeps the providers' sessions: both runs get the same ones."""
    compiled = load_source('TALK "x"\n', str(tmp_path / "d.bas"))
    with RunSetup.for_dialog(store, "shop", str(tmp_path)) as setup:
        first = setup.runtime(RunSpec(compiled, QueuedChannel.with_answers([])))
        second = setup.runtime(RunSpec(compiled, QueuedChannel.with_answers([])))
        assert first.services is second.services is setup.services
        assert "http" in setup.services
        assert first.run_id != second.run_id


@pytest.mark.asyncio
async def test_the_hosts_settings_reach_the_providers(
        store: MemoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``talkbench run --skip-unsupported`` and the IDE's toggle pass the same override."""
    monkeypatch.delenv("TALKBENCH_UNSUPPORTED_KEYWORDS", raising=False)
    compiled = load_source('RUN PYTHON "print(1)"\nTALK "after"\n', str(tmp_path / "d.bas"))
    channel = QueuedChannel.with_answers([])
    with (RunSetup.for_dialog(store, "shop", str(tmp_path)) as setup,
          pytest.raises(BasicRuntimeError, match="RUN PYTHON is not supported")):
        await setup.runtime(RunSpec(compiled, channel)).run()
    skip = {"unsupported_keywords": "skip"}
    with RunSetup.for_dialog(store, "shop", str(tmp_path), skip) as setup:
        await setup.runtime(RunSpec(compiled, channel)).run()
    assert channel.texts == ["after"]


class HostServices(dict):
    """A host's own service map (as the keyword-status probe passes)."""

    closed = False

    def close(self) -> None:
        self.closed = True


@pytest.mark.asyncio
async def test_a_hosts_own_services_are_used_and_left_open(tmp_path: Path) -> None:
    services = HostServices(unsupported_keywords="skip")
    compiled = load_source('RUN PYTHON "print(1)"\nTALK "after"\n', str(tmp_path / "d.bas"))
    channel = QueuedChannel.with_answers([])
    with RunSetup.with_services(services) as setup:
        await setup.runtime(RunSpec(compiled, channel, memory=DictMemory())).run()
    assert channel.texts == ["after"]
    assert not services.closed


def test_a_spec_without_memory_needs_a_store(tmp_path: Path) -> None:
    compiled = load_source('TALK "x"\n', str(tmp_path / "d.bas"))
    setup = RunSetup.with_services({})
    with pytest.raises(ValueError, match="no memory store: give the RunSpec a memory"):
        setup.runtime(RunSpec(compiled, QueuedChannel.with_answers([])))
