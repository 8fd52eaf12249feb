"""The service keywords are registered, documented and offered by the app's registry; the
shipped samples pass ``talkbench check`` with every keyword they use implemented."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli.commands import main
from app.services.registry import ServiceContext, build_services
from interpreter.keywords.registry import KEYWORDS
from interpreter.syntax import nodes as n
from interpreter.syntax.parser.core import parse
from interpreter.tooling.keyword_help import help_for

SAMPLES = sorted((Path(__file__).parents[3] / "resources" / "samples").glob("*.bas"))
SERVICE_KEYWORDS = [
    "GET", "POST", "PUT", "PATCH", "DELETE HTTP", "SET HEADER", "CLEAR HEADERS", "LLM",
    "SEND MAIL", "SEND EMAIL", "USE KB", "ADD KB", "SET KB", "CLEAR KB", "ADD WEBSITE",
    "USE WEBSITE", "CLEAR WEBSITES", "ADD TOOL", "USE TOOL", "REMOVE TOOL", "CLEAR TOOLS",
    "LIST TOOLS", "SUMMARIZE", "TRANSLATE", "SENTIMENT", "CLASSIFY",
]
DIRECT = {"TALK", "PRINT", "SET BOT MEMORY", "WAIT", "GET BOT MEMORY", "HEAR", "FIRST", "LAST",
          "FORMAT"}  # compiled to runtime calls, not through the registry


@pytest.mark.parametrize("phrase", SERVICE_KEYWORDS)
def test_service_keyword_is_registered_and_has_help(phrase: str) -> None:
    assert phrase in KEYWORDS
    entry = help_for(phrase)
    assert entry is not None and entry.summary.strip() and entry.example.strip()


def test_build_services_offers_the_providers(tmp_path: Path) -> None:
    services = build_services(ServiceContext(None, "bot", str(tmp_path),
                                             {"TALKBENCH_LLM_URL": "http://127.0.0.1:9/v1",
                                              "TALKBENCH_LLM_MODEL": "m",
                                              "TALKBENCH_CACHE_DIR": str(tmp_path)}))
    for name in ("http", "llm", "knowledge", "tools", "storage"):
        assert services.get(name) is not None, name
    assert "TALKBENCH_SMTP_HOST" in services.hint("mail")


def test_samples_exist() -> None:
    assert SAMPLES


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_samples_check_clean_and_use_only_implemented_keywords(sample: Path, capsys) -> None:
    assert main(["check", str(sample)]) == 0
    out = capsys.readouterr().out
    assert "error" not in out and "unknown" not in out.lower()
    program, _ = parse(sample.read_text("utf-8"), str(sample))
    used = {node.phrase for node in n.program_nodes(program)
            if isinstance(node, (n.KeywordStmt, n.KeywordExpr))}
    assert used - DIRECT <= set(KEYWORDS), used - DIRECT - set(KEYWORDS)
