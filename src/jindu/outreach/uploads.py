"""Uploaded photos and videos: type and size checked by content, stored outside the web root, streamed.

The client's file name and declared content type are never trusted: the first bytes decide
the type (a renamed executable is refused whatever its extension), the stored name is random
(``models._stored_name``), and the files live under ``MEDIA_ROOT`` (the data folder), which no
URL serves. Views stream them after the scope check, videos with HTTP range requests so that
players can seek.

Limits: ``JINDU_PHOTO_MAX_BYTES`` (default 10 MB) and ``JINDU_VIDEO_MAX_BYTES`` (default 1 GB, the
usual limit of video contests), from settings or the environment.
"""

import hashlib
import os
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

CHUNK = 256 * 1024
HEAD_BYTES = 64

MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VH", b"M4VP",
    b"dash", b"MSNV", b"NDAS", b"f4v ", b"mmp4", b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"XAVC",
}


def _limit(name, default):
    value = getattr(settings, name, None) or os.environ.get(name)
    return int(value) if value else default


def photo_max_bytes():
    return _limit("JINDU_PHOTO_MAX_BYTES", 10 * 1024 * 1024)


def video_max_bytes():
    return _limit("JINDU_VIDEO_MAX_BYTES", 1024 * 1024 * 1024)


def sniff_image(head):
    """(content type, suffix) of a JPEG, PNG, GIF or WebP image, from its first bytes; None otherwise."""
    if head[:3] == b"\xff\xd8\xff":
        return "image/jpeg", ".jpg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png", ".png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif", ".gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None


def sniff_video(head, size):
    """(content type, suffix) of an MP4/MOV (ISO base media) or WebM video; None otherwise.

    An ISO file starts with an ``ftyp`` box whose size must be plausible; HEIF/AVIF images share
    the container and are refused by their brand. WebM is EBML with the ``webm`` document type.
    """
    if head[4:8] == b"ftyp":
        box_size = int.from_bytes(head[:4], "big")
        if box_size < 16 or box_size > min(size, 4096):
            return None
        brand = head[8:12]
        if brand == b"qt  ":
            return "video/quicktime", ".mov"
        if brand in MP4_BRANDS:
            return "video/mp4", ".mp4"
        return None
    if head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head[:HEAD_BYTES]:
        return "video/webm", ".webm"
    return None


def _read_head(upload):
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def sha256_of(upload):
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(CHUNK), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def check_photo(upload):
    """Refuse anything but a JPEG, PNG, GIF or WebP image within the size limit. Returns (type, suffix)."""
    if upload.size > photo_max_bytes():
        raise ValidationError(_("The photo is larger than {mb} MB.").format(mb=photo_max_bytes() // (1024 * 1024)),
                              code="too_large")
    kind = sniff_image(_read_head(upload))
    if kind is None:
        raise ValidationError(_("This file is not a JPEG, PNG, GIF or WebP image."), code="type")
    return kind


def check_video(upload):
    """Refuse anything but an MP4, MOV or WebM video within the size limit. Returns (type, suffix)."""
    if upload.size > video_max_bytes():
        raise ValidationError(_("The video is larger than {mb} MB.").format(mb=video_max_bytes() // (1024 * 1024)),
                              code="too_large")
    if upload.size < HEAD_BYTES:
        raise ValidationError(_("This file is not an MP4, MOV or WebM video."), code="type")
    kind = sniff_video(_read_head(upload), upload.size)
    if kind is None:
        raise ValidationError(_("This file is not an MP4, MOV or WebM video."), code="type")
    return kind


def store(upload, folder, suffix):
    """Write ``upload`` to the default storage (``MEDIA_ROOT``, outside the web root) under a random
    name; the client's file name never reaches the file system. Returns the stored name."""
    return default_storage.save(f"outreach/{folder}/{uuid.uuid4().hex}{suffix}", upload)


def remove(name):
    """Delete a stored file (after a failed transaction, a replaced upload or a deleted record)."""
    if name:
        try:
            default_storage.delete(name)
        except OSError:
            pass


# --- Streaming --------------------------------------------------------------------------------

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header, size):
    """The (start, end) byte range (inclusive) asked by a ``Range`` header, None for the whole file,
    or "unsatisfiable". Only single ranges are honoured; a multi-range request gets the whole file."""
    if not header:
        return None
    match = RANGE_RE.match(header.strip().replace(" ", ""))
    if not match:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(size - length, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, min(end, size - 1)


def _chunks(path, start, length):
    with open(path, "rb") as handle:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data


def stream_file(request, name, content_type, download_name=None):
    """Serve a stored file with ``Accept-Ranges``: 200 for the whole file, 206 for a range, 416 when the
    range lies outside it. The file is never guessed: its type is the one recorded at upload."""
    path = default_storage.path(name)
    if not os.path.isfile(path):
        raise Http404
    size = os.path.getsize(path)
    wanted = parse_range(request.headers.get("Range"), size)
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = wanted if wanted else (0, size - 1)
    length = max(end - start + 1, 0)
    body = iter(()) if request.method == "HEAD" else _chunks(path, start, length)
    response = StreamingHttpResponse(body, status=206 if wanted else 200, content_type=content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    disposition = "inline"
    if download_name:
        disposition += f'; filename="{download_name}"'
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
