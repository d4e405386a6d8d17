import io
import unicodedata
import zipfile

import openpyxl
import pytest

from portal.uploads import ALLOWED_TYPES, UploadRejected, check_filename, detect_type
from portal.uploads.detect import check_matches_name
from tests import uploads as samples

ODT_MIME = b"application/vnd.oasis.opendocument.text"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"

ALLOWED_SAMPLES = {
    "pdf": ("pdf", "application/pdf", samples.PDF),
    "png": ("png", "image/png", samples.png()),
    "jpg": ("jpg", "image/jpeg", samples.JPEG),
    "doc": ("doc", "application/msword", samples.ole_flat("Root Entry", "WordDocument", "1Table")),
    "xls": ("xls", "application/vnd.ms-excel", samples.ole_flat("Root Entry", "Workbook")),
    "xls excel 5": ("xls", "application/vnd.ms-excel", samples.ole_flat("Root Entry", "Book")),
    # The directory decides even when the text in the first 64 KiB contains "Book".
    "large doc": ("doc", "application/msword", samples.ole_with_directory_at_end("WordDocument", text="Book 2")),
    "large xls": ("xls", "application/vnd.ms-excel", samples.ole_with_directory_at_end("Workbook")),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", samples.docx()),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", samples.xlsx()),
    "odt": ("odt", "application/vnd.oasis.opendocument.text", samples.odf(ODT_MIME)),
    "ods": ("ods", "application/vnd.oasis.opendocument.spreadsheet", samples.odf(ODS_MIME)),
}

REFUSED_SAMPLES = {
    "empty": b"",
    "executable": samples.EXE,
    "elf": samples.ELF,
    "html": samples.HTML,
    "svg": samples.SVG,
    "plain text": samples.TEXT,
    "pdf magic not at the start": b" " + samples.PDF,
    "zip with random entries": samples.zip_of({"a.txt": b"hello", "b/c.bin": b"\x00\x01"}),
    "zip with content types only": samples.zip_of({"[Content_Types].xml": b"<Types/>"}),
    "truncated zip": samples.docx()[:60],
    "zip with its end cut off": samples.docx()[:-30],
    "odf template mimetype": samples.odf(ODT_MIME + b"-template"),
    "odf mimetype with newline": samples.odf(ODS_MIME + b"\n"),
    "ole without known streams": samples.ole_flat("Root Entry", "Contents", "PowerPoint Document"),
    "ole signature only": samples.OLE_SIGNATURE,
    "odf with encrypted mimetype": samples.encrypted(samples.odf(ODT_MIME)),
}


@pytest.fixture(autouse=True)
def app_context():
    with samples.bare_app().app_context():
        yield


@pytest.mark.parametrize("key,content_type,data", list(ALLOWED_SAMPLES.values()), ids=list(ALLOWED_SAMPLES))
def test_allowed_types_are_detected_from_content(key, content_type, data):
    detected = detect_type(io.BytesIO(data))
    assert detected is not None and (detected.key, detected.content_type) == (key, content_type)
    assert detected is ALLOWED_TYPES[key]


@pytest.mark.parametrize("data", list(REFUSED_SAMPLES.values()), ids=list(REFUSED_SAMPLES))
def test_other_content_is_not_detected(data):
    assert detect_type(io.BytesIO(data)) is None


def test_real_xlsx_from_openpyxl(tmp_path):
    path = tmp_path / "made.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Kết quả"
    workbook.save(path)
    assert detect_type(path).key == "xlsx"
    assert detect_type(str(path)).key == "xlsx"


