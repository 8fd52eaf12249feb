"""Generated media: the ``media`` and ``drafts`` services.

``media`` speaks the OpenAI media endpoints (``/images/generations``, ``/audio/speech`` and the
``/videos`` job API), which OpenAI itself, LocalAI and other compatible servers offer. Its base
URL is ``media_url`` (else the LLM server's), with the LLM key; it returns the bytes and the
keywords save them through ``storage``. ``drafts`` renders messages with the mail provider's
builder as ``.eml`` files: drafts are local by nature, so no SMTP server is needed.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import itertools
import json
import time
from typing import Any

from interpreter.ports.services import MailMessage, ServiceError

from ..registry import ServiceContext, service_factory
from ..settings import Settings, load_settings
from .http import HttpxClient
from .llm import error_text
from .mail import SmtpMailer

MEDIA_HINT = ("set TALKBENCH_MEDIA_URL (or TALKBENCH_LLM_URL) to an OpenAI-compatible server "
              "offering /images/generations, /audio/speech and /videos (OpenAI, LocalAI …), "
              "with TALKBENCH_LLM_KEY if it needs a key; choose models with "
              "TALKBENCH_IMAGE_MODEL, TALKBENCH_AUDIO_MODEL, TALKBENCH_AUDIO_VOICE, "
              "TALKBENCH_VIDEO_MODEL (TALKBENCH_VIDEO_URL for another video server); or "
              "media-url, image-model, audio-model, audio-voice, video-url, video-model in the "
              "bot's .gbot/config.csv")
DEFAULT_IMAGE_MODEL = "dall-e-3"
DEFAULT_AUDIO_MODEL = "tts-1"
DEFAULT_VOICE = "alloy"
DEFAULT_VIDEO_MODEL = "sora-2"
_POLL_DELAYS = (0.0, 0.2, 0.5, 1.0, 2.0)  # seconds between video status checks, then the last
_MAGIC = ((b"\x89PNG", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF8", "gif"), (b"RIFF", "webp"),
          (b"ID3", "mp3"), (b"\xff\xfb", "mp3"), (b"OggS", "ogg"), (b"fLaC", "flac"))


def guess_extension(data: bytes, content_type: str = "", default: str = "bin") -> str:
    """The file extension of ``data`` from its first bytes, else its content type."""
    for magic, ext in _MAGIC:
        if data.startswith(magic):
            if ext == "webp" and data[8:12] == b"WAVE":
                return "wav"
            return ext
    if data[4:8] == b"ftyp":
        return "mp4"
    subtype = content_type.split(";")[0].partition("/")[2].strip().lower()
    return {"mpeg": "mp3", "jpeg": "jpg", "x-wav": "wav"}.get(subtype, subtype) or default


def _file(response: Any, default: str) -> tuple[bytes, str]:
    """A downloaded file and its extension (by its bytes, else its content type)."""
    return response.body, guess_extension(response.body, response.header("content-type"), default)


class OpenAiMedia:
    """Images, speech and video from an OpenAI-compatible server; returns (bytes, extension)."""

    def __init__(self, base: str, key: str = "", *, image_model: str = "",
                 audio_model: str = "", voice: str = "", video_base: str = "",
                 video_model: str = "", timeout: float = 300.0,
                 http: HttpxClient | None = None) -> None:
        self.base = base.rstrip("/")
        self.key = key
        self.image_model = image_model or DEFAULT_IMAGE_MODEL
        self.audio_model = audio_model or DEFAULT_AUDIO_MODEL
        self.voice = voice or DEFAULT_VOICE
        self.video_base = (video_base or base).rstrip("/")
        self.video_model = video_model or DEFAULT_VIDEO_MODEL
        self.timeout = timeout
        self.http = http or HttpxClient(timeout)

    async def image(self, prompt: str) -> tuple[bytes, str]:
        payload: dict[str, Any] = {"model": self.image_model, "prompt": prompt, "n": 1}
        if not self.image_model.startswith("gpt-image"):  # those always answer base64
            payload["response_format"] = "b64_json"
        data = self._json(await self._send("POST", f"{self.base}/images/generations", payload),
                          "an image")
        try:
            item = data["data"][0]
        except (KeyError, IndexError, TypeError):
            raise ServiceError(f"{self.base}/images/generations sent no image: "
                               f"{json.dumps(data)[:200]}") from None
        if item.get("b64_json"):
            try:
                raw = base64.b64decode(item["b64_json"], validate=True)
            except (binascii.Error, ValueError):
                raise ServiceError("the image server sent an image that is not base64") \
                    from None
            return raw, guess_extension(raw, default="png")
        if item.get("url"):
            url = str(item["url"])
            # urllib would open file:// and ftp:// too: a server must not make us read those.
            if not url.lower().startswith(("http://", "https://")):
                raise ServiceError(f"the image server sent a URL that is not an http(s) "
                                   f"address: {url[:200]}")
            response = await self.http.request("GET", url, {}, None, self.timeout)
            self._check(response, url)
            return _file(response, "png")
        raise ServiceError("the image server sent neither b64_json nor url")

    async def speech(self, text: str) -> tuple[bytes, str]:
        payload = {"model": self.audio_model, "input": text, "voice": self.voice,
                   "response_format": "mp3"}
        response = await self._send("POST", f"{self.base}/audio/speech", payload)
        if not response.body:
            raise ServiceError(f"{self.base}/audio/speech sent an empty answer")
        return _file(response, "mp3")

    async def video(self, prompt: str) -> tuple[bytes, str]:
        """Start a video job, poll it until it completes, then download its content."""
        url = f"{self.video_base}/videos"
        job = self._json(await self._send("POST", url,
                                          {"model": self.video_model, "prompt": prompt}),
                         "a video job")
        job_id = str(job.get("id") or "")
        if not job_id:
            raise ServiceError(f"{url} did not answer a video job id: {json.dumps(job)[:200]}")
        deadline = time.monotonic() + self.timeout
        for attempt in itertools.count():
            status = str(job.get("status") or "").lower()
            if status in ("completed", "succeeded"):
                break
            if status in ("failed", "cancelled", "canceled", "expired"):
                error = job.get("error")
                detail = error.get("message") if isinstance(error, dict) else error
                raise ServiceError(f"the video job {job_id} {status}"
                                   + (f": {detail}" if detail else ""))
            if time.monotonic() > deadline:
                raise ServiceError(f"the video job {job_id} was not ready after "
                                   f"{self.timeout:g} s (status {status or 'unknown'})")
            await asyncio.sleep(_POLL_DELAYS[min(attempt, len(_POLL_DELAYS) - 1)])
            job = self._json(await self._send("GET", f"{url}/{job_id}"), "a video job")
        response = await self._send("GET", f"{url}/{job_id}/content")
        return _file(response, "mp4")

    async def _send(self, method: str, url: str, payload: dict[str, Any] | None = None) -> Any:
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        body = json.dumps(payload).encode("utf-8") if payload is not None else None
        response = await self.http.request(method, url, headers, body, self.timeout)
        self._check(response, url)
        return response

    @staticmethod
    def _check(response: Any, url: str) -> None:
        if not 200 <= response.status < 300:
            raise ServiceError(f"{url} answered HTTP {response.status}: "
                               f"{error_text(response.text())}")

    @staticmethod
    def _json(response: Any, what: str) -> Any:
        try:
            data = json.loads(response.text())
        except ValueError:
            raise ServiceError(f"the media server sent {what} answer that is not JSON: "
                               f"{response.text()[:200]}") from None
        if not isinstance(data, dict):
            raise ServiceError(f"the media server sent an unexpected answer for {what}")
        return data


class MailDrafts:
    """``CREATE DRAFT``: a message built by the mail provider's builder, as ``.eml`` bytes."""

    def __init__(self, settings: Settings) -> None:
        self.mailer = SmtpMailer(settings)

    def render(self, message: MailMessage) -> bytes:
        email = self.mailer.build(message)
        if not str(email["From"] or ""):
            del email["From"]  # no sender configured yet: the mail client fills it in
        email["X-Unsent"] = "1"  # mail clients open such a file as a draft to edit and send
        return email.as_bytes()


@service_factory("media", MEDIA_HINT)
def make_media(context: ServiceContext) -> OpenAiMedia | None:
    s = load_settings(context.dialog_dir, context.settings)
    base = s.media_url or s.llm_url
    if not base and not s.video_url:
        return None
    return OpenAiMedia(base or s.video_url, s.llm_key, image_model=s.image_model,
                       audio_model=s.audio_model, voice=s.audio_voice, video_base=s.video_url,
                       video_model=s.video_model, timeout=s.llm_timeout)


@service_factory("drafts")
def make_drafts(context: ServiceContext) -> MailDrafts:
    return MailDrafts(load_settings(context.dialog_dir, context.settings))
