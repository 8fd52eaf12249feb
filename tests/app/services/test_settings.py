"""Service settings: environment, the bot's config.csv, explicit overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.settings import find_bot_config, load_settings


def test_nothing_configured() -> None:
    s = load_settings("", environ={})
    assert not s.llm_configured and not s.smtp_configured
    assert s.http_timeout == 30.0 and s.smtp_port == 25


def test_environment_and_openai_key_fallback() -> None:
    s = load_settings("", environ={"TALKBENCH_LLM_URL": "http://h/v1",
                                   "TALKBENCH_LLM_MODEL": "llama", "OPENAI_API_KEY": "sk-1",
                                   "TALKBENCH_SMTP_HOST": "mail", "TALKBENCH_SMTP_PORT": "2525",
                                   "TALKBENCH_SMTP_FROM": "b@x"})
    assert (s.llm_url, s.llm_model, s.llm_key) == ("http://h/v1", "llama", "sk-1")
    assert s.smtp_configured and s.smtp_port == 2525
    only_key = load_settings("", environ={"OPENAI_API_KEY": "sk-2"})
    assert only_key.llm_configured and only_key.llm_url.startswith("https://api.openai.com")


def test_bot_config_overrides_environment_and_overrides_win(tmp_path: Path) -> None:
    package = tmp_path / "shop.gbai"
    (package / "shop.gbot").mkdir(parents=True)
    (package / "shop.gbot" / "config.csv").write_text(
        "name,value\nllm-model,bot-model\nemail-server,smtp.bot\nparam-limit,3\n", "utf-8")
    dialog_dir = package / "shop.gbdialog"
    assert find_bot_config(dialog_dir) == package / "shop.gbot" / "config.csv"
    env = {"TALKBENCH_LLM_MODEL": "env-model", "TALKBENCH_LLM_URL": "http://env/v1"}
    s = load_settings(dialog_dir, environ=env)
    assert (s.llm_url, s.llm_model, s.smtp_host) == ("http://env/v1", "bot-model", "smtp.bot")
    s = load_settings(dialog_dir, {"TALKBENCH_LLM_MODEL": "explicit", "llm_url": "http://o"},
                      environ=env)
    assert (s.llm_url, s.llm_model) == ("http://o", "explicit")


def test_bad_number_is_reported() -> None:
    with pytest.raises(ValueError, match="http_timeout must be a number"):
        load_settings("", environ={"TALKBENCH_HTTP_TIMEOUT": "soon"})
