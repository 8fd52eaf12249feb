"""Settings of the outside services (LLM, SMTP, HTTP, knowledge cache), without Qt.

Read, lowest priority first, from: environment variables (``TALKBENCH_LLM_URL`` …), the bot's
``.gbot/config.csv`` (``llm-url``, ``llm-model``, ``llm-key``, ``email-server`` …) and the
explicit overrides a host passes in ``ServiceContext.settings`` (tests, the IDE).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interpreter.compat import NEWEST_BUILD, EngineBuild, EngineOptions

from ..files.bot_package import read_config
from .registry import ServiceContext, service_factory

# Setting name -> environment variables (first set wins) and config.csv keys.
_ENV: dict[str, tuple[str, ...]] = {
    "llm_url": ("TALKBENCH_LLM_URL",),
    "llm_model": ("TALKBENCH_LLM_MODEL",),
    "llm_key": ("TALKBENCH_LLM_KEY", "OPENAI_API_KEY"),
    "llm_timeout": ("TALKBENCH_LLM_TIMEOUT",),
    "smtp_host": ("TALKBENCH_SMTP_HOST",),
    "smtp_port": ("TALKBENCH_SMTP_PORT",),
    "smtp_user": ("TALKBENCH_SMTP_USER",),
    "smtp_password": ("TALKBENCH_SMTP_PASSWORD",),
    "smtp_from": ("TALKBENCH_SMTP_FROM",),
    "smtp_tls": ("TALKBENCH_SMTP_TLS",),
    "sms_url": ("TALKBENCH_SMS_URL",),
    "sms_format": ("TALKBENCH_SMS_FORMAT",),
    "sms_from": ("TALKBENCH_SMS_FROM",),
    "sms_user": ("TALKBENCH_SMS_USER",),
    "sms_key_env": ("TALKBENCH_SMS_KEY_ENV",),
    "http_timeout": ("TALKBENCH_HTTP_TIMEOUT",),
    "cache_dir": ("TALKBENCH_CACHE_DIR",),
    "llm_routes": ("TALKBENCH_LLM_ROUTES",),
    "vision_model": ("TALKBENCH_VISION_MODEL",),
    "media_url": ("TALKBENCH_MEDIA_URL",),
    "image_model": ("TALKBENCH_IMAGE_MODEL",),
    "audio_model": ("TALKBENCH_AUDIO_MODEL",),
    "audio_voice": ("TALKBENCH_AUDIO_VOICE",),
    "video_url": ("TALKBENCH_VIDEO_URL",),
    "video_model": ("TALKBENCH_VIDEO_MODEL",),
    "search_url": ("TALKBENCH_SEARCH_URL",),
    "weather_url": ("TALKBENCH_WEATHER_URL",),
    "unsupported_keywords": ("TALKBENCH_UNSUPPORTED_KEYWORDS",),
    "engine_build": ("TALKBENCH_ENGINE_BUILD",),
    "engine_errors": ("TALKBENCH_ENGINE_ERRORS",),
}
_CONFIG: dict[str, tuple[str, ...]] = {
    "llm_url": ("llm-url", "llm-server-url"),
    "llm_model": ("llm-model",),
    "llm_key": ("llm-key",),
    "smtp_host": ("email-server", "smtp-host"),
    "smtp_port": ("email-port", "smtp-port"),
    "smtp_user": ("email-user", "smtp-user"),
    "smtp_password": ("email-pass", "email-password", "smtp-password"),
    "smtp_from": ("email-from", "smtp-from"),
    "llm_routes": ("llm-routes",),
    "vision_model": ("llm-vision-model", "vision-model"),
    "media_url": ("media-url",),
    "image_model": ("image-model",),
    "audio_model": ("audio-model", "tts-model"),
    "audio_voice": ("audio-voice", "tts-voice"),
    "video_url": ("video-url",),
    "video_model": ("video-model",),
    "search_url": ("search-url", "searxng-url"),
    "sms_url": ("sms-url",),
    "sms_format": ("sms-format", "sms-provider"),
    "sms_from": ("sms-from",),
    "sms_user": ("sms-user",),
    "sms_key_env": ("sms-key-env",),  # the name of the variable holding the key, not the key
    "weather_url": ("weather-url",),
    "unsupported_keywords": ("unsupported-keywords",),
    "engine_build": ("talkbench-engine-build",),
    "engine_errors": ("talkbench-engine-errors",),
}
_MEDIA_TEXT = ("llm_routes", "vision_model", "media_url", "image_model", "audio_model",
               "audio_voice", "video_url", "video_model", "search_url")
OPENAI_URL = "https://api.openai.com/v1"
OPENAI_MODEL = "gpt-4o-mini"

LLM_HINT = ("set TALKBENCH_LLM_URL (an OpenAI-compatible server, e.g. "
            "http://localhost:11434/v1) and TALKBENCH_LLM_MODEL, plus TALKBENCH_LLM_KEY or "
            "OPENAI_API_KEY if the server needs a key; or llm-url, llm-model and llm-key "
            "in the bot's .gbot/config.csv")
SMTP_HINT = ("set TALKBENCH_SMTP_HOST and TALKBENCH_SMTP_FROM (and TALKBENCH_SMTP_PORT, "
             "TALKBENCH_SMTP_USER, TALKBENCH_SMTP_PASSWORD as the server needs); or "
             "email-server, email-from, email-port, email-user, email-pass in the bot's "
             ".gbot/config.csv")
SMS_HINT = ("set TALKBENCH_SMS_URL to your SMS gateway's HTTP endpoint (it gets a JSON POST "
            "{to, text}; TALKBENCH_SMS_FORMAT=twilio posts Twilio's To/From/Body form "
            "instead), with TALKBENCH_SMS_FROM, TALKBENCH_SMS_USER and the key in "
            "TALKBENCH_SMS_KEY (or the variable TALKBENCH_SMS_KEY_ENV names) as the gateway "
            "needs; or sms-url, sms-format, sms-from, sms-user, sms-key-env in the bot's "
            ".gbot/config.csv")


@dataclass(frozen=True)
class Settings:
    llm_url: str = ""
    llm_model: str = ""
    llm_key: str = ""
    llm_timeout: float = 300.0
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_tls: str = "auto"  # "auto" (STARTTLS when offered), "ssl", "starttls", "off"
    sms_url: str = ""
    sms_format: str = "json"  # "json" ({to, text}) or "twilio" (To/From/Body form)
    sms_from: str = ""
    sms_user: str = ""  # basic-auth user (Twilio's account SID); else the key is a bearer token
    sms_key_env: str = "TALKBENCH_SMS_KEY"  # the environment variable holding the key
    http_timeout: float = 30.0
    cache_dir: str = ""
    llm_routes: str = ""  # "fast=model-a, quality=model-b" for SET MODEL ROUTING
    vision_model: str = ""  # SEE / OCR; empty: the session's model
    media_url: str = ""  # images/audio/video endpoints; empty: llm_url
    image_model: str = ""
    audio_model: str = ""
    audio_voice: str = ""
    video_url: str = ""  # an OpenAI-compatible /videos API base; empty: media_url
    video_model: str = ""
    search_url: str = ""  # a SearXNG-compatible JSON search endpoint for WEBSITE OF
    weather_url: str = ""  # WEATHER's service: a URL with {location}
    # Keywords whose service Talkbench lacks, used as statements: "error" stops the run,
    # "skip" writes a warning and goes on (interpreter.keywords.unsupported).
    unsupported_keywords: str = "error"
    # The General Bots build whose converter dialogs are checked against (interpreter.compat),
    # and whether its translation defects are warnings ("warn") or errors ("error", for CI).
    engine_build: str = NEWEST_BUILD.value
    engine_errors: str = "warn"

    def engine_options(self) -> EngineOptions:
        return EngineOptions(EngineBuild.parse(self.engine_build),
                             errors=self.engine_errors == "error")

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_url and self.llm_model)

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host and self.smtp_from)


def find_bot_config(dialog_dir: str | Path) -> Path | None:
    """``<bot>.gbot/config.csv`` beside the dialog folder or in its package (``.gbai``)."""
    if not dialog_dir:
        return None
    here = Path(dialog_dir)
    for base in (here, here.parent):
        for candidate in sorted(base.glob("*.gbot/config.csv")):
            return candidate
    return None


def merge_settings(dialog_dir: str | Path, overrides: Mapping[str, Any] | None,
                   environ: Mapping[str, str] | None, env_names: Mapping[str, tuple[str, ...]],
                   config_keys: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    """Setting name -> value, lowest priority first: the environment (the first of the
    setting's ``env_names`` that is set), the bot's config.csv (the first of its
    ``config_keys`` with a value) and explicit ``overrides`` (by setting name or by one of
    its environment variable names). Settings found nowhere are left out."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name, variables in env_names.items():
        found = next((env[v] for v in variables if env.get(v)), None)
        if found is not None:
            values[name] = found
    config_path = find_bot_config(dialog_dir)
    if config_path is not None:
        # The package's own reader, so the IDE and the providers see the same values.
        config = {k.lower(): v for k, v in read_config(config_path).items()}
        for name, keys in config_keys.items():
            found = next((config[k] for k in keys if config.get(k)), None)
            if found is not None:
                values[name] = found
    for key, value in (overrides or {}).items():
        name = next((n for n, vs in env_names.items() if key in vs), key.lower())
        if name in env_names and value not in (None, ""):
            values[name] = value
    return values


def load_settings(dialog_dir: str | Path = "", overrides: Mapping[str, Any] | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Merge environment, the bot's config.csv and explicit overrides (highest)."""
    values = merge_settings(dialog_dir, overrides, environ, _ENV, _CONFIG)
    if values.get("llm_key") and not values.get("llm_url"):
        values["llm_url"] = OPENAI_URL  # an OpenAI key alone means OpenAI's own server
        values.setdefault("llm_model", OPENAI_MODEL)
    return Settings(
        llm_url=str(values.get("llm_url", "")),
        llm_model=str(values.get("llm_model", "")),
        llm_key=str(values.get("llm_key", "")),
        llm_timeout=_number(values, "llm_timeout", 300.0),
        smtp_host=str(values.get("smtp_host", "")),
        smtp_port=int(_number(values, "smtp_port", 25)),
        smtp_user=str(values.get("smtp_user", "")),
        smtp_password=str(values.get("smtp_password", "")),
        smtp_from=str(values.get("smtp_from", "")),
        smtp_tls=str(values.get("smtp_tls", "auto")).lower(),
        sms_url=str(values.get("sms_url", "")),
        sms_format=str(values.get("sms_format", "json")).lower(),
        sms_from=str(values.get("sms_from", "")),
        sms_user=str(values.get("sms_user", "")),
        sms_key_env=str(values.get("sms_key_env", "TALKBENCH_SMS_KEY")),
        http_timeout=_number(values, "http_timeout", 30.0),
        cache_dir=str(values.get("cache_dir", "")),
        **{name: str(values.get(name, "")) for name in _MEDIA_TEXT},
        weather_url=str(values.get("weather_url", "")),
        unsupported_keywords=_choice(values, "unsupported_keywords", UNSUPPORTED_CHOICES),
        engine_build=EngineBuild.parse(str(values.get("engine_build") or NEWEST_BUILD.value)).value,
        engine_errors=_choice(values, "engine_errors", ENGINE_ERROR_CHOICES),
    )


UNSUPPORTED_CHOICES = ("error", "skip")
ENGINE_ERROR_CHOICES = ("warn", "error")


def _choice(values: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (the first is the default); a clear error for anything else."""
    raw = str(values.get(name) or choices[0]).strip().lower()
    if raw not in choices:
        raise ValueError(f"setting {name} must be {' or '.join(choices)}, got {raw!r}")
    return raw


# The run options keywords read as services (see app.services.registry): unset → not configured.
@service_factory("unsupported_keywords")
def _unsupported_policy(context: ServiceContext) -> str:
    return load_settings(context.dialog_dir, context.settings).unsupported_keywords


@service_factory("weather", "set TALKBENCH_WEATHER_URL to a weather service URL with "
                            "{location}, e.g. https://wttr.in/{location}?format=3 (or "
                            "weather-url in the bot's .gbot/config.csv)")
def _weather_url(context: ServiceContext) -> str | None:
    return load_settings(context.dialog_dir, context.settings).weather_url or None


def _number(values: Mapping[str, Any], name: str, default: float) -> float:
    raw = values.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"setting {name} must be a number, got {raw!r}") from None


def engine_options(path: Path, errors: bool = False,
                   build: str | None = None) -> EngineOptions:
    """The settings of the dialog's folder (environment, its bot's config.csv), then flags."""
    overrides = {"engine_build": build} if build else {}
    options = load_settings(path.parent, overrides).engine_options()
    return EngineOptions(options.build, options.errors or errors)
