"""The ``storage`` service: files of the bot package, read by ``GET "folder/file"``.

The root is the bot package (the ``.gbai`` folder around the dialog folder) or, for a loose
dialog, its own folder. Paths are relative and may not climb out of it (as in the original:
no ``..``, no absolute paths, drive letters, ``~`` or wildcards).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from interpreter.service_ports import ServiceError

from ..services import ServiceContext, service_factory

MAX_FILE = 20 * 1024 * 1024  # bytes
_UNSAFE = re.compile(r"(^[/\\~])|(^[A-Za-z]:)|(\.\.)|(//)|[*?]")


def package_root(dialog_dir: str | Path) -> Path:
    """The ``.gbai`` folder containing the dialog folder, else the dialog folder."""
    here = Path(dialog_dir).resolve()
    for folder in (here, *here.parents):
        if folder.suffix.lower() == ".gbai":
            return folder
    return here


class PackageStorage:
    """:class:`~interpreter.service_ports.Storage` over the bot package folder."""

    def __init__(self, dialog_dir: str | Path) -> None:
        self.dialog_dir = Path(dialog_dir).resolve()
        self.root = package_root(dialog_dir)

    def resolve(self, path: str) -> Path:
        clean = path.strip()
        if not clean or _UNSAFE.search(clean):
            raise ServiceError(f"the path {path!r} is not allowed: use a path relative to the "
                               f"bot package, without '..', '~' or wildcards")
        for base in dict.fromkeys((self.dialog_dir, self.root)):
            candidate = (base / clean).resolve()
            if candidate.is_relative_to(self.root) and candidate.is_file():
                return candidate
        raise ServiceError(f"no file {clean!r} in the bot package {self.root}")

    async def read_bytes(self, path: str) -> bytes:
        file = self.resolve(path)
        if file.stat().st_size > MAX_FILE:
            raise ServiceError(f"the file {path!r} is larger than "
                               f"{MAX_FILE // (1024 * 1024)} MB")
        return await asyncio.to_thread(file.read_bytes)


@service_factory("storage", "open the dialog from a folder (a bot package) to read its files")
def make_storage(context: ServiceContext) -> PackageStorage | None:
    return PackageStorage(context.dialog_dir) if context.dialog_dir else None
