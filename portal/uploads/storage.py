"""Keeping uploaded files on disk under generated names, with nothing left behind on failure."""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from flask_babel import format_decimal
from flask_babel import gettext as _

from portal.uploads.detect import (ALLOWED_TYPES, DetectedType, UploadRejected, check_filename, check_matches_name,
                                   detect_type)

CHUNK_SIZE = 64 * 1024
MB = 1024 * 1024
_STORED_NAME = re.compile(r"[0-9a-f]{32}(\.[a-z]+)")
_STORED_EXTENSIONS = frozenset(t.extensions[0] for t in ALLOWED_TYPES.values())
_PARTIAL_PREFIX = ".upload-"


@dataclass
class SweepReport:
    """What a sweep removed (or, in a dry run, would remove): (name, size) pairs."""

    partial: list[tuple[str, int]] = field(default_factory=list)
    orphans: list[tuple[str, int]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def removed(self) -> list[tuple[str, int]]:
        return [*self.partial, *self.orphans]

    @property
    def size(self) -> int:
        return sum(size for _name, size in self.removed)


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    size: int
    sha256: str
    detected: DetectedType


class FileStore:
    """One folder of uploaded files; the user's file name is never part of a path."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def save(self, stream: BinaryIO, original_name: str, max_size: int) -> StoredFile:
        """Validate and store one upload; on any refusal or error the folder is left as it was."""
        name = check_filename(original_name)
        self.root.mkdir(mode=0o750, parents=True, exist_ok=True)
        # In root itself, so the final rename stays on one file system and is atomic.
        tmp = tempfile.NamedTemporaryFile(dir=self.root, delete=False, prefix=_PARTIAL_PREFIX)
        tmp_path = Path(tmp.name)
        try:
            with tmp:
                size, sha256 = _copy_limited(stream, tmp, name, max_size)
            if size == 0:
                raise UploadRejected(_("The file %(name)s is empty.", name=name))
            detected = detect_type(tmp_path, name)
            if detected is None:
                raise UploadRejected(_("The file %(name)s is not an allowed type (PDF, DOC/DOCX, XLS/XLSX, ODT/ODS, "
                                       "JPG, PNG); its content was checked, not its name.", name=name))
            check_matches_name(name, detected)
            stored_name = secrets.token_hex(16) + detected.extensions[0]
            # Before the rename, so a failing chmod cannot leave a stored file behind.
            tmp_path.chmod(0o640)
            os.replace(tmp_path, self.root / stored_name)
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise
        return StoredFile(stored_name=stored_name, size=size, sha256=sha256, detected=detected)

    @contextmanager
    def saving(self, stream: BinaryIO, original_name: str, max_size: int) -> Iterator[StoredFile]:
        """Yield the stored file to the caller's database write; if that block raises, the file is deleted again."""
        stored = self.save(stream, original_name, max_size)
        try:
            yield stored
        except BaseException:
            self.delete(stored.stored_name)
            raise

    @contextmanager
    def saving_all(self, uploads, max_size: int) -> Iterator[list[tuple[StoredFile, str]]]:
        """Store every upload (objects with ``stream`` and ``filename``) and yield (file, display name)
        pairs to the caller's database write; if any file is refused or the block raises, every file
        stored here is deleted again — all of a request's files or none."""
        stored: list[tuple[StoredFile, str]] = []
        try:
            for upload in uploads:
                stored.append((self.save(upload.stream, upload.filename, max_size), check_filename(upload.filename)))
            yield stored
        except BaseException:
            for item, _name in stored:
                self.delete(item.stored_name)
            raise

    def path(self, stored_name: str) -> Path:
        """Only generated names are accepted, so a crafted name can never reach outside root."""
        if not self._is_stored_name(stored_name):
            raise ValueError(f"not a stored file name: {stored_name!r}")
        return self.root / stored_name

    def delete(self, stored_name: str) -> None:
        self.path(stored_name).unlink(missing_ok=True)

    def exists(self, stored_name: str) -> bool:
        return self.path(stored_name).is_file()

    def sweep(self, referenced: Callable[[set[str]], set[str]], grace_seconds: float,
              dry_run: bool = False) -> SweepReport:
        """Remove what an interrupted upload (a killed worker) left behind: partial ``.upload-*``
        files, and stored files no row names (``referenced(names)`` answers which of ``names`` rows
        name). Only files untouched for ``grace_seconds``, so an upload in progress in another
        worker, written or renamed but not yet committed, is never removed. ``referenced`` is
        called only when there is an old stored file to ask about."""
        report = SweepReport(dry_run=dry_run)
        if not self.root.is_dir():
            return report
        cutoff = time.time() - grace_seconds
        stored: dict[str, int] = {}
        with os.scandir(self.root) as entries:
            for entry in entries:
                try:
                    info = entry.stat(follow_symlinks=False)
                except FileNotFoundError:  # removed meanwhile
                    continue
                if not entry.is_file(follow_symlinks=False) or info.st_mtime > cutoff:
                    continue
                if entry.name.startswith(_PARTIAL_PREFIX):
                    report.partial.append((entry.name, info.st_size))
                elif self._is_stored_name(entry.name):
                    stored[entry.name] = info.st_size
        if stored:
            named = referenced(set(stored))
            report.orphans = [(name, size) for name, size in stored.items() if name not in named]
        report.partial.sort()
        report.orphans.sort()
        if not dry_run:
            for name, _size in report.removed:
                (self.root / name).unlink(missing_ok=True)
        return report

    @staticmethod
    def _is_stored_name(name: str) -> bool:
        match = _STORED_NAME.fullmatch(name)
        return match is not None and match.group(1) in _STORED_EXTENSIONS


def _copy_limited(stream: BinaryIO, out: BinaryIO, name: str, max_size: int) -> tuple[int, str]:
    """Copy in chunks, stopping as soon as the limit is passed so a huge upload is never written whole."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK_SIZE):
        size += len(chunk)
        if size > max_size:
            raise UploadRejected(_("The file %(name)s is larger than %(mb)s MB.",
                                   name=name, mb=format_decimal(round(max_size / MB, 1))))
        digest.update(chunk)
        out.write(chunk)
    return size, digest.hexdigest()
