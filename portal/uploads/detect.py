"""Recognising an uploaded file from its bytes, and checking the name it came with.

The browser's content type and the file's name are chosen by the sender, so neither decides
what a file is: only its content does, and the name must then agree with it.
"""
from __future__ import annotations

import html
import os
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import gettext as _

from portal.parsing import INVISIBLE

MAX_NAME_LENGTH = 200
HEAD_SIZE = 64 * 1024
# An office document is a ZIP archive: its directory is read (never extracted) and refused beyond
# these limits, so a decompression bomb named .docx is never accepted for anyone to open.
MAX_ARCHIVE_ENTRIES = 2000
MAX_ARCHIVE_SIZE = 100 * 1024 * 1024  # uncompressed, all members together
MAX_COMPRESSION_RATIO = 200  # for members of more than RATIO_CHECKED_FROM bytes uncompressed
RATIO_CHECKED_FROM = 1024 * 1024
# The directory's sizes are the sender's claim: every member is also unpacked (into nothing), in
# chunks of this size, and counted as it really unpacks.
UNPACK_CHUNK = 1024 * 1024
# [Content_Types].xml and the *.rels parts, read whole to look for macros: a few KB in real files.
MAX_MANIFEST_SIZE = 1024 * 1024
# At most this much of an OLE2 file (.doc, .xls) is read to follow its directory chain.
MAX_OLE_DIRECTORY_READ = 4 * 1024 * 1024

_PDF = b"%PDF-"
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_OOXML_TYPES = "[Content_Types].xml"
# Declared by a macro-enabled or ActiveX-carrying OOXML package, whatever its parts are named.
_OOXML_ACTIVE_MARKERS = ("macroenabled", "vbaproject", "vbadata", "activex")
# Storages and streams of VBA projects (Word, Excel). Embedded objects (Word's ObjectPool, e.g. an
# Excel chart in a report) are ordinary in the documents units send, so they are not refused.
_OLE_ACTIVE_NAMES = frozenset({"macros", "_vba_project_cur", "vba", "_vba_project", "project"})
_OLE_LAST_SECTOR = 0xFFFFFFF9  # above are markers: end of chain, free, FAT and DIFAT sectors
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
# A bidi override can make "evil\u202efdp.exe" display as "evilexe.pdf".
_BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
# Everything zipfile may raise on a damaged or hostile archive.
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError,
               KeyError, zlib.error)


class UploadRejected(ValueError):
    """A file refused; ``str(exc)`` is a message for the user, already translated."""


@dataclass(frozen=True)
class DetectedType:
    """One allowed kind of file; ``previewable`` ones a browser can show inline."""

    key: str
    content_type: str
    extensions: tuple[str, ...]
    previewable: bool


ALLOWED_TYPES: dict[str, DetectedType] = {t.key: t for t in (
    DetectedType("pdf", "application/pdf", (".pdf",), True),
    DetectedType("doc", "application/msword", (".doc",), False),
    DetectedType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 (".docx",), False),
    DetectedType("xls", "application/vnd.ms-excel", (".xls",), False),
    DetectedType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), False),
    DetectedType("odt", "application/vnd.oasis.opendocument.text", (".odt",), False),
    DetectedType("ods", "application/vnd.oasis.opendocument.spreadsheet", (".ods",), False),
    DetectedType("jpg", "image/jpeg", (".jpg", ".jpeg"), True),
    DetectedType("png", "image/png", (".png",), True),
)}


def detect_type(path_or_file: str | os.PathLike[str] | BinaryIO, name: str = "") -> DetectedType | None:
    """The allowed type the content is, or None; a file object is read from, and left at, position 0.

    Raises :class:`UploadRejected` (its message naming ``name``) for an office document with macros
    or active content, and for an archive beyond the size limits.
    """
    if isinstance(path_or_file, (str, os.PathLike)):
        with open(path_or_file, "rb") as f:
            return _detect(f, name)
    path_or_file.seek(0)
    try:
        return _detect(path_or_file, name)
    finally:
        path_or_file.seek(0)


def _detect(f: BinaryIO, name: str = "") -> DetectedType | None:
    head = f.read(HEAD_SIZE)
    if head.startswith(_PDF):
        key = "pdf"
    elif head.startswith(_PNG):
        key = "png"
    elif head.startswith(_JPEG):
        key = "jpg"
    elif head.startswith(_OLE):
        key = _ole_kind(f, head, name)
    elif head.startswith(_ZIP):
        key = _zip_kind(f, name)
    else:
        key = None
    return ALLOWED_TYPES[key] if key else None


def _ole_kind(f: BinaryIO, head: bytes, name: str = "") -> str | None:
    """"doc" or "xls" from the stream names of an OLE2 compound file; refuses one with macros.

    The directory names the streams exactly; it is often past the first 64 KiB in large files,
    hence the look there before the plain search of the head.
    """
    names = _ole_directory_names(f, head, name)
    for entry in sorted(names):
        if entry.lower() in _OLE_ACTIVE_NAMES:
            raise _macros_refused(name, entry)
    if "WordDocument" in names:
        return "doc"
    if names & {"Workbook", "Book"}:
        return "xls"
    if "WordDocument".encode("utf-16-le") in head:
        return "doc"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return "xls"
    return None


