"""General Bots packages: a ``<bot>.gbai`` folder opened as one project.

Layout (reference §0.2): ``<bot>.gbai/<bot>.gbdialog/*.bas`` (dialogs; ``start.bas`` runs when a
session starts, so it is the default entry), ``<bot>.gbot/config.csv`` (``name,value`` rows),
``<bot>.gbkb/`` (knowledge-base documents). Rows of config.csv named ``param-*`` become script
variables (§1.5): prefix removed, name lower-cased, value typed int → float → true/false → text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interpreter.values import parse_number

PACKAGE_SUFFIX = ".gbai"
ENTRY_DIALOG = "start.bas"
_PARAM_PREFIX = "param-"
_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1


class PackageError(ValueError):
    """The path is not a usable bot package; ``str`` says why."""


@dataclass(frozen=True)
class BotPackage:
    root: Path
    name: str  # the bot name: the folder name without .gbai
    dialog_dir: Path | None
    config_path: Path | None
    kb_dir: Path | None
    config: dict[str, str] = field(default_factory=dict)

    @property
    def dialogs(self) -> tuple[Path, ...]:
        """The package's dialogs, sorted by name (``start.bas`` first)."""
        if self.dialog_dir is None:
            return ()
        files = [p for p in self.dialog_dir.iterdir() if p.suffix.lower() == ".bas"]
        return tuple(sorted(files, key=lambda p: (p.name.lower() != ENTRY_DIALOG, p.name.lower())))

    @property
    def entry(self) -> Path | None:
        """``start.bas`` when present."""
        return next((p for p in self.dialogs if p.name.lower() == ENTRY_DIALOG), None)

    @property
    def variables(self) -> dict[str, Any]:
        """The ``param-*`` configuration values as script variables."""
        return config_variables(self.config)

def is_package(path: Path) -> bool:
    return path.is_dir() and (path.suffix.lower() == PACKAGE_SUFFIX
                              or any(_children(path, ".gbdialog")))


def load_package(path: str | Path) -> BotPackage:
    """Read a ``.gbai`` folder; :class:`PackageError` when it is not one."""
    root = Path(path).resolve()
    if not root.is_dir():
        raise PackageError(f"{path}: not a folder")
    if not is_package(root):
        raise PackageError(f"{path}: not a bot package (expected X.gbai with X.gbdialog inside)")
    name = root.name[: -len(PACKAGE_SUFFIX)] if root.suffix.lower() == PACKAGE_SUFFIX \
        else root.name
    dialog_dir = _part(root, name, ".gbdialog")
    bot_dir = _part(root, name, ".gbot")
    config_path = None
    if bot_dir is not None:
        config_path = next((p for p in bot_dir.iterdir() if p.name.lower() == "config.csv"),
                           None)
    config = read_config(config_path) if config_path else {}
    return BotPackage(root, name, dialog_dir, config_path, _part(root, name, ".gbkb"), config)


def package_for(path: str | Path) -> BotPackage | None:
    """The package a dialog file or folder belongs to, if any."""
    p = Path(path).resolve()
    for candidate in (p, *p.parents):
        if candidate.suffix.lower() == PACKAGE_SUFFIX and candidate.is_dir():
            return load_package(candidate)
    return None


def package_variable_names(path: str | Path) -> list[str]:
    """The ``param-*`` variables a dialog of a .gbai package gets from its config.csv (a run
    sets them, so reading one is no mistake); none outside a package or with a bad config."""
    try:
        package = package_for(path)
    except PackageError:
        return []
    return list(package.variables) if package is not None else []


def read_config(path: Path) -> dict[str, str]:
    """``name,value`` rows (a ``name,value`` header row is skipped); later rows win."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise PackageError(f"{path}: cannot read config ({e})") from None
    config: dict[str, str] = {}
    for row in csv.reader(io.StringIO(text)):
        if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
            continue
        key = row[0].strip()
        value = ",".join(row[1:]).strip() if len(row) > 1 else ""
        if key.lower() == "name" and value.lower() == "value":
            continue
        config[key] = value
    return config


def config_variables(config: dict[str, str]) -> dict[str, Any]:
    """``param-limit,100`` → ``{"limit": 100}``; ``param-blingClientID,`` → ``{"blingclientid": ""}``."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        if key.lower().startswith(_PARAM_PREFIX) and len(key) > len(_PARAM_PREFIX):
            out[key[len(_PARAM_PREFIX):].lower()] = typed_value(value)
    return out


def typed_value(text: str) -> Any:
    s = text.strip()
    number = parse_number(s)  # "nan"/"inf" stay text
    # So does a whole number past 64 bits: no integer in a run is (Rhai's INT is i64).
    if number is not None and not (isinstance(number, int) and not _I64_MIN <= number <= _I64_MAX):
        return number
    if s.lower() in ("true", "false"):
        return s.lower() == "true"
    return s


def _part(root: Path, name: str, suffix: str) -> Path | None:
    """``<name><suffix>`` inside root, else the only ``*<suffix>`` folder there."""
    exact = root / f"{name}{suffix}"
    if exact.is_dir():
        return exact
    found = sorted(_children(root, suffix))
    return found[0] if found else None


def _children(root: Path, suffix: str) -> list[Path]:
    try:
        return [p for p in root.iterdir() if p.is_dir() and p.name.lower().endswith(suffix)]
    except OSError:
        return []


def run_target(path: str | Path, bot: str = "default") -> tuple[Path, str, dict[str, Any]]:
    """What ``talkbench run PATH`` runs: a package's ``start.bas`` (or a dialog inside a
    package) with the package's bot name (unless ``bot`` was given) and ``param-*`` values."""
    p = Path(path)
    package = load_package(p) if p.is_dir() else package_for(p)
    if package is None:
        return p, bot, {}
    script = p
    if p.is_dir():
        if package.entry is None:
            raise PackageError(f"{path}: the package has no {ENTRY_DIALOG}")
        script = package.entry
    return script, package.name if bot == "default" else bot, package.variables
