"""Recognising an uploaded file from its bytes, and checking the name it came with.

The browser's content type and the file's name are chosen by the sender, so neither decides
what a file is: only its content does, and the name must then agree with it.
"""
from __future__ import annotations

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

_PDF = b"%PDF-"
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_OOXML_TYPES = "[Content_Types].xml"
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
        key = _ole_kind(f, head)
    elif head.startswith(_ZIP):
        key = _zip_kind(f, name)
    else:
        key = None
    return ALLOWED_TYPES[key] if key else None


def _ole_kind(f: BinaryIO, head: bytes) -> str | None:
    """"doc" or "xls" from the stream names of an OLE2 compound file.

    The directory's first sector names the top-level streams exactly; it is often past the first
    64 KiB in large files, hence the look there before the plain search of the head.
    """
    names = _ole_directory_names(f, head)
    if "WordDocument" in names:
        return "doc"
    if names & {"Workbook", "Book"}:
        return "xls"
    if "WordDocument".encode("utf-16-le") in head:
        return "doc"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return "xls"
    return None


def _ole_directory_names(f: BinaryIO, head: bytes) -> set[str]:
    if len(head) < 512:
        return set()
    sector_shift, = struct.unpack_from("<H", head, 0x1E)
    first_sector, = struct.unpack_from("<I", head, 0x30)
    if sector_shift not in (9, 12) or first_sector >= 0xFFFFFFFA:  # 0xFFFFFFFA and up are markers
        return set()
    sector_size = 1 << sector_shift
    f.seek((first_sector + 1) * sector_size)
    sector = f.read(sector_size)
    names = set()
    for start in range(0, len(sector) - 127, 128):
        length, = struct.unpack_from("<H", sector, start + 64)  # in bytes, with the terminating NUL
        if 2 <= length <= 64 and length % 2 == 0:
            names.add(sector[start:start + length - 2].decode("utf-16-le", errors="replace"))
    return names


def _is_active_content(member: str) -> bool:
    """Macros (VBA in OOXML, Basic or scripts in ODF) and ActiveX controls: code that runs when opened."""
    lower = member.lower()
    base = lower.rpartition("/")[2]
    return (base.startswith("vbaproject") or base == "vbadata.xml"
            or ("/activex/" in f"/{lower}" and base.endswith(".bin"))
            or lower.startswith(("basic/", "scripts/")))


def _check_archive(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse, from the archive's directory alone, macros and decompression bombs."""
    members = archive.infolist()
    if len(members) > MAX_ARCHIVE_ENTRIES:
        raise UploadRejected(_("The file %(name)s is not accepted: it is made of more than %(n)d parts, "
                               "which no ordinary document needs.", name=name, n=MAX_ARCHIVE_ENTRIES))
    total = 0
    for member in members:
        if _is_active_content(member.filename):
            raise UploadRejected(_("The file %(name)s is not accepted: it contains macros or active content "
                                   "(%(part)s). Save it as a document without macros and upload it again.",
                                   name=name, part=member.filename))
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_ARCHIVE_SIZE or (member.file_size > RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO):
            raise UploadRejected(_("The file %(name)s is not accepted: unpacked it would be far larger than "
                                   "an ordinary document (more than %(mb)d MB or compressed suspiciously strongly).",
                                   name=name, mb=MAX_ARCHIVE_SIZE // (1024 * 1024)))


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
