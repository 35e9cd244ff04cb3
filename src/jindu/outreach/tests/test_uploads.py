"""Uploads are judged by their content (a renamed executable is refused), stored outside the web root
under random names, and streamed after the scope check, videos with HTTP range support."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jindu.common.testing import create_user

from .. import services, uploads
from ..models import ContestEntry, EventPhoto
from . import factories as f

pytestmark = pytest.mark.django_db


def test_sniffing():
    assert uploads.sniff_video(f.MP4_HEAD, 4096) == ("video/mp4", ".mp4")
    assert uploads.sniff_video(b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", 4096) == ("video/quicktime", ".mov")
    assert uploads.sniff_video(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm", 4096) == (
        "video/webm", ".webm")
    assert uploads.sniff_video(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", 4096) is None  # a HEIF photo
    assert uploads.sniff_video(b"\xff\xff\xff\xffftypisom", 4096) is None  # implausible box size
    assert uploads.sniff_image(f.PNG) == ("image/png", ".png")
    assert uploads.sniff_image(b"\xff\xd8\xff\xe0\x00\x10JFIF") == ("image/jpeg", ".jpg")
    assert uploads.sniff_image(b"MZ\x90\x00") is None


def test_renamed_executable_is_refused_as_video_and_photo(officer):
    contest = f.contest()
    data = {"contest": contest, "title": "伪装", "author": "某", "region": f.region("540102"),
            "submitted_on": f.D(2024, 4, 2)}
    with pytest.raises(ValidationError, match="not an MP4"):
        services.entry_submit(actor=officer, data=data, video=f.exe_upload("clip.mp4"))
    with pytest.raises(ValidationError, match="not a JPEG"):
        services.event_photo_add(actor=officer, event=f.event(), upload=f.exe_upload("photo.jpg"))
    assert not ContestEntry.objects.exists() and not EventPhoto.objects.exists()


def test_renamed_executable_is_refused_by_the_page(client, officer, media_root):
    contest = f.contest()
    client.force_login(officer)
    response = client.post(reverse("outreach:contestentry_add"), {
        "contest": contest.pk, "title": "伪装", "author": "某", "region": f.region("540102").pk,
        "submitted_on": "2024-04-02", "video_file": f.exe_upload("clip.mp4")})
    assert response.status_code == 200 and "video_file" in response.context["form"].errors
    assert not ContestEntry.objects.exists()
    assert not any(Path(media_root).rglob("*.*")) if Path(media_root).exists() else True


def test_video_size_limit(settings, officer):
    settings.JINDU_VIDEO_MAX_BYTES = 2048
    contest = f.contest()
    data = {"contest": contest, "title": "太大", "author": "某", "region": f.region("540102"),
            "submitted_on": f.D(2024, 4, 2)}
    with pytest.raises(ValidationError, match="larger than"):
        services.entry_submit(actor=officer, data=data, video=f.mp4_upload(4096))


def test_video_is_stored_outside_the_web_root_and_streamed_with_ranges(client, officer, media_root):
    contest = f.contest()
    upload = f.mp4_upload(4096, name="../../etc/passwd.mp4")
    entry = services.entry_submit(actor=officer, data={
        "contest": contest, "title": "好片", "author": "某", "region": f.region("540102"),
        "submitted_on": f.D(2024, 4, 2)}, video=upload)
    stored = Path(media_root) / entry.video
    assert stored.is_file() and stored.stat().st_size == 4096 and stored.suffix == ".mp4"
    assert entry.video.startswith("outreach/videos/") and "passwd" not in entry.video
    assert entry.video_type == "video/mp4" and len(entry.video_sha256) == 64
    body = stored.read_bytes()
    client.force_login(officer)
    url = reverse("outreach:contestentry_video", args=[entry.pk])
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes" and whole["Content-Type"] == "video/mp4"
    assert b"".join(whole.streaming_content) == body
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part["Content-Range"] == "bytes 100-199/4096"
    assert part["Content-Length"] == "100" and b"".join(part.streaming_content) == body[100:200]
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == body[-10:]
    open_end = client.get(url, HTTP_RANGE="bytes=4000-")
    assert open_end["Content-Range"] == "bytes 4000-4095/4096"
    assert client.get(url, HTTP_RANGE="bytes=5000-6000").status_code == 416
    # Another county's officer gets 404, not the video.
    other = create_user("gar", ["county_officer"], "542523")
    client.force_login(other)
    assert client.get(url).status_code == 404


def test_parse_range():
    assert uploads.parse_range(None, 100) is None
    assert uploads.parse_range("bytes=0-0", 100) == (0, 0)
    assert uploads.parse_range("bytes=90-200", 100) == (90, 99)
    assert uploads.parse_range("bytes=0-1,5-6", 100) is None  # several ranges: the whole file
    assert uploads.parse_range("bytes=100-", 100) == "unsatisfiable"
    assert uploads.parse_range("bytes=-0", 100) == "unsatisfiable"
    assert uploads.parse_range("items=1-2", 100) is None


def test_replacing_a_video(officer, media_root):
    contest = f.contest()
    entry = services.entry_submit(actor=officer, data={
        "contest": contest, "title": "片", "author": "某", "region": f.region("540102"),
        "submitted_on": f.D(2024, 4, 2)}, video=f.mp4_upload(1024))
    updated = services.entry_update(actor=officer, instance=entry, data={"title": "新片"}, video=f.mp4_upload(2048))
    assert updated.video != entry.video and updated.video_size == 2048 and updated.title == "新片"


def test_event_photo_upload_view_and_scope(client, officer, media_root):
    event = f.event("540102")
    client.force_login(officer)
    response = client.post(reverse("outreach:eventphoto_add", args=[event.pk]),
                           {"image": f.png_upload("现场.png"), "caption": "现场"})
    assert response.status_code == 302
    photo = EventPhoto.objects.get()
    assert photo.content_type == "image/png" and photo.file.endswith(".png")
    served = client.get(reverse("outreach:eventphoto", args=[photo.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == f.PNG
    response = client.post(reverse("outreach:eventphoto_add", args=[event.pk]),
                           {"image": SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>" * 10)})
    assert EventPhoto.objects.count() == 1
    other = create_user("gar", ["county_officer"], "542523")
    client.force_login(other)
    assert client.get(reverse("outreach:eventphoto", args=[photo.pk])).status_code == 404
    client.force_login(officer)
    client.post(reverse("outreach:eventphoto_delete", args=[photo.pk]))
    assert not EventPhoto.objects.exists()


def test_a_voided_event_keeps_its_photos_for_a_restore(client, officer, media_root):
    event = f.event("540102")
    photo = services.event_photo_add(actor=officer, event=event, upload=f.png_upload())
    stored = Path(media_root) / photo.file
    assert stored.is_file()
    client.force_login(officer)
    assert client.post(reverse("outreach:event_delete", args=[event.pk])).status_code == 400  # no reason
    voided = client.post(reverse("outreach:event_delete", args=[event.pk]), {"reason": "重复录入",
                                                                             "version": event.version})
    assert voided.status_code == 302 and not type(event).objects.filter(pk=event.pk).exists()
    assert client.get(reverse("outreach:eventphoto", args=[photo.pk])).status_code == 200 and stored.is_file()
    client.post(reverse("outreach:event_restore", args=[event.pk]), {"reason": "误删"})
    page = client.get(reverse("outreach:event", args=[event.pk]))
    assert page.status_code == 200 and list(page.context["photos"]) == [photo]