class _OleReader:
    """Sectors of a compound file, read within :data:`MAX_OLE_DIRECTORY_READ` bytes in all."""

    def __init__(self, f: BinaryIO, head: bytes, sector_size: int, name: str) -> None:
        self.f, self.sector_size, self.name = f, sector_size, name
        self.budget = MAX_OLE_DIRECTORY_READ
        self.per_sector = sector_size // 4
        self.fat_cache: dict[int, tuple[int, ...]] = {}
        fat_count, = struct.unpack_from("<I", head, 0x2C)
        difat_next, difat_count = struct.unpack_from("<II", head, 0x44)
        locations = list(struct.unpack_from("<109I", head, 0x4C))
        seen: set[int] = set()
        # FAT sectors past the first 109 are listed in a chain of DIFAT sectors.
        while len(locations) < fat_count and difat_next <= _OLE_LAST_SECTOR and difat_next not in seen \
                and len(seen) < difat_count:
            seen.add(difat_next)
            entries = self.entries(difat_next)
            if not entries:
                break
            locations.extend(entries[:-1])
            difat_next = entries[-1]
        self.fat_locations = locations[:fat_count]

    def sector(self, number: int) -> bytes:
        if self.budget < self.sector_size:
            raise _damaged(self.name)
        self.budget -= self.sector_size
        self.f.seek((number + 1) * self.sector_size)
        return self.f.read(self.sector_size)

    def entries(self, number: int) -> tuple[int, ...]:
        data = self.sector(number)
        return struct.unpack_from(f"<{self.per_sector}I", data) if len(data) == self.sector_size else ()

    def next_sector(self, number: int) -> int | None:
        """The sector after ``number`` in its chain, or None when the FAT does not say."""
        index, offset = divmod(number, self.per_sector)
        if index >= len(self.fat_locations) or self.fat_locations[index] > _OLE_LAST_SECTOR:
            return None
        if index not in self.fat_cache:
            self.fat_cache[index] = self.entries(self.fat_locations[index])
        fat = self.fat_cache[index]
        return fat[offset] if fat else None


def _ole_directory_names(f: BinaryIO, head: bytes, name: str = "") -> set[str]:
    """The names of the storages and streams in the whole directory chain.

    Raises :class:`UploadRejected` when the chain is longer than :data:`MAX_OLE_DIRECTORY_READ`
    allows to read: no real document has a directory anywhere near that size.
    """
    if len(head) < 512:
        return set()
    sector_shift, = struct.unpack_from("<H", head, 0x1E)
    sector, = struct.unpack_from("<I", head, 0x30)
    if sector_shift not in (9, 12) or sector > _OLE_LAST_SECTOR:
        return set()
    reader = _OleReader(f, head, 1 << sector_shift, name)
    names = set()
    seen: set[int] = set()
    while sector is not None and sector <= _OLE_LAST_SECTOR and sector not in seen:
        seen.add(sector)
        data = reader.sector(sector)
        for start in range(0, len(data) - 127, 128):
            length, kind = struct.unpack_from("<HB", data, start + 64)  # length in bytes, with the NUL
            if 2 <= length <= 64 and length % 2 == 0 and kind in (1, 2, 5):  # storage, stream, root
                names.add(data[start:start + length - 2].decode("utf-16-le", errors="replace"))
        sector = reader.next_sector(sector)
    return names


def _is_active_content(member: str) -> bool:
    """Macros (VBA in OOXML, Basic or scripts in ODF) and ActiveX controls: code that runs when opened."""
    lower = member.lower()
    base = lower.rpartition("/")[2]
    return (base.startswith("vbaproject") or base == "vbadata.xml"
            or ("/activex/" in f"/{lower}" and base.endswith(".bin"))
            or lower.startswith(("basic/", "scripts/")))


def _macros_refused(name: str, part: str) -> UploadRejected:
    return UploadRejected(_("The file %(name)s is not accepted: it contains macros or active content "
                            "(%(part)s). Save it as a document without macros and upload it again.",
                            name=name, part=part))


