"""File keywords (READ, WRITE, COPY, ZIP, DOWNLOAD, SEND FILE, PDF) over the bot package."""

from __future__ import annotations

import asyncio
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pypdf
import pytest

from app.services.providers import storage
from app.services.registry import ServiceContext, Services
from interpreter import BasicRuntimeError, Runtime, load_source
from interpreter.events import FileSent
from interpreter.ports.host import BotMessage, DictMemory

from .helpers import run_dialog


@pytest.fixture
def package(clean_env: Path) -> Path:
    """A bot package ``shop.gbai`` with its dialog folder; returns the dialog folder."""
    dialogs = clean_env / "shop.gbai" / "shop.gbdialog"
    dialogs.mkdir(parents=True)
    return dialogs


def test_write_and_read_text_json_and_lists(package: Path) -> None:
    run = run_dialog('''
WRITE "notes/today.txt", "Fresh bread"
order = #{ product: "coffee", qty: 2 }
WRITE "orders/1.json", order
WRITE "orders/all.json", [order, 3]
WRITE "count.txt", 42
n = READ "notes/today.txt"
o = READ "orders/1.json"
TALK n + " " + o.product + " " + o.qty + " " + READ "count.txt"
''', package)
    root = package.parent
    assert run.talks == ["Fresh bread coffee 2 42"]
    assert (root / "notes" / "today.txt").read_text("utf-8") == "Fresh bread"
    assert json.loads((root / "orders" / "all.json").read_text("utf-8")) == [
        {"product": "coffee", "qty": 2}, 3]
    assert not list(package.iterdir())  # new files go to the package root


def test_write_of_a_value_that_is_no_text_writes_it_as_the_engine_does(package: Path) -> None:
    # handlers.rs: serde_json::to_string of dynamic_to_json (compact, keys sorted, ryu floats)
    run_dialog('''
WRITE "order.json", #{ qty: 2, product: "café", tags: ["a", ()], price: 2.5 }
WRITE "tiny.txt", 0.00001
WRITE "nothing.txt", ()
''', package)
    root = package.parent
    assert (root / "order.json").read_text("utf-8") == \
        '{"price":2.5,"product":"café","qty":2,"tags":["a",null]}'
    assert (root / "tiny.txt").read_text("utf-8") == "0.00001"
    assert (root / "nothing.txt").read_text("utf-8") == "null"


def test_write_replaces_the_file_a_read_finds_beside_the_dialog(package: Path) -> None:
    (package / "state.txt").write_text("old", "utf-8")
    run_dialog('WRITE "state.txt", "new"\nx = READ "state.txt"', package)
    assert (package / "state.txt").read_text("utf-8") == "new"
    assert not (package.parent / "state.txt").exists()


def test_copy_move_delete_and_list(package: Path) -> None:
    root = package.parent
    (root / "in").mkdir()
    (root / "in" / "a.txt").write_text("A", "utf-8")
    run = run_dialog('''
c = COPY "in/a.txt", "out/b.txt"
m = MOVE "in/a.txt", "out"
DELETE FILE "out/b.txt"
WRITE "out/z.txt", "Z"
WRITE "out/sub/y.txt", "Y"
names = LIST "out"
empty = LIST "in"
''', package)
    assert (run.variables["c"], run.variables["m"]) == ("out/b.txt", "out/a.txt")
    assert run.variables["names"] == ["sub", "a.txt", "z.txt"]
    assert run.variables["empty"] == []
    assert not (root / "in" / "a.txt").exists() and not (root / "out" / "b.txt").exists()
    assert (root / "out" / "a.txt").read_text("utf-8") == "A"


def test_missing_files_are_clear_errors(package: Path) -> None:
    with pytest.raises(BasicRuntimeError, match="no file 'nope.txt'") as err:
        run_dialog('TALK "x"\nDELETE FILE "nope.txt"', package)
    assert err.value.line == 2
    with pytest.raises(BasicRuntimeError, match="no folder 'nothing'"):
        run_dialog('x = LIST "nothing"', package)
    with pytest.raises(BasicRuntimeError, match="is a folder"):
        run_dialog('WRITE "shop.gbdialog", "x"', package)


