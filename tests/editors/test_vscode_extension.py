"""editors/vscode starts both servers from one extension: node activates ``extension.js`` and
reports the language server command it gives vscode-languageclient and the debug adapter its
factory returns; those very commands are then started here as real processes, and answer LSP
and DAP. (VS Code itself cannot run here: ``activate_vscode_extension.js`` stands in for the
``vscode`` API and records what the extension hands it.)"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from tests.app.dap.support import ROOT, TIMEOUT, start, stdio_adapter

EXTENSION = ROOT / "editors" / "vscode"
HARNESS = Path(__file__).with_name("activate_vscode_extension.js")
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node runs the extension's module")


def activate(settings: dict) -> dict:
    done = subprocess.run([NODE, str(HARNESS), str(EXTENSION), json.dumps(settings)],
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


@pytest.fixture
def memory(tmp_path: Path) -> str:
    from app.memory.store import MemoryStore

    url = f"sqlite:///{tmp_path / 'memory.sqlite3'}"
    store = MemoryStore(url)
    try:
        store.set("shop", "last_order", "A-17")
        assert store.flush(10)
    finally:
        store.close()
    return url


@pytest.fixture
def activated(memory: str) -> dict:
    return activate({"command": sys.executable, "args": ["-m", "app"], "db": memory,
                     "bot": "shop"})


def test_the_manifest_declares_the_language_the_debugger_and_the_client_library() -> None:
    manifest = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    assert manifest["main"] == "./extension.js"
    assert "vscode-languageclient" in manifest["dependencies"]
    assert "onLanguage:gbasic" in manifest["activationEvents"]
    assert [d["type"] for d in manifest["contributes"]["debuggers"]] == ["talkbench"]
    assert "talkbench.args" in manifest["contributes"]["configuration"]["properties"]


def test_activation_starts_one_language_client_and_registers_the_debug_adapter(
        activated: dict, memory: str) -> None:
    [client] = activated["languageClients"]
    assert client["serverOptions"] == {"command": sys.executable, "args": ["-m", "app", "lsp"]}
    assert client["clientOptions"]["documentSelector"] == [{"scheme": "file",
                                                            "language": "gbasic"}]
    assert client["clientOptions"]["initializationOptions"] == {"db": memory, "bot": "shop"}
    assert activated["debugAdapter"] == {"kind": "executable", "command": sys.executable,
                                         "args": ["-m", "app", "dap"]}
    assert activated["debugServer"] == {"kind": "server", "port": 4711, "host": "127.0.0.1"}
    assert activated["warnings"] == []


def test_default_settings_run_talkbench_from_the_path() -> None:
    found = activate({})
    assert found["languageClients"][0]["serverOptions"] == {"command": "talkbench",
                                                            "args": ["lsp"]}
    assert found["debugAdapter"]["args"] == ["dap"]


def test_the_language_server_command_answers_lsp(activated: dict, tmp_path: Path) -> None:
    [client] = activated["languageClients"]

    async def session() -> tuple[str, list[str], list[types.Diagnostic]]:
        lsp = LanguageClient("vscode-extension-test", "1")
        published: asyncio.Queue[list[types.Diagnostic]] = asyncio.Queue()

        @lsp.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            published.put_nowait(params.diagnostics)

        server = client["serverOptions"]
        await lsp.start_io(server["command"], *server["args"], cwd=str(ROOT))
        try:
            result = await asyncio.wait_for(lsp.initialize_async(types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                initialization_options=client["clientOptions"]["initializationOptions"])),
                TIMEOUT)
            lsp.initialized(types.InitializedParams())
            uri = (tmp_path / "k.bas").as_uri()
            lsp.text_document_did_open(types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="gbasic", version=1,
                                                     text='x = GET BOT MEMORY "la"\nTALK y\n')))
            found = await asyncio.wait_for(published.get(), TIMEOUT)
            completion = await asyncio.wait_for(lsp.text_document_completion_async(
                types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri),
                                       position=types.Position(line=0, character=21))),
                TIMEOUT)
            await asyncio.wait_for(lsp.shutdown_async(None), TIMEOUT)
            lsp.exit(None)
        finally:
            await lsp.stop()
        return result.server_info.name, [i.label for i in completion.items], found

    name, keys, found = asyncio.run(session())
    assert name == "talkbench"
    assert "last_order" in keys  # the stored key: the initializationOptions reached it
    assert any("'y' is read but never assigned" in d.message for d in found)


def test_the_debug_adapter_command_runs_a_dialog_over_dap(activated: dict, memory: str,
                                                          tmp_path: Path) -> None:
    adapter = activated["debugAdapter"]
    program = tmp_path / "hello.bas"
    program.write_text('TALK "hello from the adapter"\n', encoding="utf-8")
    with stdio_adapter([adapter["command"], *adapter["args"]]) as (client, _proc):
        caps = start(client, {"program": str(program), "db": memory, "bot": "shop"})
        assert caps["supportsConfigurationDoneRequest"] is True
        client.request("configurationDone")
        said = client.wait_event("output",
                                 where=lambda b: "hello from the adapter" in b["output"])
        assert "hello from the adapter" in said["output"]
        client.wait_event("terminated")
