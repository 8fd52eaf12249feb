"""The ``storage`` service: files of the bot package (GET, READ, WRITE, COPY, ZIP, PDF …).

The root is the bot package (the ``.gbai`` folder around the dialog folder) or, for a loose
dialog, its own folder. Paths are relative and may not climb out of it (as in the original:
no ``..``, no absolute paths, drive letters, ``~`` or wildcards); after following symlinks a
path must still be inside the root. A path is looked up beside the dialog first, then from
the package root; a new file is created from the package root. Every write goes to a temp
file renamed over the target (``app.files.atomic_file``), so a failed write leaves the old file;
a streamed write (DOWNLOAD) fills its temp file chunk by chunk the same way.
PDF work uses ``pypdf`` (text, merging) and ``fpdf2`` (generation), both pure Python.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import html
import io
import json
import re
import stat
import zipfile
from collections.abc import AsyncIterable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from interpreter.keywords.files import FileStorage
from interpreter.ports.services import ServiceError

from ...files.atomic_file import AtomicWriter, write_bytes_atomic
from ..registry import ServiceContext, service_factory

MAX_FILE = 20 * 1024 * 1024  # bytes read or written at once (GET, READ, WRITE, DOWNLOAD)
MAX_ARCHIVE = 100 * 1024 * 1024  # bytes inside one zip (COMPRESS input, EXTRACT output)
MAX_ENTRIES = 10_000  # files in one zip
MAX_IMAGE = 10 * 1024 * 1024  # bytes of one image in GENERATE PDF
_MB = 1024 * 1024
_UNSAFE = re.compile(r"(^[/\\~])|(^[A-Za-z]:)|(\.\.)|(//)|[*?]")
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
# A Unicode font for GENERATE PDF when the system has one; else the PDF core font (Latin-1).
_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "C:/Windows/Fonts/arial.ttf",
          "/Library/Fonts/Arial Unicode.ttf", "/System/Library/Fonts/Supplemental/Arial.ttf")


def package_root(dialog_dir: str | Path) -> Path:
    """The ``.gbai`` folder containing the dialog folder, else the dialog folder, except when
    that is the home folder or holds it (``/``, ``/home``): then a data folder of its own
    (:func:`home_package_folder`), so a dialog kept in ``$HOME`` cannot rewrite ``~/.bashrc``."""
    here = Path(dialog_dir).resolve()
    for folder in (here, *here.parents):
        if folder.suffix.lower() == ".gbai":
            return folder
    if _holds_home(here):
        return home_package_folder(here)
    return here


def _holds_home(folder: Path) -> bool:
    try:
        home = Path.home().resolve()
    except RuntimeError:  # no home folder known: nothing to protect
        return False
    return home.is_relative_to(folder)


def home_package_folder(folder: Path) -> Path:
    """The package folder of dialogs kept directly in ``folder`` (the home folder or one
    above it): ``<user data>/talkbench/packages/<name>-<hash>``, created when missing."""
    import hashlib

    import platformdirs

    digest = hashlib.sha256(str(folder).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    name = re.sub(r"[^\w.-]+", "_", folder.name) or "root"
    data = Path(platformdirs.user_data_dir("talkbench")) / "packages" / f"{name}-{digest}"
    data.mkdir(parents=True, exist_ok=True)
    return data


def confinement_note(dialog_dir: str | Path) -> str | None:
    """One line telling where a dialog's files go when that is not its own folder (a dialog
    in the home folder), else ``None``."""
    here = Path(dialog_dir).resolve()
    root = package_root(here)
    if here.is_relative_to(root):  # its own folder, or inside its .gbai package
        return None
    return (f"note: {here} holds your home folder, so this dialog's files (READ, WRITE, "
            f"SAVE, GENERATE PDF …) live in {root}; keep dialogs in a folder of their own")


class PackageStorage:
    """:class:`~interpreter.ports.services.Storage` over the bot package folder."""

    def __init__(self, dialog_dir: str | Path) -> None:
        self.dialog_dir = Path(dialog_dir).resolve()
        self.root = package_root(dialog_dir)

    # ------------------------------------------------------------------ paths

    def _clean(self, path: str) -> str:
        clean = str(path).strip()
        if not clean or _UNSAFE.search(clean):
            raise ServiceError(f"the path {path!r} is not allowed: use a path relative to the "
                               f"bot package, without '..', '~' or wildcards")
        return clean

    def _inside(self, candidate: Path, path: str) -> Path:
        resolved = candidate.resolve()
        if not resolved.is_relative_to(self.root):  # a symlink pointing out of the package
            raise ServiceError(f"the path {path!r} leads outside the bot package")
        return resolved

    def _find(self, path: str) -> Path | None:
        clean = self._clean(path)
        for base in dict.fromkeys((self.dialog_dir, self.root)):
            candidate = (base / clean).resolve()
            if candidate.is_relative_to(self.root) and candidate.exists():
                return candidate
        return None

    def resolve(self, path: str) -> Path:
        """An existing file of the package; raises ServiceError otherwise."""
        found = self._find(path)
        if found is None or not found.is_file():
            raise ServiceError(f"no file {path.strip()!r} in the bot package {self.root}")
        return found

    def folder(self, path: str) -> Path:
        """An existing folder of the package (``"."`` is the dialog's folder)."""
        found = self._find(path)
        if found is None or not found.is_dir():
            raise ServiceError(f"no folder {path.strip()!r} in the bot package {self.root}")
        return found

    def target(self, path: str) -> Path:
        """Where a write of ``path`` lands: the existing file a read would find, else a new
        one from the package root. Never the root itself."""
        found = self._find(path) or self._inside(self.root / self._clean(path), path)
        if found == self.root or found == self.dialog_dir or found.is_dir():
            raise ServiceError(f"{path!r} is a folder, not a file")
        return found

    def relative(self, file: Path) -> str:
        """The package-relative path of ``file`` (what keywords return)."""
        return file.relative_to(self.root).as_posix()

    # ------------------------------------------------------------------ files

    async def read_bytes(self, path: str) -> bytes:
        file = self.resolve(path)
        _check_size(file.stat().st_size, path)
        return await asyncio.to_thread(file.read_bytes)

    async def read_text(self, path: str) -> str:
        """A text file (UTF-8) or the text of a PDF."""
        data = await self.read_bytes(path)
        if path.strip().lower().endswith(".pdf"):
            return await asyncio.to_thread(pdf_text, data, path)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ServiceError(f"the file {path!r} is not UTF-8 text") from None

    async def write_bytes(self, path: str, data: bytes) -> str:
        """Write atomically, creating folders; returns the package-relative path."""
        _check_size(len(data), path)
        file = self.target(path)
        await asyncio.to_thread(_write, file, data)
        return self.relative(file)

    async def write_stream(self, path: str, chunks: AsyncIterable[bytes],
                           size: int | None = None) -> str:
        """Write the pieces of ``chunks`` as they come (never the whole file in memory) and
        return the package-relative path. ``size`` (an announced length) over the limit fails
        before anything is written; so does the running total once it passes the limit. On
        any failure — the limit, a broken source, a cancelled run — the temp file is removed:
        the target keeps its old content, or does not appear."""
        if size is not None:
            _check_size(size, path)
        file = self.target(path)
        sink = await _open_part_file(file)
        try:
            total = 0
            async for chunk in chunks:
                total += len(chunk)
                _check_size(total, path)
                await asyncio.to_thread(sink.write, chunk)
            await asyncio.to_thread(sink.commit)
        except BaseException:
            sink.discard()
            raise
        return self.relative(file)

    async def delete(self, path: str) -> None:
        file = self.resolve(path)
        await asyncio.to_thread(file.unlink)

    async def copy(self, source: str, destination: str, move: bool = False) -> str:
        """Copy (or move) a file; a destination folder keeps the file's name."""
        src = self.resolve(source)
        existing = self._find(destination)
        dst = existing / src.name if existing is not None and existing.is_dir() \
            else self.target(destination)
        dst = self._inside(dst, destination)
        if dst == src:
            raise ServiceError(f"{source!r} and {destination!r} are the same file")
        _check_size(src.stat().st_size, source)
        data = await asyncio.to_thread(src.read_bytes)
        await asyncio.to_thread(_write, dst, data)
        if move:
            await asyncio.to_thread(src.unlink)
        return self.relative(dst)

    async def list(self, path: str) -> list[str]:
        """Names in a folder, folders first then files, each sorted; no hidden temp files."""
        folder = self.folder(path)
        entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
        return sorted(p.name for p in entries if p.is_dir()) + \
            sorted(p.name for p in entries if not p.is_dir())

    # ------------------------------------------------------------------ zip

    async def compress(self, sources: Iterable[str], output: str) -> str:
        """Zip files and folders (a folder keeps its name inside the zip)."""
        out = self.target(output)
        members: list[tuple[Path, str]] = []
        for source in sources:
            found = self._find(source)
            if found is None:
                raise ServiceError(f"no file or folder {source.strip()!r} in the bot package")
            if found.is_dir():
                for file in sorted(p for p in found.rglob("*") if p.is_file()):
                    inside = self._inside(file, source)
                    if inside != out:
                        members.append((inside, file.relative_to(found.parent).as_posix()))
            else:
                members.append((found, found.name))
        if not members:
            raise ServiceError("COMPRESS: there are no files to put in the zip")
        data = await asyncio.to_thread(_zip, members)
        await asyncio.to_thread(_write, out, data)
        return self.relative(out)

    async def extract(self, archive: str, folder: str) -> builtins.list[str]:
        """Unzip into ``folder`` (created if missing); returns the extracted paths.

        Every entry is checked before anything is written: an entry that would land outside
        the folder (``../x``, ``/etc/x``, ``C:\\x``, a symlink) refuses the whole zip.
        """
        data = await self.read_bytes(archive)
        existing = self._find(folder)
        if existing is not None and not existing.is_dir():
            raise ServiceError(f"{folder!r} is a file, not a folder")
        dest = existing or self._inside(self.root / self._clean(folder), folder)
        written = await asyncio.to_thread(_unzip, data, dest, archive)
        return [self.relative(p) for p in written]

    # ------------------------------------------------------------------ PDF

    async def generate_pdf(self, template: str, data: Any, output: str) -> str:
        """Fill ``{{field}}`` placeholders of a text or HTML template and write a PDF."""
        text = await self.read_text(template)
        is_html = template.strip().lower().endswith((".html", ".htm"))
        filled = fill_template(text, data, is_html)
        images = _PackageImages(self, template)
        pdf = await asyncio.to_thread(_make_pdf, filled, is_html, template, images)
        return await self.write_bytes(output, pdf)

    async def merge_pdf(self, sources: Iterable[str], output: str) -> str:
        names = list(sources)
        if not names:
            raise ServiceError("MERGE PDF needs at least one PDF file")
        parts = [await self.read_bytes(name) for name in names]
        merged = await asyncio.to_thread(_merge_pdfs, parts, names)
        return await self.write_bytes(output, merged)


# ---------------------------------------------------------------------- helpers


def _check_size(size: int, path: str) -> None:
    if size > MAX_FILE:
        raise ServiceError(f"the file {path!r} is larger than {MAX_FILE // _MB} MB")


def _write(file: Path, data: bytes) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(file, data)


async def _open_part_file(file: Path) -> _PartFile:
    """A :class:`_PartFile` made in a worker thread. A run cancelled while the thread is
    still creating it never receives the object, so the thread's result is discarded when it
    arrives: a Stop at that moment leaves no part file behind."""
    making = asyncio.ensure_future(asyncio.to_thread(_PartFile, file))
    try:
        return await asyncio.shield(making)
    except asyncio.CancelledError:
        making.add_done_callback(_discard_made)
        raise


def _discard_made(making: asyncio.Future[_PartFile]) -> None:
    if not making.cancelled() and making.exception() is None:
        making.result().discard()


class _PartFile(AtomicWriter):
    """An :class:`AtomicWriter` that also creates the target's missing folders, and removes
    them again on :meth:`discard` (a failed download leaves nothing behind)."""

    def __init__(self, target: Path) -> None:
        # Deepest first, so discard can remove them in order.
        self.made = [d for d in (target.parent, *target.parent.parents) if not d.exists()]
        target.parent.mkdir(parents=True, exist_ok=True)
        super().__init__(target, suffix=".part")

    def discard(self) -> None:
        super().discard()
        for folder in self.made:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if still empty


def _zip(members: list[tuple[Path, str]]) -> bytes:
    buffer = io.BytesIO()
    total = sum(file.stat().st_size for file, _ in members)
    if total > MAX_ARCHIVE or len(members) > MAX_ENTRIES:
        raise ServiceError(f"COMPRESS: more than {MAX_ARCHIVE // _MB} MB or {MAX_ENTRIES} "
                           f"files")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for file, name in members:
            zf.write(file, name)
    return buffer.getvalue()


def _entry_path(info: zipfile.ZipInfo, dest: Path, archive: str) -> Path | None:
    """Where an entry goes (None for a folder entry); refuses entries that escape ``dest``."""
    name = info.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    mode = info.external_attr >> 16
    if (name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts
            or stat.S_ISLNK(mode)):
        raise ServiceError(f"EXTRACT {archive!r}: refused, the entry {info.filename!r} would "
                           f"be written outside the folder")
    target = (dest / name).resolve()
    if not target.is_relative_to(dest.resolve()):
        raise ServiceError(f"EXTRACT {archive!r}: refused, the entry {info.filename!r} leads "
                           f"outside the folder")
    return None if info.is_dir() else target


def _unzip(data: bytes, dest: Path, archive: str) -> list[Path]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ServiceError(f"EXTRACT: {archive!r} is not a zip file") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_ARCHIVE:
            raise ServiceError(f"EXTRACT {archive!r}: more than {MAX_ARCHIVE // _MB} MB or "
                               f"{MAX_ENTRIES} files once unpacked")
        plan = [(info, _entry_path(info, dest, archive)) for info in infos]  # check all first
        written: list[Path] = []
        for info, target in plan:
            if target is None:
                continue
            with zf.open(info) as entry:
                content = entry.read(info.file_size + 1)  # a lying header cannot unpack more
            if len(content) > info.file_size:
                raise ServiceError(f"EXTRACT {archive!r}: the entry {info.filename!r} is "
                                   f"larger than it claims")
            _write(target, content)
            written.append(target)
    return written


def pdf_text(data: bytes, path: str = "") -> str:
    """The text of every page of a PDF, pages separated by blank lines."""
    pypdf = _import("pypdf", "PDF text")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)
    except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError) as e:
        raise ServiceError(f"cannot read the PDF {path!r}: {e}") from None


