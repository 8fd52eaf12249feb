"""QR CODE (a real PNG in the bot's storage) and WEATHER (a configured URL through the real
HTTP provider, against a loopback server)."""

from __future__ import annotations

from pathlib import Path

import pytest
import segno
from PIL import Image

from interpreter import BasicRuntimeError

from .helpers import run_dialog


@pytest.fixture
def no_weather_env(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TALKBENCH_WEATHER_URL", raising=False)
    return clean_env


def modules(image: Image.Image, count: int, border: int = 4) -> list[list[bool]]:
    """The dark/light modules of a QR image, read back from its pixels."""
    gray = image.convert("L")
    scale = gray.size[0] // (count + 2 * border)
    return [[gray.getpixel(((border + c) * scale + scale // 2,
                            (border + r) * scale + scale // 2)) < 128
             for c in range(count)] for r in range(count)]


def test_qr_code_draws_the_text_into_a_png_and_returns_its_path(no_weather_env: Path) -> None:
    bot = no_weather_env / "bot"
    run = run_dialog('img = QR CODE "https://example.com/order/42", 300\n'
                     'own = QR CODE "hi", 100, "codes/hi.png"', bot)
    path = run.variables["img"]
    assert path.startswith("qrcodes/") and path.endswith("-https-example-com-order-42.png")
    assert run.variables["own"] == "codes/hi.png" and (bot / "codes/hi.png").is_file()
    with Image.open(bot / path) as image:
        assert image.format == "PNG"
        assert 250 <= image.size[0] <= 300 and image.size[0] == image.size[1]
        expected = segno.make("https://example.com/order/42", micro=False)
        count = len(expected.matrix)
        assert modules(image, count) == [[bool(v) for v in row] for row in expected.matrix]


@pytest.mark.parametrize("source, message", [
    ('x = QR CODE ""', "QR CODE needs a text"),
    ('x = QR CODE "a", 5', "size must be 21 to 4096"),
    ('x = QR CODE "a", 100, "a.jpg"', "must end in .png"),
    ('x = QR CODE "' + "x" * 8000 + '"', "too long for a QR code"),
])
def test_qr_code_argument_errors(no_weather_env: Path, source: str, message: str) -> None:
    with pytest.raises(BasicRuntimeError, match=message):
        run_dialog(source, no_weather_env / "bot")


def test_weather_asks_the_configured_url_and_gives_json_or_text(no_weather_env: Path,
                                                                http_server) -> None:
    http_server.pages["/w/S%C3%A3o%20Paulo?format=j1"] = (
        "application/json", '{"current": {"temp_C": "21"}}')
    http_server.pages["/w/Paris?format=3"] = ("text/plain", "Paris: +15°C\n")
    run = run_dialog('a = WEATHER "São Paulo"\nTALK a.current.temp_C', no_weather_env / "bot",
                     settings={"weather_url": http_server.url + "/w/{location}?format=j1"})
    assert run.talks == ["21"]
    run = run_dialog('WEATHER "Paris" INTO t\nTALK t', no_weather_env / "bot",
                     settings={"weather_url": http_server.url + "/w/{location}?format=3"})
    assert run.talks == ["Paris: +15°C"]
    with pytest.raises(BasicRuntimeError, match="answered HTTP 404"):
        run_dialog('x = WEATHER "Nowhere"', no_weather_env / "bot",
                   settings={"weather_url": http_server.url + "/w/{location}"})


def test_weather_without_a_url_says_how_to_configure_one(no_weather_env: Path) -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run_dialog('TALK WEATHER "Paris"', no_weather_env / "bot")
    assert "WEATHER needs the 'weather' service, which is not configured" in err.value.message
    assert "TALKBENCH_WEATHER_URL" in err.value.message
    with pytest.raises(BasicRuntimeError, match="must contain \\{location\\}"):
        run_dialog('x = WEATHER "Paris"', no_weather_env / "bot",
                   settings={"weather_url": "http://127.0.0.1:9/weather"})
