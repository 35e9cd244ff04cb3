"""Writes of the reports app: drafting a bulletin is recorded (parameters, figures, hashes, author) and audited."""

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from jindu.common import audit

from . import bulletin as bulletins
from .models import Bulletin
from .selectors import VIEW_PERMISSION, region_for


@transaction.atomic
def bulletin_create(*, actor, date_from, date_to, region_code=None, fmt="docx"):
    """Draft, render and store a bulletin. ``actor`` None is the command line's system actor (whole region).

    Returns (Bulletin, file bytes)."""
    if actor is not None:
        if not actor.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        region_code = region_for(actor, region_code).code
    result = bulletins.draft(date_from, date_to, region_code)
    content = bulletins.render(result, fmt)
    folder = settings.MEDIA_ROOT / "bulletins"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.{fmt}"
    (folder / name).write_bytes(content)
    record = Bulletin.objects.create(
        author=actor, region=result.region, date_from=result.start, date_to=result.end, format=fmt,
        figures=result.stats, fingerprint=result.fingerprint(), file_sha256=hashlib.sha256(content).hexdigest(),
        file="bulletins/" + name,
    )
    audit.log("reports.bulletin.created", obj=record, user=actor,
              extra={"from": result.start.isoformat(), "to": result.end.isoformat(), "region": result.region.code,
                     "format": fmt, "fingerprint": record.fingerprint})
    return record, content
