"""Memory keys: completion from the configured store and the workspace's dialogs, and rename of
a literal key across the workspace (the IDE's cross-reference rename, reusing
``app.memory.key_xref``).

The store is named by the client's initializationOptions ``{"db": URL, "bot": NAME}``; it is
opened on the first completion inside a key string and only read. Renaming the stored row is the
``talkbench.renameStoredKey`` command, which a rename's edit does not run by itself: a text edit
can be undone in the editor, a stored row cannot. The code action of ``key_rename`` runs it after
the user accepted its previewed edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.uris import from_fs_path, to_fs_path

from ..files.atomic_file import read_text_file
from ..memory import key_xref
from .analysis import Analysis
from .positions import char_index, lines_of, span

if TYPE_CHECKING:
    from .server import TalkbenchServer

RENAME_STORED_KEY = "talkbench.renameStoredKey"
RENAME_ANNOTATION = "talkbench.renameMemoryKey"
MAX_STORED_KEYS = 2000  # a longer completion list helps nobody and costs a query


class StoreAccess:
    """The store of the client's options, opened once; errors are reported, not raised."""

    def __init__(self) -> None:
        self._store: Any = None
        self.error: str | None = None

    def open(self, options: dict) -> Any:
        url = options.get("db")
        if self._store is not None or self.error is not None or not url:
            return self._store
        from ..db.database import DatabaseError
        from ..memory.store import MemoryStore

        try:
            self._store = MemoryStore(url if "://" in url else f"sqlite:///{url}")
        except (DatabaseError, ValueError, OSError) as e:
            self.error = f"memory keys: cannot open {url}: {e}"
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def bot_of(options: dict) -> str:
    bot = options.get("bot")
    return bot if isinstance(bot, str) and bot else "default"


def stored_keys(ls: TalkbenchServer) -> list[str]:
    store = ls.store.open(ls.options)
    if ls.store.error:
        ls.window_log_message(types.LogMessageParams(type=types.MessageType.Error,
                                                     message=ls.store.error))
    if store is None:
        return []
    return [e.key for e in store.list(bot_of(ls.options), limit=MAX_STORED_KEYS)]


def workspace_sources(ls: TalkbenchServer, uri: str) -> dict[str, str]:
    """Path -> text of every dialog in the workspace folders, open documents as edited."""
    sources: dict[str, str] = {}
    for folder in ls.workspace.folders.values():
        root = to_fs_path(folder.uri)
        for path in key_xref.dialog_files(root) if root else ():
            try:
                sources[path] = read_text_file(path)[0]
            except (OSError, UnicodeDecodeError):
                continue
    for doc in list(ls.workspace.text_documents.values()) + [ls.document(uri)]:
        if doc.path:
            sources[doc.path] = doc.source
    return sources


def known_keys(ls: TalkbenchServer, uri: str, line: int) -> list[str]:
    """Stored keys of the configured bot and the literal keys the workspace's dialogs use
    (except on 1-based ``line`` of ``uri``, where the key being typed is no suggestion)."""
    current = ls.document(uri).path
    used = {u.key for path, text in workspace_sources(ls, uri).items()
            for u in key_xref.scan_source(text, path)
            if u.key is not None and not (path == current and u.line == line)}
    return sorted(set(stored_keys(ls)) | used)


def _literal_end(line: str, start: int) -> int | None:
    """Index just past the double-quoted literal opening at ``line[start]``."""
    i = start + 1
    while i < len(line):
        if line[i] == '"':
            if line[i + 1:i + 2] == '"':
                i += 2
                continue
            return i + 1
        i += 1
    return None


def literal_spans(source: str, path: str, key: str | None = None):
    """(use, end column) of each literal key use, or only those of ``key``."""
    lines = lines_of(source)
    for use in key_xref.scan_source(source, path):
        if use.key is None or (key is not None and use.key != key):
            continue
        line = lines[use.line - 1] if use.line <= len(lines) else ""
        if line[use.col - 1:use.col] != '"':
            continue
        end = _literal_end(line, use.col - 1)
        if end is not None:
            yield use, end + 1


def key_at(source: str, path: str, lines: list[str], position: types.Position):
    """(use, end column) of the literal key at ``position``, or None."""
    row, index = char_index(lines, position)
    for use, end_col in literal_spans(source, path):
        if use.line == row + 1 and use.col - 1 <= index < end_col:
            return use, end_col
    return None


