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


# --- Duration (read from the container, never from what the client says) -------------------------

SCAN_LIMIT = 64 * 1024 * 1024  # boxes/elements are skipped by their sizes: this bounds the bytes walked over


def _read_exact(handle, count):
    data = handle.read(count)
    if len(data) != count:
        raise ValueError("truncated")
    return data


def _iso_boxes(handle, start, end):
    """(type, payload start, payload end) of the ISO base media boxes between ``start`` and ``end``."""
    position = start
    while position + 8 <= end:
        handle.seek(position)
        header = _read_exact(handle, 8)
        size, kind = int.from_bytes(header[:4], "big"), header[4:8]
        payload = position + 8
        if size == 1:
            size = int.from_bytes(_read_exact(handle, 8), "big")
            payload += 8
        elif size == 0:
            size = end - position
        if size < payload - position or position + size > end:
            raise ValueError("bad box size")
        yield kind, payload, position + size
        position += size


def mp4_duration(handle, size):
    """Seconds of an MP4/MOV file from its movie header (``moov/mvhd``; fragmented files: ``mvex/mehd``)."""
    for kind, start, end in _iso_boxes(handle, 0, size):
        if kind != b"moov":
            continue
        timescale, duration = None, None
        for inner, istart, iend in _iso_boxes(handle, start, end):
            handle.seek(istart)
            if inner == b"mvhd":
                version = _read_exact(handle, 4)[0]
                if version == 1:
                    handle.seek(istart + 4 + 16)
                    timescale = int.from_bytes(_read_exact(handle, 4), "big")
                    duration = int.from_bytes(_read_exact(handle, 8), "big")
                    unknown = duration == 2**64 - 1
                else:
                    handle.seek(istart + 4 + 8)
                    timescale = int.from_bytes(_read_exact(handle, 4), "big")
                    duration = int.from_bytes(_read_exact(handle, 4), "big")
                    unknown = duration == 2**32 - 1
                if unknown:
                    duration = None
            elif inner == b"mvex" and not duration:
                for leaf, lstart, _lend in _iso_boxes(handle, istart, iend):
                    if leaf == b"mehd":
                        handle.seek(lstart)
                        version = _read_exact(handle, 4)[0]
                        duration = int.from_bytes(_read_exact(handle, 8 if version == 1 else 4), "big")
        if timescale and duration:
            return duration / timescale
        return None
    return None


def _vint(handle, keep_marker):
    first = _read_exact(handle, 1)[0]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8:
        raise ValueError("bad EBML number")
    value = first if keep_marker else first & (0xFF >> length)
    rest = _read_exact(handle, length - 1)
    for byte in rest:
        value = (value << 8) | byte
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, length, unknown


def webm_duration(handle, size):
    """Seconds of a WebM file from ``Segment/Info`` (Duration x TimecodeScale nanoseconds)."""
    import struct

    position = 0
    while position < min(size, SCAN_LIMIT):
        handle.seek(position)
        element, id_len, _ = _vint(handle, True)
        length, size_len, unknown = _vint(handle, False)
        payload = position + id_len + size_len
        if element == 0x18538067:  # Segment: walk its children
            position = payload
            continue
        if unknown:
            return None
        if element == 0x1549A966:  # Info
            scale, duration = 1_000_000, None
            child = payload
            while child < payload + length:
                handle.seek(child)
                child_id, cid_len, _ = _vint(handle, True)
                child_len, csize_len, _ = _vint(handle, False)
                body = _read_exact(handle, child_len) if child_len <= 8 else b""
                if child_id == 0x2AD7B1 and body:
                    scale = int.from_bytes(body, "big")
                elif child_id == 0x4489 and len(body) in (4, 8):
                    duration = struct.unpack(">f" if len(body) == 4 else ">d", body)[0]
                child += cid_len + csize_len + child_len
            return duration * scale / 1e9 if duration else None
        position = payload + length
    return None


def video_duration(upload, content_type):
    """The running time of an uploaded video in seconds, read from its container; None when unreadable."""
    upload.seek(0)
    try:
        if content_type == "video/webm":
            return webm_duration(upload, upload.size)
        return mp4_duration(upload, upload.size)
    except (ValueError, OSError):
        return None
    finally:
        upload.seek(0)


def check_video_duration(upload, content_type, max_seconds):
    """Refuse a video whose running time cannot be read, or is longer than ``max_seconds`` (None: no limit).
    Returns the duration in seconds (None when there is no limit and it cannot be read)."""
    seconds = video_duration(upload, content_type)
    if max_seconds:
        if seconds is None:
            raise ValidationError(_("The running time of this video cannot be read; export it again as MP4 "
                                    "(H.264) and upload it once more."), code="duration_unknown")
        if seconds > max_seconds:
            raise ValidationError(_("The video runs {seconds} seconds; this contest takes videos of at most "
                                    "{limit} seconds.").format(seconds=int(round(seconds)), limit=max_seconds),
                                  code="too_long")
    return seconds


# --- Posters ----------------------------------------------------------------------------------

POSTER_SIZE = (320, 180)
POSTER_COLOURS = [((32, 107, 196), (12, 48, 96)), ((47, 179, 68), (18, 82, 30)), ((214, 57, 57), (110, 22, 22)),
                  ((247, 103, 7), (130, 50, 0)), ((174, 62, 201), (80, 25, 96)), ((15, 156, 151), (5, 75, 72))]


def _png_chunk(kind, data):
    import zlib

    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def poster_png(seed):
    """A small title-card image (16:9 PNG, about 1 KB): a two-colour gradient chosen by ``seed`` with a
    light play triangle, for entries whose video is not on the platform (the demo's entries were sent
    by mail). Made with the standard library alone."""
    import zlib

    width, height = POSTER_SIZE
    top, bottom = POSTER_COLOURS[seed % len(POSTER_COLOURS)]
    cx, cy, r = width // 2, height // 2, height // 5
    rows = []
    for y in range(height):
        t = y / (height - 1)
        base = bytes(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        row = bytearray(b"\x00")
        for x in range(width):
            inside = cx - r // 2 <= x <= cx + r and abs(y - cy) <= (cx + r - x) * 0.58
            row += b"\xf0\xf0\xf0" if inside else base
        rows.append(bytes(row))
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + _png_chunk(b"IEND", b""))


def store_named(name, content):
    """Write ``content`` under a fixed ``name`` (generated files: the same name is rewritten, never doubled)."""
    from django.core.files.base import ContentFile

    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(content))


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
