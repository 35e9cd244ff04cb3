"""Uploaded files kept between the preview and the confirmation of a web import.

A file is stored under ``UPLOAD_DIR/imports/`` with a random name (never the client's), and
the session remembers the token and what was previewed. The confirmation sends back only the
token; the path is derived from it on the server. Files are deleted after the commit, when
the same session uploads another file, and in any case after a day (purged on each upload).
"""

import re
import secrets
import time
import unicodedata
from pathlib import Path

from django.conf import settings

SESSION_KEY = "importing.pending"
MAX_AGE_SECONDS = 24 * 3600
TOKEN_RE = re.compile(r"[0-9a-f]{32}")


def upload_dir():
    path = Path(settings.UPLOAD_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def path_for(token):
    if not TOKEN_RE.fullmatch(token or ""):
        raise ValueError("bad upload token")
    return upload_dir() / f"{token}.upload"


def clean_filename(name):
    """The client's file name, for messages and the audit log only: no path, no control characters."""
    name = re.split(r"[\\/]", str(name or ""))[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[-150:] or "upload"


def save(uploaded):
    """Store an uploaded file under a new random name; returns (token, path)."""
    token = secrets.token_hex(16)
    path = path_for(token)
    with open(path, "xb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    path.chmod(0o600)
    return token, path


def delete(token):
    try:
        path_for(token).unlink(missing_ok=True)
    except ValueError:
        pass


def purge_stale(now=None):
    """Delete uploads older than a day (previews never confirmed)."""
    now = now or time.time()
    for path in upload_dir().glob("*.upload"):
        try:
            if now - path.stat().st_mtime > MAX_AGE_SECONDS:
                path.unlink(missing_ok=True)
        except OSError:
            pass


def remember(session, token, **info):
    """Keep one pending upload per session; the previous one's file is deleted."""
    previous = session.get(SESSION_KEY) or {}
    for old in previous:
        delete(old)
    session[SESSION_KEY] = {token: {**info, "time": time.time()}}


def take(session, token, dataset):
    """The pending upload ``token`` of ``dataset`` in this session, removed from it; None if unknown or expired."""
    pending = session.get(SESSION_KEY) or {}
    info = pending.pop(token, None) if TOKEN_RE.fullmatch(token or "") else None
    session[SESSION_KEY] = pending
    if info is None:
        return None
    if info.get("dataset") != dataset or time.time() - info.get("time", 0) > MAX_AGE_SECONDS:
        delete(token)
        return None
    return info