def _key_at(analysis: Analysis, position: types.Position):
    return key_at(analysis.source, analysis.file, analysis.lines, position)


def key_range_at(analysis: Analysis, position: types.Position) -> types.Range | None:
    found = _key_at(analysis, position)
    if found is None:
        return None
    use, end_col = found
    return span(analysis.lines, use.line, use.col + 1, end_col - 1)  # the key, not its quotes


def rename_key(ls: TalkbenchServer, uri: str, position: types.Position,
               new_key: str) -> types.WorkspaceEdit | None:
    """Edits renaming the literal key under the cursor in every dialog of the workspace, each
    under a change annotation that needs confirmation (the client previews them)."""
    found = _key_at(ls.analysis(uri), position)
    if found is None:
        return None
    old = found[0].key
    if not new_key.strip():
        raise JsonRpcInvalidParams("a memory key cannot be empty")
    changes = key_edits(ls, uri, old, new_key)
    return types.WorkspaceEdit(document_changes=changes,
                               change_annotations={RENAME_ANNOTATION: types.ChangeAnnotation(
                                   label=f"Rename memory key {old!r} to {new_key!r}",
                                   needs_confirmation=True,
                                   description="the stored row keeps its key")})


def key_edits(ls: TalkbenchServer, uri: str, old: str,
              new_key: str) -> list[types.TextDocumentEdit]:
    """Annotated edits of every literal use of ``old`` in the workspace's dialogs."""
    changes = []
    for path, text in workspace_sources(ls, uri).items():
        lines = lines_of(text)
        edits: list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit] = [
            types.AnnotatedTextEdit(range=span(lines, use.line, use.col, end_col),
                                    new_text=key_xref.quote_key(new_key),
                                    annotation_id=RENAME_ANNOTATION)
            for use, end_col in literal_spans(text, path, old)]
        if edits:
            doc_uri = uri_for(ls, path, uri)
            open_doc = ls.workspace.text_documents.get(doc_uri)
            changes.append(types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=doc_uri, version=open_doc.version if open_doc else None),
                edits=edits))
    return changes


@dataclass(frozen=True)
class StoredState:
    """Which of the two keys the configured bot has stored (False without a store)."""

    has_old: bool
    has_new: bool


def stored_state(ls: TalkbenchServer, old: str, new: str) -> StoredState:
    store = ls.store.open(ls.options)
    if store is None:
        return StoredState(False, False)
    bot = bot_of(ls.options)
    return StoredState(store.get_entry(bot, old) is not None,
                       store.get_entry(bot, new) is not None)


def uri_for(ls: TalkbenchServer, path: str, current: str) -> str:
    if ls.document(current).path == path:
        return current
    for doc_uri, doc in ls.workspace.text_documents.items():
        if doc.path == path:
            return doc_uri
    return from_fs_path(str(Path(path))) or path


def rename_stored_key(ls: TalkbenchServer, arguments: list[Any]) -> str:
    """``[old, new]``: rename the configured bot's stored row (refused when ``new`` exists)."""
    if len(arguments) != 2 or not all(isinstance(a, str) and a for a in arguments):
        raise JsonRpcInvalidParams(f"{RENAME_STORED_KEY} takes [old key, new key]")
    store = ls.store.open(ls.options)
    if store is None:
        raise JsonRpcInvalidParams(ls.store.error or "no memory database: set "
                                   "initializationOptions.db")
    old, new = arguments
    bot = bot_of(ls.options)
    if store.get_entry(bot, old) is None:
        return f"{old!r} is not stored for {bot}"
    if store.get_entry(bot, new) is not None:
        raise JsonRpcInvalidParams(f"not renamed: memory key {new!r} is already stored for "
                                   f"{bot}; renaming {old!r} onto it would lose a value")
    try:
        store.rename(bot, old, new)
    except (KeyError, ValueError) as e:
        raise JsonRpcInvalidParams(str(e)) from None
    store.flush()
    return f"renamed {old!r} to {new!r} for {bot}"


def register(server: TalkbenchServer) -> None:
    # No annotations: pygls resolves a command's type hints at run time.
    @server.command(RENAME_STORED_KEY)
    def rename_stored(ls, *args):
        arguments = list(args[0]) if len(args) == 1 and isinstance(args[0], list) else list(args)
        return rename_stored_key(ls, arguments)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: TalkbenchServer, params: None) -> None:
        ls.store.close()