ESCAPES = ["../secret.txt", "/etc/passwd", "~/x.txt", "a/*.txt", "C:/x.txt", "a//b.txt",
           "shop.gbdialog/../../secret.txt"]
FORMS = ['x = READ "{p}"', 'WRITE "{p}", "pwned"', 'DELETE FILE "{p}"', 'COPY "ok.txt", "{p}"',
         'MOVE "{p}", "ok2.txt"', 'x = LIST "{p}"', 'COMPRESS "ok.txt", "{p}"',
         'EXTRACT "{p}", "out"', 'UPLOAD "{p}", "stored.txt"', 'SEND FILE "{p}"',
         'GENERATE PDF "{p}", 1, "o.pdf"', 'MERGE PDF ["{p}"], "o.pdf"']


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("path", ESCAPES)
def test_no_keyword_reaches_outside_the_package(package: Path, form: str, path: str) -> None:
    outside = package.parent.parent
    (outside / "secret.txt").write_text("secret", "utf-8")
    (package.parent / "ok.txt").write_text("ok", "utf-8")
    before = sorted(str(p) for p in outside.rglob("*"))
    with pytest.raises(BasicRuntimeError, match="is not allowed"):
        run_dialog(form.format(p=path), package)
    assert sorted(str(p) for p in outside.rglob("*")) == before
    assert (outside / "secret.txt").read_text("utf-8") == "secret"


def test_symlinks_out_of_the_package_are_refused(package: Path) -> None:
    outside = package.parent.parent / "elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret", "utf-8")
    os.symlink(outside, package.parent / "link")
    with pytest.raises(BasicRuntimeError, match="no file 'link/secret.txt'"):
        run_dialog('x = READ "link/secret.txt"', package)
    with pytest.raises(BasicRuntimeError, match="leads outside the bot package"):
        run_dialog('WRITE "link/new.txt", "x"', package)
    with pytest.raises(BasicRuntimeError, match="no file or folder 'link'"):
        run_dialog('COMPRESS "link", "a.zip"', package)
    (package.parent / "docs").mkdir()
    os.symlink(outside / "secret.txt", package.parent / "docs" / "leak.txt")
    with pytest.raises(BasicRuntimeError, match="'docs' leads outside the bot package"):
        run_dialog('COMPRESS "docs", "a.zip"', package)
    assert not (package.parent / "a.zip").exists()
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]


def test_compress_and_extract_round_trip(package: Path) -> None:
    root = package.parent
    (root / "docs" / "deep").mkdir(parents=True)
    (root / "docs" / "a.txt").write_text("A", "utf-8")
    (root / "docs" / "deep" / "b.txt").write_text("B", "utf-8")
    (root / "c.txt").write_text("C", "utf-8")
    run = run_dialog('''
z1 = COMPRESS "docs", "backup/docs.zip"
z2 = COMPRESS ["c.txt", "docs/a.txt"], "two.zip"
got = EXTRACT "backup/docs.zip", "restored"
EXTRACT "two.zip", "restored/two"
b = READ "restored/docs/deep/b.txt"
''', package)
    assert (run.variables["z1"], run.variables["z2"]) == ("backup/docs.zip", "two.zip")
    with zipfile.ZipFile(root / "backup" / "docs.zip") as zf:
        assert sorted(zf.namelist()) == ["docs/a.txt", "docs/deep/b.txt"]
    assert sorted(run.variables["got"]) == ["restored/docs/a.txt", "restored/docs/deep/b.txt"]
    assert run.variables["b"] == "B"
    assert sorted(p.name for p in (root / "restored" / "two").iterdir()) == ["a.txt", "c.txt"]


