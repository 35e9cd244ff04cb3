"""Uploaded documents and evidence: type-checked by content, stored outside the web root under random names.

The client's file name and Content-Type are never trusted: the first bytes (and, for Office files, the
zip directory) decide what a file is, and the extension must agree. Files live under ``MEDIA_ROOT``
(``$JINDU_DATA_DIR/files``), which no URL serves; views stream them after a scope check.
"""

import hashlib
import logging
import re
import unicodedata
import uuid
import weakref
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import FileKind

MAX_BYTES = getattr(settings, "JINDU_SUPERVISION_MAX_FILE_BYTES", 20 * 1024 * 1024)
MAX_ZIP_ENTRIES = 1000
MAX_UNCOMPRESSED = 200 * 1024 * 1024

DOCUMENT_KINDS = (FileKind.PDF, FileKind.DOCX)
EVIDENCE_KINDS = (FileKind.PDF, FileKind.DOCX, FileKind.XLSX, FileKind.JPEG, FileKind.PNG)

EXTENSIONS = {
    FileKind.PDF: {"pdf"},
    FileKind.DOCX: {"docx"},
    FileKind.XLSX: {"xlsx"},
    FileKind.JPEG: {"jpg", "jpeg"},
    FileKind.PNG: {"png"},
}
CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
}
OFFICE_PARTS = {FileKind.DOCX: "word/document.xml", FileKind.XLSX: "xl/workbook.xml"}


def clean_name(name):
    """The client's file name for display only: no path, no control characters, at most 150 characters."""
    name = re.split(r"[\\/]", str(name or ""))[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[-150:] or "file"


def _office_kind(uploaded):
    """DOCX or XLSX from the zip directory; macros, external links and zip bombs are refused."""
    uploaded.seek(0)
    try:
        archive = zipfile.ZipFile(uploaded)
    except zipfile.BadZipFile as error:
        raise ValidationError(_("The file is damaged or not an Office document.")) from error
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED:
            raise ValidationError(_("The file unpacks to too much data."))
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names:
            raise ValidationError(_("The file is damaged or not an Office document."))
        content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace").lower()
        if any(name.lower().endswith("vbaproject.bin") for name in names) or "macroenabled" in content_types:
            raise ValidationError(_("Files with macros are not accepted."))
        if any("externallink" in name.lower() for name in names):
            raise ValidationError(_("Files with external links are not accepted."))
        for kind, part in OFFICE_PARTS.items():
            if part in names:
                return kind
    raise ValidationError(_("The file is damaged or not an Office document."))


def detect(uploaded):
    """The :class:`FileKind` of an uploaded file, judged by its content."""
    uploaded.seek(0)
    head = uploaded.read(8)
    if head.startswith(b"%PDF-"):
        return FileKind.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(uploaded)
    return None


def check_upload(uploaded, allowed):
    """Validate an upload: size, content type among ``allowed``, extension agreeing with the content.

    Returns (kind, cleaned name, size, sha256)."""
    name = clean_name(getattr(uploaded, "name", ""))
    size = uploaded.size
    if not size:
        raise ValidationError(_("The file is empty."))
    if size > MAX_BYTES:
        raise ValidationError(_("The file is larger than {limit} MB.").format(limit=MAX_BYTES // (1024 * 1024)))
    kind = detect(uploaded)
    allowed_names = ", ".join(sorted(FileKind(k).label for k in allowed))
    if kind not in allowed:
        raise ValidationError(_("Only these file types are accepted: {kinds}.").format(kinds=allowed_names))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EXTENSIONS[kind]:
        raise ValidationError(_("The file name ends in .{ext} but the file is {kind}.").format(
            ext=extension or "?", kind=FileKind(kind).label))
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return kind, name, size, digest.hexdigest()


logger = logging.getLogger(__name__)


def store(uploaded, kind):
    """Save a checked upload under a random name below MEDIA_ROOT; returns the storage name.

    The client's name is kept in the record, never in the path. Plain names (not FileFields) keep the audit
    snapshots simple. The file is written before its row; if the transaction (or savepoint) that writes the row
    is rolled back, the file is removed again (:func:`remove_on_rollback`): no orphans."""
    name = f"supervision/{timezone.now():%Y}/{uuid.uuid4().hex}.{kind}"
    uploaded.seek(0)
    name = default_storage.save(name, uploaded)
    remove_on_rollback(name)
    return name


def remove_on_rollback(name):
    """Delete the stored file ``name`` unless the current transaction commits.

    Django has an ``on_commit`` hook but none for rollback. A rollback (of the whole transaction or of the
    savepoint the file was written in) discards the ``on_commit`` callbacks registered inside it without calling
    them, so the callback registered here is either called (committed: keep the file) or dropped unrun, and then
    its finaliser removes the file. Outside a transaction (autocommit) there is nothing to roll back."""
    if not connection.in_atomic_block:
        return
    state = {"committed": False}

    def committed():
        state["committed"] = True

    weakref.finalize(committed, _remove_unless_committed, name, state)
    transaction.on_commit(committed)


def _remove_unless_committed(name, state):
    if state["committed"]:
        return
    try:
        default_storage.delete(name)
    except OSError:  # logged, never raised: this runs while a rollback is being handled
        logger.exception("could not remove %s after a rollback", name)


def open_stored(name):
    return default_storage.open(name, "rb")
