"""The ``tools`` service: the bot's dialogs usable as tools (``ADD TOOL "name"``).

A tool is a ``.bas`` file in the dialog's folder (or in a ``.gbdialog`` folder of the bot
package); its ``PARAM`` and ``DESCRIPTION`` lines are its schema, as General Bots compiles them.
"""

from __future__ import annotations

from pathlib import Path

from interpreter.ports.services import ToolCatalog, ToolParam, ToolSpec
from interpreter.syntax.parser.core import parse

from ..registry import ServiceContext, service_factory
from .storage import package_root


def tool_name(name: str) -> str:
    """``.gbdialog/x.bas`` → ``x`` (as the original strips both)."""
    clean = name.strip().replace("\\", "/")
    clean = clean.rsplit("/", 1)[-1] if "/" in clean else clean
    return clean[:-4] if clean.lower().endswith(".bas") else clean


def spec_from_source(name: str, source: str, file: str = "") -> ToolSpec:
    """The tool schema of a dialog: its PARAMs and the last DESCRIPTION (parse errors ignored:
    running the tool reports them)."""
    program, _ = parse(source, file or f"{name}.bas")
    params = tuple(ToolParam(p.name, p.type or "STRING", p.description, p.like, p.optional)
                   for p in program.params)
    description = program.descriptions[-1].text if program.descriptions else ""
    return ToolSpec(name, description, params, file, source)


class FolderTools:
    """:class:`~interpreter.ports.services.ToolCatalog` over the dialog's folders."""

    def __init__(self, dialog_dir: str | Path) -> None:
        self.dialog_dir = Path(dialog_dir).resolve()

    def _folders(self) -> list[Path]:
        root = package_root(self.dialog_dir)
        folders = [self.dialog_dir, *sorted(root.glob("*.gbdialog"))]
        return list(dict.fromkeys(f for f in folders if f.is_dir()))

    def _file(self, name: str) -> Path | None:
        wanted = tool_name(name).lower()
        for folder in self._folders():
            for path in sorted(folder.glob("*.bas")):
                if path.stem.lower() == wanted:
                    return path
        return None

    def find(self, name: str) -> ToolSpec | None:
        path = self._file(name)
        if path is None:
            return None
        return spec_from_source(path.stem, path.read_text("utf-8"), str(path))

    def names(self) -> list[str]:
        return sorted({p.stem for folder in self._folders() for p in folder.glob("*.bas")})


@service_factory("tools", "open the dialog from a folder so the other dialogs can be tools")
def make_tools(context: ServiceContext) -> ToolCatalog | None:
    return FolderTools(context.dialog_dir) if context.dialog_dir else None