def _zip(entries: list[tuple[str, bytes]], symlink: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in entries:
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return buffer.getvalue()


@pytest.mark.parametrize("evil", ["../evil.txt", "/tmp/evil.txt", "ok/../../evil.txt",
                                  "..\\evil.txt", "C:/evil.txt", "SYMLINK"])
def test_zip_slip_is_refused_before_anything_is_written(package: Path, evil: str) -> None:
    root = package.parent
    entries = [("good.txt", b"fine")]
    data = _zip(entries, symlink="link") if evil == "SYMLINK" else \
        _zip(entries + [(evil, b"evil")])
    (root / "bad.zip").write_bytes(data)
    with pytest.raises(BasicRuntimeError, match="EXTRACT 'bad.zip': refused"):
        run_dialog('EXTRACT "bad.zip", "inbox/unpacked"', package)
    assert not (root / "inbox").exists()  # not even the good entry
    assert not (root.parent / "evil.txt").exists() and not (root / "evil.txt").exists()


def test_extract_refuses_non_zip_and_oversized_archives(package: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = package.parent
    (root / "fake.zip").write_text("not a zip", "utf-8")
    with pytest.raises(BasicRuntimeError, match="is not a zip file"):
        run_dialog('EXTRACT "fake.zip", "x"', package)
    (root / "big.zip").write_bytes(_zip([("a.txt", b"0" * 5000)]))
    monkeypatch.setattr(storage, "MAX_ARCHIVE", 1000)
    with pytest.raises(BasicRuntimeError, match="once unpacked"):
        run_dialog('EXTRACT "big.zip", "x"', package)
    assert not (root / "x").exists()


def test_upload_copies_a_package_file_only(package: Path) -> None:
    (package / "photo.jpg").write_bytes(b"\xff\xd8jpeg")
    run = run_dialog('p = UPLOAD "photo.jpg", "photos/1.jpg"', package)
    assert run.variables["p"] == "photos/1.jpg"
    assert (package.parent / "photos" / "1.jpg").read_bytes() == b"\xff\xd8jpeg"
    with pytest.raises(BasicRuntimeError, match="is not allowed"):
        run_dialog('p = UPLOAD "/etc/hostname", "h.txt"', package)


def test_download_saves_the_body_and_returns_the_path(package: Path, http_server) -> None:
    http_server.pages["/files/menu.txt"] = ("text/plain", "Soup of the day")
    run = run_dialog(f'''
SET HEADER "X-Key", "k1"
a = DOWNLOAD "{http_server.url}/files/menu.txt", "menus/today.txt"
b = DOWNLOAD "{http_server.url}/files/menu.txt"
TALK READ a
''', package)
    assert (run.variables["a"], run.variables["b"]) == ("menus/today.txt", "downloads/menu.txt")
    assert run.talks == ["Soup of the day"]
    assert (package.parent / "downloads" / "menu.txt").read_text("utf-8") == "Soup of the day"
    assert http_server.requests[0].headers["X-Key"] == "k1"


def test_download_errors_write_nothing(package: Path, http_server,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"{http_server.url}/status/404"
    with pytest.raises(BasicRuntimeError, match=f"GET {url} failed: HTTP 404"):
        run_dialog(f'x = DOWNLOAD "{url}", "a.txt"', package)
    with pytest.raises(BasicRuntimeError, match="is not allowed"):
        run_dialog(f'x = DOWNLOAD "{http_server.url}/text", "../a.txt"', package)
    assert len(http_server.requests) == 1  # the bad path failed before any request
    monkeypatch.setattr(storage, "MAX_FILE", 5)
    with pytest.raises(BasicRuntimeError, match="larger than"):
        run_dialog(f'x = DOWNLOAD "{http_server.url}/text", "big.txt"', package)
    with pytest.raises(BasicRuntimeError, match="needs an http"):
        run_dialog('x = DOWNLOAD "ftp://x/y", "y.txt"', package)
    assert sorted(p.name for p in package.parent.iterdir()) == ["shop.gbdialog"]


def test_send_file_reports_an_attachment(package: Path) -> None:
    (package / "invoice.txt").write_text("total: 10", "utf-8")
    run = run_dialog('SEND FILE "invoice.txt", "Your invoice"\nSEND FILE "invoice.txt"',
                     package)
    assert run.talks == ["[file: invoice.txt] Your invoice", "[file: invoice.txt]"]
    sent = [e for e in run.events if isinstance(e, FileSent)]
    assert [(e.name, e.caption, e.line) for e in sent] == [
        ("invoice.txt", "Your invoice", 1), ("invoice.txt", "", 2)]
    assert sent[0].path == str(package / "invoice.txt")


class AttachmentChannel:
    """A channel that shows attachments itself (as the IDE's chat panel does)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    async def talk(self, message: BotMessage) -> None:
        self.items.append(("talk", message.text))

    async def hear(self, request) -> str:
        raise AssertionError("no HEAR expected")

    async def send_file(self, path: str, caption: str = "") -> None:
        self.items.append((path, caption))


def test_send_file_uses_a_channel_that_shows_attachments(package: Path) -> None:
    (package / "a.pdf").write_bytes(b"%PDF-1.4")
    channel = AttachmentChannel()
    services = Services(ServiceContext(None, "b", str(package), {}))
    runtime = Runtime(load_source('SEND FILE "a.pdf", "look"', str(package / "d.bas")),
                      channel, DictMemory(), services=services)
    asyncio.run(runtime.run())
    assert channel.items == [(str(package / "a.pdf"), "look")]


def test_send_file_to_mails_the_attachment(package: Path, smtp_server) -> None:
    (package / "invoice.txt").write_text("total: 10", "utf-8")
    settings = {"TALKBENCH_SMTP_HOST": "127.0.0.1", "TALKBENCH_SMTP_PORT": str(smtp_server.port),
                "TALKBENCH_SMTP_FROM": "bot@talkbench.test"}
    run_dialog('SEND FILE TO "ana@example.com", "invoice.txt", "Your invoice"', package, settings)
    [(_, rcpts, message)] = smtp_server.messages
    assert rcpts == ["ana@example.com"] and message["Subject"] == "Your invoice"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "invoice.txt"
    assert attachment.get_content().strip() == "total: 10"
    with pytest.raises(BasicRuntimeError, match="sends files by e-mail only"):
        run_dialog('SEND FILE TO "+5511999", "invoice.txt"', package, settings)


def test_generate_merge_and_read_pdfs(package: Path) -> None:
    root = package.parent
    (root / "t").mkdir()
    (root / "t" / "letter.txt").write_text("Dear {{ name }},\nyou owe {{order.total}} €.{{x}}",
                                           "utf-8")
    (root / "t" / "page.html").write_text("<h1>Hello {{name}}</h1><p>{{note}}</p>", "utf-8")
    run = run_dialog('''
d = #{ Name: "Ana", order: #{ total: 12.5 }, note: "<b>not bold</b>" }
p1 = GENERATE PDF "t/letter.txt", d, "out/letter.pdf"
p2 = GENERATE PDF "t/page.html", d, "out/page.pdf"
all = MERGE PDF [p1, p2], "out/all.pdf"
text = READ all
''', package)
    assert run.variables["all"] == "out/all.pdf"
    reader = pypdf.PdfReader(root / "out" / "all.pdf")
    assert len(reader.pages) == 2
    text = run.variables["text"]
    assert "Dear Ana," in text and "you owe 12.5 €." in text
    assert "Hello Ana" in text and "<b>not bold</b>" in text  # values are escaped in HTML


def test_pdf_errors_are_clear(package: Path) -> None:
    (package / "fake.pdf").write_text("not a pdf", "utf-8")
    with pytest.raises(BasicRuntimeError, match="cannot read the PDF 'fake.pdf'"):
        run_dialog('x = READ "fake.pdf"', package)
    with pytest.raises(BasicRuntimeError, match="MERGE PDF: 'fake.pdf' is not a readable PDF"):
        run_dialog('MERGE PDF "fake.pdf", "o.pdf"', package)
    with pytest.raises(BasicRuntimeError, match="no file 'none.txt'"):
        run_dialog('GENERATE PDF "none.txt", 1, "o.pdf"', package)
