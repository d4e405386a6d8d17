import hashlib
import io
import os
import re
import stat

import pytest

from portal.uploads import FileStore, StoredFile, UploadRejected
from tests import uploads as samples

MB = 1024 * 1024
STORED_NAME = re.compile(r"[0-9a-f]{32}\.[a-z]+")


@pytest.fixture(autouse=True)
def app_context():
    with samples.bare_app().app_context():
        yield


@pytest.fixture
def store(tmp_path):
    return FileStore(tmp_path / "store")


def listing(store: FileStore) -> list[str]:
    """Everything in root, hidden temporary files included."""
    return sorted(os.listdir(store.root)) if store.root.exists() else []


def big_pdf(size: int) -> bytes:
    return samples.PDF + b"%" + b"x" * (size - len(samples.PDF) - 1)


class CountingStream(io.BytesIO):
    """Records how much was read, to show a too-large upload is not read to the end."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


class FailingStream(io.BytesIO):
    """A connection that drops after the first chunk."""

    def read(self, size: int | None = -1) -> bytes:
        if self.tell() > 0:
            raise OSError("client went away")
        return super().read(size)


@pytest.mark.parametrize("name,data,key", [
    ("Báo cáo kết quả 2025.pdf", big_pdf(300 * 1024), "pdf"),  # several chunks
    ("ảnh.JPEG", samples.JPEG, "jpg"),
    ("scan.png", samples.png(), "png"),
    ("bảng.xlsx", samples.xlsx(), "xlsx"),
], ids=["pdf", "jpeg", "png", "xlsx"])
def test_save_stores_content_under_a_generated_name(store, name, data, key):
    stored = store.save(io.BytesIO(data), name, max_size=MB)
    assert isinstance(stored, StoredFile)
    assert STORED_NAME.fullmatch(stored.stored_name) and stored.stored_name.endswith(f".{key}")
    assert stored.detected.key == key
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    path = store.path(stored.stored_name)
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert listing(store) == [stored.stored_name]


def test_generated_names_do_not_repeat_or_use_the_upload_name(store):
    names = {store.save(io.BytesIO(samples.PDF), "same.pdf", MB).stored_name for _ in range(5)}
    assert len(names) == 5 and not any("same" in n for n in names)


def test_root_is_created_on_first_save_only(tmp_path):
    store = FileStore(tmp_path / "a" / "uploads")
    assert not store.root.exists()
    store.save(io.BytesIO(samples.PDF), "a.pdf", MB)
    assert store.root.is_dir()
    assert stat.S_IMODE(store.root.stat().st_mode) & ~0o750 == 0


def test_limit_is_inclusive(store):
    assert store.save(io.BytesIO(big_pdf(1000)), "a.pdf", max_size=1000).size == 1000
    with pytest.raises(UploadRejected):
        store.save(io.BytesIO(big_pdf(1001)), "b.pdf", max_size=1000)
    assert len(listing(store)) == 1


def test_too_large_is_refused_early_and_leaves_nothing(store):
    earlier = store.save(io.BytesIO(samples.PDF), "earlier.pdf", MB)
    stream = CountingStream(big_pdf(10 * MB))
    with pytest.raises(UploadRejected) as refused:
        store.save(stream, "huge.pdf", max_size=2 * MB)
    assert "huge.pdf" in str(refused.value) and "2" in str(refused.value)
    assert stream.bytes_read <= 2 * MB + 64 * 1024
    assert listing(store) == [earlier.stored_name]


def test_empty_file_is_refused_and_leaves_nothing(store):
    with pytest.raises(UploadRejected) as refused:
        store.save(io.BytesIO(b""), "empty.pdf", MB)
    assert "empty.pdf" in str(refused.value) and "DOC/DOCX" not in str(refused.value)
    assert listing(store) == []


@pytest.mark.parametrize("name,data", [
    ("report.pdf", samples.EXE),
    ("page.pdf", samples.HTML),
    ("logo.png", samples.SVG),
    ("notes.docx", samples.zip_of({"a.txt": b"hi"})),
], ids=["exe", "html", "svg", "zip"])
def test_content_of_another_type_is_refused_and_leaves_nothing(store, name, data):
    with pytest.raises(UploadRejected) as refused:
        store.save(io.BytesIO(data), name, MB)
    assert name in str(refused.value) and "DOC/DOCX" in str(refused.value)
    assert listing(store) == []


def test_name_contradicting_content_is_refused_and_leaves_nothing(store):
    with pytest.raises(UploadRejected) as refused:
        store.save(io.BytesIO(samples.PDF), "report.docx", MB)
    assert "PDF" in str(refused.value) and ".docx" in str(refused.value)
    assert listing(store) == []


def test_bad_name_is_refused_before_reading(store):
    stream = CountingStream(samples.PDF)
    with pytest.raises(UploadRejected):
        store.save(stream, "../../etc/cron.d/x.pdf", MB)
    assert stream.bytes_read == 0
    assert listing(store) == []


def test_read_error_leaves_nothing_and_propagates(store):
    with pytest.raises(OSError, match="client went away"):
        store.save(FailingStream(big_pdf(200 * 1024)), "a.pdf", MB)
    assert listing(store) == []


def test_saving_keeps_the_file_when_the_block_succeeds(store):
    with store.saving(io.BytesIO(samples.PDF), "a.pdf", MB) as stored:
        assert store.exists(stored.stored_name)
    assert store.exists(stored.stored_name)


def test_saving_removes_the_file_when_the_block_fails(store):
    with pytest.raises(RuntimeError, match="database down"):
        with store.saving(io.BytesIO(samples.PDF), "a.pdf", MB) as stored:
            assert store.exists(stored.stored_name)
            raise RuntimeError("database down")
    assert not store.exists(stored.stored_name)
    assert listing(store) == []


def test_saving_refusal_propagates_without_running_the_block(store):
    with pytest.raises(UploadRejected):
        with store.saving(io.BytesIO(samples.EXE), "a.pdf", MB):
            pytest.fail("the block must not run for a refused file")


@pytest.mark.parametrize("name", [
    "../etc/passwd", "abc.pdf", "0" * 32 + ".exe", "0" * 32 + ".pdf\n", "0" * 32 + ".PDF", "A" * 32 + ".pdf",
    "0" * 31 + ".pdf", "0" * 32 + ".pdf/../x", "/" + "0" * 32 + ".pdf", "0" * 32 + ".jpg.pdf", "",
])
def test_path_refuses_names_not_generated_by_the_store(store, name):
    with pytest.raises(ValueError):
        store.path(name)
    with pytest.raises(ValueError):
        store.delete(name)


def test_path_is_inside_root(store):
    name = "0123456789abcdef" * 2 + ".docx"
    assert store.path(name) == store.root / name


def test_delete_is_idempotent(store):
    stored = store.save(io.BytesIO(samples.PDF), "a.pdf", MB)
    store.delete(stored.stored_name)
    assert not store.exists(stored.stored_name)
    store.delete(stored.stored_name)
    store.delete("f" * 32 + ".png")  # never stored
    assert listing(store) == []


# --- The sweep of what interrupted uploads leave behind -------------------------------------------

def _aged(path, seconds: float):
    old = path.stat().st_mtime - seconds
    os.utime(path, (old, old))
    return path


def _left_behind(store, tmp_name=".upload-abc123", stored_name="ab" * 16 + ".pdf", age=7200):
    store.root.mkdir(parents=True, exist_ok=True)
    partial = store.root / tmp_name
    partial.write_bytes(b"%PDF-half")
    stored = store.root / stored_name
    stored.write_bytes(samples.PDF)
    return _aged(partial, age), _aged(stored, age)


def test_sweep_removes_an_old_partial_upload_and_an_old_file_no_row_names(store):
    partial, orphan = _left_behind(store)
    report = store.sweep(lambda names: set(), grace_seconds=3600)
    assert report.partial == [(partial.name, 9)] and report.orphans == [(orphan.name, len(samples.PDF))]
    assert listing(store) == []


def test_sweep_keeps_files_of_an_upload_still_in_progress(store):
    """Younger than the grace period: another worker may be writing or about to commit it."""
    _left_behind(store, age=60)
    asked = []
    report = store.sweep(lambda names: asked.append(names) or set(), grace_seconds=3600)
    assert report.removed == [] and len(listing(store)) == 2
    assert asked == []  # and the database was not even asked


def test_sweep_keeps_a_file_a_row_names(store):
    partial, named = _left_behind(store)
    report = store.sweep(lambda names: names & {named.name}, grace_seconds=3600)
    assert report.orphans == [] and listing(store) == [named.name]


def test_sweep_dry_run_lists_without_removing(store):
    _left_behind(store)
    report = store.sweep(lambda names: set(), grace_seconds=3600, dry_run=True)
    assert len(report.removed) == 2 and len(listing(store)) == 2


def test_sweep_leaves_foreign_files_alone(store):
    store.root.mkdir(parents=True)
    foreign = store.root / "README.txt"
    foreign.write_text("x")
    _aged(foreign, 7200)
    assert store.sweep(lambda names: set(), grace_seconds=3600).removed == []
    assert listing(store) == ["README.txt"]
