"""Regression tests for issue #9 item 24: macros in legacy OLE files, macro-enabled OOXML files
whose VBA part has another name, and zip bombs that lie about their sizes."""
import io
import struct
import zipfile

import pytest

from portal.uploads import UploadRejected, detect, detect_type
from tests import uploads as samples

END_OF_CHAIN, FREE, FAT_SECTOR = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
STORAGE, STREAM, ROOT = 1, 2, 5


@pytest.fixture(autouse=True)
def app_context():
    with samples.bare_app().app_context():
        yield


# --- legacy OLE compound files -------------------------------------------------------------------

def _entry(name: str, kind: int) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", FREE, FREE, FREE) + b"\x00" * 48)


def ole_file(*sectors_of_entries: list[tuple[str, int]], chain: list[int] | None = None) -> bytes:
    """A compound file as Word and Excel write it (version 3, 512-byte sectors): sector 0 holds
    the FAT, sectors 1.. the directory, four entries to a sector, linked through the FAT
    (``chain`` overrides the links, to build a loop)."""
    directory_sectors = len(sectors_of_entries)
    header = bytearray(512)
    header[:8] = samples.OLE_SIGNATURE
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x2C, 1, 1, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0, 0)
    struct.pack_into("<108I", header, 0x50, *[FREE] * 108)
    links = chain or [*range(2, directory_sectors + 1), END_OF_CHAIN]
    fat = [FAT_SECTOR, *links] + [FREE] * (128 - 1 - len(links))
    body = struct.pack("<128I", *fat)
    for entries in sectors_of_entries:
        body += b"".join(_entry(name, kind) for name, kind in entries).ljust(512, b"\x00")
    return bytes(header) + body


WORD_FIRST = [("Root Entry", ROOT), ("WordDocument", STREAM), ("1Table", STREAM),
              ("\x05SummaryInformation", STREAM)]
EXCEL_FIRST = [("Root Entry", ROOT), ("Workbook", STREAM), ("\x05SummaryInformation", STREAM),
               ("\x05DocumentSummaryInformation", STREAM)]


def test_hand_built_ole_files_without_macros_are_accepted():
    assert detect_type(io.BytesIO(ole_file(WORD_FIRST))).key == "doc"
    assert detect_type(io.BytesIO(ole_file(WORD_FIRST, [("Data", STREAM), ("CompObj", STREAM)]))).key == "doc"
    assert detect_type(io.BytesIO(ole_file(EXCEL_FIRST, [("\x01CompObj", STREAM)]))).key == "xls"
    # a report with an embedded chart (Word's ObjectPool) is an ordinary document
    assert detect_type(io.BytesIO(ole_file(WORD_FIRST, [("ObjectPool", STORAGE)]))).key == "doc"


@pytest.mark.parametrize("first,macro_storage", [
    (WORD_FIRST, "Macros"), (WORD_FIRST, "VBA"),
    (EXCEL_FIRST, "_VBA_PROJECT_CUR"), (EXCEL_FIRST, "_vba_project_cur"),
])
def test_an_ole_file_with_macros_in_its_first_directory_sector_is_refused(first, macro_storage):
    data = ole_file(first[:3] + [(macro_storage, STORAGE)])
    with pytest.raises(UploadRejected, match="macro") as refused:
        detect_type(io.BytesIO(data), "Biên bản.doc")
    assert "Biên bản.doc" in str(refused.value) and macro_storage in str(refused.value)


@pytest.mark.parametrize("first,later", [
    (WORD_FIRST, [("Macros", STORAGE), ("VBA", STORAGE), ("PROJECT", STREAM), ("dir", STREAM)]),
    (EXCEL_FIRST, [("_VBA_PROJECT_CUR", STORAGE), ("VBA", STORAGE)]),
    (EXCEL_FIRST, [("_VBA_PROJECT", STREAM)]),
], ids=["doc", "xls", "xls vba project stream"])
def test_an_ole_file_with_macros_later_in_its_directory_chain_is_refused(first, later):
    data = ole_file(first, [("Data", STREAM)], later)
    with pytest.raises(UploadRejected, match="macro"):
        detect_type(io.BytesIO(data), "bang.xls")


def test_a_looping_ole_directory_chain_ends():
    data = ole_file(WORD_FIRST, [("Data", STREAM)], chain=[2, 1])  # sector 2 links back to 1
    assert detect_type(io.BytesIO(data)).key == "doc"


def test_an_ole_directory_beyond_the_read_limit_is_refused(monkeypatch):
    monkeypatch.setattr(detect, "MAX_OLE_DIRECTORY_READ", 2 * 512)  # the FAT and one directory sector
    assert detect_type(io.BytesIO(ole_file(WORD_FIRST))).key == "doc"
    with pytest.raises(UploadRejected, match="big.doc"):
        detect_type(io.BytesIO(ole_file(WORD_FIRST, [("Data", STREAM)])), "big.doc")


# --- macro-enabled OOXML whose VBA part has another name ------------------------------------------

CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                 b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>%s'
                 b'<Override PartName="/word/document.xml" ContentType="%s"/></Types>')