def _merge_pdfs(parts: list[bytes], names: list[str]) -> bytes:
    pypdf = _import("pypdf", "MERGE PDF")
    writer = pypdf.PdfWriter()
    for data, name in zip(parts, names):
        try:
            writer.append(pypdf.PdfReader(io.BytesIO(data)))
        except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError) as e:
            raise ServiceError(f"MERGE PDF: {name!r} is not a readable PDF ({e})") from None
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def fill_template(text: str, data: Any, is_html: bool = False) -> str:
    """Replace ``{{name}}`` / ``{{a.b}}`` with values of ``data`` (case-insensitive keys);
    a missing field becomes empty text. HTML templates get their values escaped."""

    def value(match: re.Match[str]) -> str:
        current: Any = data
        for key in match.group(1).split("."):
            if isinstance(current, dict):
                lower = {str(k).lower(): v for k, v in current.items()}
                current = lower.get(key.strip().lower())
            else:
                current = None
        shown = "" if current is None else (
            json.dumps(current, ensure_ascii=False) if isinstance(current, (dict, list))
            else str(current).lower() if isinstance(current, bool) else str(current))
        return html.escape(shown) if is_html else shown

    return _PLACEHOLDER.sub(value, text)


class _PackageImages:
    """The images an HTML template may show: files of the bot package (looked up beside the
    template, then as READ finds them), regular files of at most ``MAX_IMAGE`` bytes, raster
    only (an SVG can pull in further files). fpdf2 would otherwise open any path or URL an
    ``<img src>`` names (``/dev/zero`` grew without end)."""

    def __init__(self, storage: PackageStorage, template: str) -> None:
        self.storage = storage
        self.template_dir = PurePosixPath(template.strip()).parent

    def __call__(self, src: str) -> io.BytesIO:
        src = src.strip()
        if re.match(r"^[A-Za-z][\w+.-]*:", src):
            raise ServiceError(f"GENERATE PDF: the image {src[:80]!r} is not a file of the bot "
                               "package (URLs and data: images are not loaded)")
        file = self._find(src)
        size = file.stat().st_size
        if size > MAX_IMAGE:
            raise ServiceError(f"GENERATE PDF: the image {src!r} is larger than "
                               f"{MAX_IMAGE // _MB} MB")
        with file.open("rb") as fh:
            data = fh.read(MAX_IMAGE + 1)
        if len(data) > MAX_IMAGE:  # grew since it was measured
            raise ServiceError(f"GENERATE PDF: the image {src!r} is larger than "
                               f"{MAX_IMAGE // _MB} MB")
        if data.lstrip()[:1] == b"<" or src.lower().endswith((".svg", ".svgz")):
            raise ServiceError(f"GENERATE PDF: the image {src!r} is SVG; use PNG or JPEG")
        return io.BytesIO(data)

    def _find(self, src: str) -> Path:
        beside = str(self.template_dir / src) if str(self.template_dir) != "." else src
        for candidate in dict.fromkeys((beside, src)):
            try:
                return self.storage.resolve(candidate)
            except ServiceError:
                continue
        raise ServiceError(f"GENERATE PDF: the image {src!r} is not a file of the bot package "
                           f"{self.storage.root}")