def test_allowed_types_table():
    assert set(ALLOWED_TYPES) == {"pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "jpg", "png"}
    assert {k for k, t in ALLOWED_TYPES.items() if t.previewable} == {"pdf", "jpg", "png"}
    assert ALLOWED_TYPES["jpg"].extensions == (".jpg", ".jpeg")
    for key, detected in ALLOWED_TYPES.items():
        assert detected.key == key and detected.extensions[0] == f".{key}"


@pytest.mark.parametrize("data", [samples.PDF, samples.EXE, samples.docx(), samples.ole_flat("Workbook")],
                         ids=["pdf", "exe", "docx", "xls"])
def test_file_object_is_read_from_the_start_and_left_at_zero(data):
    stream = io.BytesIO(data)
    stream.seek(3)
    expected = detect_type(io.BytesIO(data))
    assert detect_type(stream) == expected
    assert stream.tell() == 0


@pytest.mark.parametrize("name", [
    "../a.pdf", "a/b.pdf", "C:\\x\\a.pdf", "a\x00.pdf", "a\n.pdf", "a\x1b[31m.pdf", "a.pdf\t",
    "evil\u202efdp.exe", "a\u2066b.pdf", ".", "..", " .. ",
])
def test_check_filename_refuses_paths_and_control_characters(name):
    with pytest.raises(UploadRejected, match="file name is not allowed"):
        check_filename(name)


@pytest.mark.parametrize("name", ["", "   ", None])
def test_check_filename_refuses_no_name(name):
    with pytest.raises(UploadRejected):
        check_filename(name)


def test_check_filename_length_limit():
    assert check_filename("a" * 196 + ".pdf") == "a" * 196 + ".pdf"
    with pytest.raises(UploadRejected, match="200"):
        check_filename("a" * 197 + ".pdf")


def test_check_filename_keeps_vietnamese_names():
    assert check_filename("  Báo cáo kết quả 2025.pdf ") == "Báo cáo kết quả 2025.pdf"
    decomposed = unicodedata.normalize("NFD", "Báo cáo kết quả 2025.pdf")
    assert check_filename(decomposed) == "Báo cáo kết quả 2025.pdf"


@pytest.mark.parametrize("key,name", [
    ("pdf", "report.pdf"), ("pdf", "REPORT.PDF"), ("jpg", "photo.jpeg"), ("jpg", "photo.JPG"),
    ("docx", "Báo cáo.docx"), ("xls", "bang.tinh.xls"),
])
def test_name_matching_content_is_accepted(key, name):
    check_matches_name(name, ALLOWED_TYPES[key])


@pytest.mark.parametrize("key,name,ext", [
    ("pdf", "report.docx", ".docx"), ("docx", "report.doc", ".doc"), ("png", "photo.jpg", ".jpg"),
    ("xlsx", "table.xlsx.exe", ".exe"),
])
def test_name_contradicting_content_is_refused(key, name, ext):
    with pytest.raises(UploadRejected) as refused:
        check_matches_name(name, ALLOWED_TYPES[key])
    assert name in str(refused.value) and key.upper() in str(refused.value) and ext in str(refused.value)


def test_name_without_extension_is_refused():
    with pytest.raises(UploadRejected, match="report"):
        check_matches_name("report", ALLOWED_TYPES["pdf"])


def _big_zip(entries: int = 1, size: int = 0) -> bytes:
    """A docx whose extra members are zeros: tiny compressed, ``size`` bytes each unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>")
        for n in range(entries):
            archive.writestr(f"word/media/part{n}.xml", b"\x00" * size)
    return buffer.getvalue()


@pytest.mark.parametrize("part", [
    "word/vbaProject.bin", "xl/vbaProject.bin", "word/vbaData.xml", "word/activeX/activeX1.bin",
])
def test_a_macro_enabled_office_file_renamed_docx_is_refused(part):
    data = samples.zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>",
                           "xl/workbook.xml": b"<workbook/>", part: b"\xd0\xcf\x11\xe0 macro"})
    with pytest.raises(UploadRejected, match="macros") as refused:
        detect_type(io.BytesIO(data), "Báo cáo.docx")
    assert "Báo cáo.docx" in str(refused.value) and part in str(refused.value)


@pytest.mark.parametrize("part", ["Basic/Standard/Module1.xml", "Scripts/python/run.py"])
def test_an_odf_document_with_macros_is_refused(part):
    data = samples.zip_of({"mimetype": ODT_MIME, "content.xml": b"<office/>", part: b"Sub Main"})
    with pytest.raises(UploadRejected, match="macros"):
        detect_type(io.BytesIO(data), "a.odt")


def test_ordinary_office_parts_named_bin_are_accepted():
    data = samples.zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                           "xl/printerSettings/printerSettings1.bin": b"\x00" * 64})
    assert detect_type(io.BytesIO(data)).key == "xlsx"


def test_a_zip_bomb_named_docx_is_refused_from_its_directory():
    from portal.uploads import detect

    bomb = _big_zip(entries=1, size=2 * detect.RATIO_CHECKED_FROM)  # ~2 MB of zeros in ~2 KB
    assert len(bomb) < 20_000
    with pytest.raises(UploadRejected, match="MB"):
        detect_type(io.BytesIO(bomb), "bomb.docx")


def test_an_archive_unpacking_beyond_the_size_limit_is_refused(monkeypatch):
    from portal.uploads import detect

    monkeypatch.setattr(detect, "MAX_ARCHIVE_SIZE", 3000)
    with pytest.raises(UploadRejected, match="bomb.docx"):
        detect_type(io.BytesIO(_big_zip(entries=4, size=1000)), "bomb.docx")
    assert detect_type(io.BytesIO(_big_zip(entries=2, size=1000))).key == "docx"


def test_an_archive_with_too_many_parts_is_refused():
    from portal.uploads import detect

    with pytest.raises(UploadRejected, match=str(detect.MAX_ARCHIVE_ENTRIES)):
        detect_type(io.BytesIO(_big_zip(entries=detect.MAX_ARCHIVE_ENTRIES)), "many.docx")
    assert detect_type(io.BytesIO(_big_zip(entries=100))).key == "docx"


@pytest.mark.parametrize("name", ["bao\u200bcao.pdf", "report\u200fxcod.pdf", "tep\u061c.pdf", "\ufeffa.pdf",
                                  "a\u00ad.pdf", "a\u2060.pdf"])
def test_file_names_with_invisible_or_bidirectional_characters_are_refused(name):
    with pytest.raises(UploadRejected, match="invisible") as refused:
        check_filename(name)
    assert not any(c in str(refused.value) for c in "\u200b\u200f\u061c\ufeff")


@pytest.mark.parametrize("name,fallback", [
    ("Báo cáo Đảng ủy.pdf", "Bao cao Dang uy.pdf"),
    ("đề nghị khen thưởng.docx", "de nghi khen thuong.docx"),
    ("Tờ trình ƯU TIÊN.pdf", "To trinh UU TIEN.pdf"),
    ('a"b\\c.pdf', "a_b_c.pdf"),
    ("报告.pdf", "__.pdf"),
    ("plain.pdf", "plain.pdf"),
])
def test_download_fallback_name_transliterates_vietnamese(name, fallback):
    from portal.uploads.serving import ascii_name

    assert ascii_name(name) == fallback