def _too_large(name: str) -> UploadRejected:
    return UploadRejected(_("The file %(name)s is not accepted: unpacked it would be far larger than "
                            "an ordinary document (more than %(mb)d MB or compressed suspiciously strongly).",
                            name=name, mb=MAX_ARCHIVE_SIZE // (1024 * 1024)))


def _damaged(name: str) -> UploadRejected:
    return UploadRejected(_("The file %(name)s is not accepted: it is damaged or built unlike an ordinary "
                            "document. Save it again from the program that made it and upload it again.",
                            name=name))


def _check_archive(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse macros and decompression bombs: first from the directory, then by unpacking each member."""
    members = archive.infolist()
    if len(members) > MAX_ARCHIVE_ENTRIES:
        raise UploadRejected(_("The file %(name)s is not accepted: it is made of more than %(n)d parts, "
                               "which no ordinary document needs.", name=name, n=MAX_ARCHIVE_ENTRIES))
    for member in members:
        if _is_active_content(member.filename):
            raise _macros_refused(name, member.filename)
    _check_declared_sizes(archive, name)
    total = 0
    for member in members:
        total = _unpack_member(archive, member, total, name)


def _check_declared_sizes(archive: zipfile.ZipFile, name: str) -> None:
    """The cheap refusal, from the directory's claims alone, before anything is unpacked."""
    total = 0
    for member in archive.infolist():
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_ARCHIVE_SIZE or (member.file_size > RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO):
            raise _too_large(name)


def _is_manifest(member: str) -> bool:
    return member == _OOXML_TYPES or member.lower().endswith(".rels")


def _unpack_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, total: int, name: str) -> int:
    """Unpack one member into nothing, counting what it really unpacks to; the new running total.

    [Content_Types].xml and the relationships are kept (within :data:`MAX_MANIFEST_SIZE`) and
    searched for a macro-enabled declaration.
    """
    manifest = _is_manifest(member.filename)
    kept = bytearray()
    size = 0
    try:
        with archive.open(member) as entry:
            while chunk := entry.read(UNPACK_CHUNK):
                size += len(chunk)
                total += len(chunk)
                if total > MAX_ARCHIVE_SIZE or (
                        size > RATIO_CHECKED_FROM and size / max(member.compress_size, 1) > MAX_COMPRESSION_RATIO):
                    raise _too_large(name)
                if manifest:
                    if size > MAX_MANIFEST_SIZE:
                        raise _damaged(name)
                    kept += chunk
    except (zipfile.BadZipFile, zlib.error, EOFError):  # CRC or size not as declared, or cut short
        raise _damaged(name) from None
    if manifest and _declares_active_content(bytes(kept)):
        raise _macros_refused(name, member.filename)
    return total


def _declares_active_content(xml: bytes) -> bool:
    """Whether a content-types or relationships part names macros or ActiveX, in any encoding
    an XML reader accepts and with character references resolved."""
    if xml.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = xml.decode("utf-16", errors="replace")
    elif xml[:1] == b"\x00":
        text = xml.decode("utf-16-be", errors="replace")
    elif xml[1:2] == b"\x00":
        text = xml.decode("utf-16-le", errors="replace")
    else:
        text = xml.decode("utf-8", errors="replace")
    text = html.unescape(text).lower()
    return any(marker in text for marker in _OOXML_ACTIVE_MARKERS)


def _zip_kind(f: BinaryIO, name: str = "") -> str | None:
    try:
        f.seek(0)
        with zipfile.ZipFile(f) as archive:
            _check_archive(archive, name)
            names = set(archive.namelist())
            if _OOXML_TYPES in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
                return None
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    # Bounded read: the entry could be a decompression bomb.
                    mimetype = entry.read(100)
                return _ODF_MIMETYPES.get(mimetype.decode("ascii", errors="replace"))
    except UploadRejected:  # a ValueError too: not one of the archive errors below
        raise
    except _ZIP_ERRORS:
        return None
    return None


def check_filename(name: str | None) -> str:
    """The name to show for an upload; refuses names that could act as a path or display misleadingly."""
    if name is None or not name.strip():
        raise UploadRejected(_("The file has no name."))
    if _has_bad_characters(name) or name.strip() in (".", ".."):
        raise UploadRejected(_("The file name is not allowed: it contains folder parts or control characters."))
    if INVISIBLE.search(name):  # a zero-width or direction mark can disguise the real extension
        raise UploadRejected(_("The file name %(name)s is not allowed: it contains invisible or "
                               "direction-changing characters. Rename the file and upload it again.",
                               name=INVISIBLE.sub("", name)))
    # Some systems send Vietnamese letters decomposed; one form keeps names comparable.
    name = unicodedata.normalize("NFC", name.strip())
    if len(name) > MAX_NAME_LENGTH:
        raise UploadRejected(_("The file name is longer than %(n)d characters.", n=MAX_NAME_LENGTH))
    return name


def _has_bad_characters(name: str) -> bool:
    return any(c in "/\\" or c in _BIDI_CONTROLS or unicodedata.category(c) == "Cc" for c in name)


def check_matches_name(name: str, detected: DetectedType) -> None:
    """Refuse a name whose extension disagrees with the content, so a download never opens in the wrong program."""
    dot, suffix = name.rpartition(".")[1:]
    extension = "." + suffix.lower() if dot else ""
    if extension in detected.extensions:
        return
    kind = detected.key.upper()
    if not extension:
        raise UploadRejected(_("The file %(name)s contains %(kind)s but its name has no extension.",
                               name=name, kind=kind))
    raise UploadRejected(_("The file %(name)s contains %(kind)s but its name ends in %(ext)s.",
                           name=name, kind=kind, ext=extension))
