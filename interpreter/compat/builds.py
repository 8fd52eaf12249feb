"""The General Bots builds Talkbench can check a dialog against, and how findings are reported."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class EngineBuild(Enum):
    """A General Bots release whose BASIC → Rhai converter Talkbench knows.

    ``2026-05`` is generalbots/generalbots at ``f59afde5``; its converter lives in
    ``botserver/crates/botbasic_compiler`` (``lib.rs`` ``preprocess_basic`` and the passes
    of ``syntax_transforms.rs``).
    """

    GB_2026_05 = "2026-05"

    @property
    def label(self) -> str:
        return f"General Bots {self.value}"

    @classmethod
    def parse(cls, text: str) -> EngineBuild:
        """The build named ``text`` (``2026-05``); a clear error for any other name."""
        wanted = text.strip()
        for build in cls:
            if build.value == wanted:
                return build
        known = ", ".join(b.value for b in cls)
        raise ValueError(f"unknown General Bots build {wanted!r} (known: {known})")


NEWEST_BUILD = EngineBuild.GB_2026_05


@dataclass(frozen=True)
class EngineOptions:
    """Which build to check against, and whether its translation defects are errors (CI)."""

    build: EngineBuild = NEWEST_BUILD
    errors: bool = False
