"""Regression tests for issue #9 item 24: the Content-Disposition of downloads and previews."""
import pytest

from portal.uploads import FileStore
from portal.uploads.serving import send_upload
from tests import uploads as samples

STORED = "0123456789abcdef0123456789abcdef.pdf"


@pytest.fixture
def store(tmp_path):
    (tmp_path / STORED).write_bytes(samples.PDF)
    return FileStore(tmp_path)


def _disposition(store, original_name: str, as_attachment: bool) -> str:
    with samples.bare_app().test_request_context():
        response = send_upload(store, STORED, original_name, "application/pdf", as_attachment=as_attachment)
        response.close()
    return response.headers["Content-Disposition"]


@pytest.mark.parametrize("as_attachment,kind", [(True, "attachment"), (False, "inline")])
def test_vietnamese_names_have_a_transliterated_fallback_for_both_dispositions(store, as_attachment, kind):
    assert _disposition(store, "Báo cáo Đảng ủy.pdf", as_attachment) == (
        f"{kind}; filename=\"Bao cao Dang uy.pdf\"; "
        "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%C4%90%E1%BA%A3ng%20%E1%BB%A7y.pdf")


@pytest.mark.parametrize("as_attachment,kind", [(True, "attachment"), (False, "inline")])
def test_a_stored_name_with_line_breaks_is_served(store, as_attachment, kind):
    header = _disposition(store, 'bad\r\nSet-Cookie: x="1".pdf', as_attachment)
    assert header == (f'{kind}; filename="bad__Set-Cookie: x=_1_.pdf"; '
                      "filename*=UTF-8''bad%0D%0ASet-Cookie%3A%20x%3D%221%22.pdf")
