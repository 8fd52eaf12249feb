"""The language server: pygls wiring of each feature module, stdio transport."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from .. import __version__
from .analysis import Analysis
from .diagnostics import check_document
from .memory_keys import StoreAccess


class TalkbenchServer(LanguageServer):
    """Keeps one analysis per open document version and the client's initialization options."""

    def __init__(self) -> None:
        super().__init__("talkbench", __version__)
        self.options: dict = {}
        self._analyses: dict[str, tuple[int | None, Analysis]] = {}
        # Each open document's text as opened or last saved: a key edited since then may be
        # renamed everywhere (``key_rename``).
        self.baselines: dict[str, str] = {}
        self.store = StoreAccess()
        # Checks run one at a time off the event loop, so requests are answered while a big
        # dialog is checked; a document edited during its check is checked once more, at its
        # newest version, instead of once per keystroke.
        self._checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="talkbench-check")
        self._checking: set[str] = set()
        self._stale: set[str] = set()

    def document(self, uri: str) -> TextDocument:
        return self.workspace.get_text_document(uri)

    def analysis(self, uri: str) -> Analysis:
        doc = self.document(uri)
        cached = self._analyses.get(uri)
        if cached is not None and cached[0] == doc.version and doc.version is not None:
            return cached[1]
        result = Analysis(doc.source, doc.path or uri)
        self._analyses[uri] = (doc.version, result)
        return result

    def forget(self, uri: str) -> None:
        self._analyses.pop(uri, None)

    async def publish(self, uri: str) -> None:
        """Check ``uri`` and publish; while a check of it runs, only note that it is stale."""
        if uri in self._checking:
            self._stale.add(uri)
            return
        self._checking.add(uri)
        try:
            while True:
                self._stale.discard(uri)
                await self._check_once(uri)
                if uri not in self._stale:
                    return
        finally:
            self._checking.discard(uri)

    async def _check_once(self, uri: str) -> None:
        doc = self.document(uri)
        path = Path(doc.path) if doc.path and uri.startswith("file:") else None
        version, source = doc.version, doc.source
        found = await asyncio.get_running_loop().run_in_executor(
            self._checker, check_document, source, path)
        if uri in self.workspace.text_documents and uri not in self._stale:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, diagnostics=found, version=version))


def build_server() -> TalkbenchServer:
    server = TalkbenchServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: TalkbenchServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        ls.options = dict(options) if isinstance(options, dict) else {}

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: TalkbenchServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.baselines[params.text_document.uri] = params.text_document.text
        await ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: TalkbenchServer,
                         params: types.DidChangeTextDocumentParams) -> None:
        await ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: TalkbenchServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)
        ls.baselines.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=params.text_document.uri, diagnostics=[]))

    from . import (
        fixes,
        key_rename,
        language,
        memory_keys,
        navigation,
        outline,
        semantic,
        signatures,
    )

    for module in (language, signatures, outline, semantic, navigation, memory_keys, fixes,
                   key_rename):
        module.register(server)
    return server


def run() -> int:
    build_server().start_io()
    return 0