def _pdf_class(fpdf: Any, images: Any) -> Any:
    """fpdf2's FPDF whose every image (HTML ``<img>``, table cells) goes through ``images``."""

    class PackagePDF(fpdf.FPDF):
        def image(self, name: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(name, str):
                name = images(name)
            elif not isinstance(name, io.BytesIO):
                raise ServiceError("GENERATE PDF: images must be files of the bot package")
            return super().image(name, *args, **kwargs)

    return PackagePDF


def _make_pdf(text: str, is_html: bool, template: str, images: Any = None) -> bytes:
    fpdf = _import("fpdf", "GENERATE PDF")
    if images is None:
        def images(src: str) -> io.BytesIO:
            raise ServiceError(f"GENERATE PDF: the image {src!r} cannot be loaded here")
    pdf = _pdf_class(fpdf, images)()
    pdf.add_page()
    font = next((f for f in _FONTS if Path(f).is_file()), "")
    if font:
        pdf.add_font("body", "", font)
        pdf.set_font("body", size=11)
    else:  # the core font knows Latin-1 only
        pdf.set_font("Helvetica", size=11)
        text = text.encode("latin-1", "replace").decode("latin-1")
    try:
        if is_html:
            pdf.write_html(text)
        else:
            pdf.multi_cell(0, 6, text)
        return bytes(pdf.output())
    except ServiceError:
        raise
    except (fpdf.errors.FPDFException, ValueError) as e:
        raise ServiceError(f"GENERATE PDF from {template!r} failed: {e}") from None


def _import(module: str, what: str) -> Any:
    try:
        return __import__(module)
    except ImportError:
        package = "fpdf2" if module == "fpdf" else module
        raise ServiceError(f"{what} needs the Python package {package!r} "
                           f"(pip install {package})") from None


@service_factory("storage", "open the dialog from a folder (a bot package) to read its files")
def make_storage(context: ServiceContext) -> FileStorage | None:
    return PackageStorage(context.dialog_dir) if context.dialog_dir else None