DOCUMENT = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
VBA_REL = b"http://schemas.microsoft.com/office/2006/relationships/vbaProject"


def _docx(content_types: bytes, parts: dict[str, bytes] | None = None) -> bytes:
    return samples.zip_of({"[Content_Types].xml": content_types, "_rels/.rels": b"<Relationships/>",
                           "word/document.xml": b"<w:document/>", **(parts or {})})


@pytest.mark.parametrize("content_types", [
    CONTENT_TYPES % (b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>', DOCUMENT),
    CONTENT_TYPES % (b"", b"application/vnd.ms-word.document.macroEnabled.main+xml"),
    CONTENT_TYPES % (b'<Override PartName="/word/x.xml" ContentType="application/vnd.ms-word.vbaData+xml"/>',
                     DOCUMENT),
    CONTENT_TYPES % (b'<Default Extension="bin" ContentType="application/vnd.ms-office.&#x61;ctiveX"/>', DOCUMENT),
    (CONTENT_TYPES % (b"", b"application/vnd.ms-word.document.macroEnabled.main+xml")).decode().encode("utf-16"),
], ids=["vbaProject", "macroEnabled", "vbaData", "activeX as a character reference", "utf-16"])
def test_content_types_declaring_macros_are_refused(content_types):
    data = _docx(content_types, {"word/data1.bin": b"\xd0\xcf\x11\xe0 macro"})
    with pytest.raises(UploadRejected, match="macro") as refused:
        detect_type(io.BytesIO(data), "Báo cáo.docx")
    assert "Báo cáo.docx" in str(refused.value) and "[Content_Types].xml" in str(refused.value)


@pytest.mark.parametrize("relationship", [VBA_REL, b"http://schemas.microsoft.com/office/2006/relationships/activeXControl",
                                          b"http://schemas.microsoft.com/office/2006/relationships/wordVbaData"])
def test_relationships_pointing_at_macros_are_refused(relationship):
    rels = (b'<Relationships><Relationship Id="rId9" Type="%s" Target="data.bin"/></Relationships>' % relationship)
    data = _docx(CONTENT_TYPES % (b"", DOCUMENT), {"word/_rels/document.xml.rels": rels, "word/data.bin": b"macro"})
    with pytest.raises(UploadRejected, match="macro") as refused:
        detect_type(io.BytesIO(data), "a.docx")
    assert "word/_rels/document.xml.rels" in str(refused.value)


def test_ordinary_office_files_with_printer_settings_are_accepted():
    types = (b'<?xml version="1.0"?><Types><Default Extension="bin" ContentType="application/vnd.openxmlformats-'
             b'officedocument.spreadsheetml.printerSettings"/></Types>')
    rels = (b'<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/printerSettings" Target="../printerSettings/printerSettings1.bin"/></Relationships>')
    data = samples.zip_of({"[Content_Types].xml": types, "xl/workbook.xml": b"<workbook/>",
                           "xl/worksheets/_rels/sheet1.xml.rels": rels,
                           "xl/printerSettings/printerSettings1.bin": b"\x00" * 64})
    assert detect_type(io.BytesIO(data)).key == "xlsx"
    assert detect_type(io.BytesIO(_docx(CONTENT_TYPES % (b"", DOCUMENT)))).key == "docx"


def test_an_oversized_content_types_part_is_refused(monkeypatch):
    monkeypatch.setattr(detect, "MAX_MANIFEST_SIZE", 1000)
    data = _docx(CONTENT_TYPES % (b"<!--" + b" " * 2000 + b"-->", DOCUMENT))
    with pytest.raises(UploadRejected, match="huge.docx"):
        detect_type(io.BytesIO(data), "huge.docx")


# --- zip bombs whose directory lies ---------------------------------------------------------------

def _patch_declared_size(archive: bytes, member: str, size: int) -> bytes:
    """Write ``size`` as the uncompressed size of ``member`` in the central directory."""
    data = bytearray(archive)
    start = data.find(b"PK\x01\x02")
    while start != -1:
        name_length, = struct.unpack_from("<H", data, start + 28)
        if data[start + 46:start + 46 + name_length] == member.encode():
            struct.pack_into("<I", data, start + 24, size)
            return bytes(data)
        start = data.find(b"PK\x01\x02", start + 4)
    raise AssertionError(member)


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED], ids=["stored", "deflated"])
def test_a_member_larger_than_its_declared_size_is_refused(compression):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (50 * 1024 * 1024))
    bomb = _patch_declared_size(buffer.getvalue(), "word/document.xml", 1000)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 1000
    with pytest.raises(UploadRejected, match="bomb.docx"):
        detect_type(io.BytesIO(bomb), "bomb.docx")


def test_members_are_counted_by_what_they_unpack_to(monkeypatch):
    monkeypatch.setattr(detect, "MAX_ARCHIVE_SIZE", 3000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"\x00" * 5000)
    # Read through the archive, not from the directory: the directory pass is skipped.
    monkeypatch.setattr(detect, "_check_declared_sizes", lambda archive, name: None)
    with pytest.raises(UploadRejected, match="MB"):
        detect_type(io.BytesIO(buffer.getvalue()), "big.docx")
