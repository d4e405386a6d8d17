"""Uploaded files: what they really are (:mod:`.detect`) and where they are kept (:mod:`.storage`).

Generic on purpose: callers (evidence, award dossiers) own the database rows that point here.
"""
from portal.uploads.detect import ALLOWED_TYPES, DetectedType, UploadRejected, check_filename, detect_type
from portal.uploads.storage import FileStore, StoredFile

__all__ = ["ALLOWED_TYPES", "DetectedType", "FileStore", "StoredFile", "UploadRejected", "check_filename",
           "detect_type"]
