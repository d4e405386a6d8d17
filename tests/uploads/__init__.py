"""Small real sample files, built in code, shared by the upload tests."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

from flask import Flask
from flask_babel import Babel

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

PDF = (b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
       b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
       b"trailer <</Root 1 0 R>>\n%%EOF\n")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
TEXT = "Báo cáo kết quả năm 2025\n".encode()


def bare_app() -> Flask:
    """An app with Babel and nothing else: messages need an app context, these tests need no database."""
    app = Flask(__name__)
    app.config["BABEL_DEFAULT_LOCALE"] = "vi"
    Babel(app)
    return app


def png() -> bytes:
    """A valid 1x1 white pixel."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            # ODF wants "mimetype" first and stored, as real documents have it.
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


def encrypted(archive: bytes) -> bytes:
    """The archive with every entry flagged as encrypted (bit 0 of the flags), as a locked ZIP is."""
    data = bytearray(archive)
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + flags_at] |= 1
            start = data.find(signature, start + 4)
    return bytes(data)


def docx() -> bytes:
    return zip_of({"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>",
                   "word/document.xml": b"<w:document/>"})


def xlsx() -> bytes:
    return zip_of({"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>",
                   "xl/workbook.xml": b"<workbook/>"})


def odf(mimetype: bytes, main: str = "content.xml") -> bytes:
    return zip_of({"mimetype": mimetype, "META-INF/manifest.xml": b"<manifest/>", main: b"<office/>"})


def ole_flat(*stream_names: str) -> bytes:
    """The signature, padding, then the names as an OLE directory stores them (UTF-16-LE)."""
    body = b"".join(name.encode("utf-16-le") + b"\x00" * 8 for name in stream_names)
    return OLE_SIGNATURE + b"\x00" * 504 + body + b"\x00" * 512


def ole_with_directory_at_end(stream_name: str, text: str = "") -> bytes:
    """A compound file whose directory sector comes after 200 KiB of data, as in large real files;
    ``text`` is put at the start of the data, stored as Word and Excel store text (UTF-16-LE)."""
    data_sectors = 400
    header = bytearray(512)
    header[:8] = OLE_SIGNATURE
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 0x30, data_sectors)  # sector n starts at (n + 1) * 512
    data = text.encode("utf-16-le").ljust(data_sectors * 512, b"\x00")
    names = ("Root Entry", stream_name, "\x05SummaryInformation", "\x05DocumentSummaryInformation")
    return bytes(header) + data + b"".join(_directory_entry(name) for name in names)


def _directory_entry(name: str) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    return encoded.ljust(64, b"\x00") + struct.pack("<H", len(encoded)) + b"\x02" * 2 + b"\x00" * 60
