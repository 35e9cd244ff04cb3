"""Test data of the outreach app, built directly (the services are tested separately)."""

import datetime
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from jindu.common.testing import region
from jindu.core.models import Organisation

from ..models import (
    BaseInspection,
    BaseUpgrade,
    BaseVisit,
    Campaign,
    ContestCriterion,
    ContestEntry,
    ContestJudge,
    EducationBase,
    Event,
    ModelSchoolApplication,
    ModelSchoolReview,
    ReviewCriterion,
    School,
    SchoolActivity,
    VideoContest,
)

_seq = itertools.count(1)
D = datetime.date


def n():
    return next(_seq)


def organisation(name=None, region_code="540102", kind="other"):
    return Organisation.objects.create(name=name or f"单位{n()}", kind=kind, region=region(region_code))


def campaign(region_code="540000", **fields):
    values = {"name": f"宣传活动{n()}", "region": region(region_code), "start_on": D(2024, 1, 26),
              "end_on": D(2024, 3, 5), **fields}
    return Campaign.objects.create(**values)


def event(region_code="540102", held_on=None, reached=100, **fields):
    held_on = held_on or D(2024, 2, 1)
    return Event.objects.create(ref=f"EV-{n()}", region=region(region_code), held_on=held_on, kind="market",
                                venue="集贸市场", reached=reached, **fields)


def school(region_code="540102", students=1000, level="middle", name=None):
    org = Organisation.objects.create(name=name or f"学校{n()}", kind="school", region=region(region_code))
    return School.objects.create(organisation=org, level=level, students=students)


def activity(school_, kind="lecture", term="2024-spring", held_on=None, students=500):
    held_on = held_on or D(2024, 3, 4)
    return SchoolActivity.objects.create(school=school_, term=term, activity=kind, held_on=held_on, students=students)


def base(region_code="540102"):
    return EducationBase.objects.create(name=f"禁毒教育基地{n()}", region=region(region_code), level="county")


def upgrade(base_):
    return BaseUpgrade.objects.create(base=base_, title="升级改造", budget=Decimal("500000"), status="in_progress",
                                      started_on=D(2024, 3, 1))


def visit(base_):
    return BaseVisit.objects.create(base=base_, visited_on=D(2024, 4, 1), group="社区居民", visitors=40)


def inspection(base_):
    return BaseInspection.objects.create(base=base_, inspected_on=D(2024, 5, 10), inspectors="区禁毒办督导组",
                                         findings="展板内容需更新", follow_up="更新展板", follow_up_due=D(2024, 6, 10))


def review(region_code="540000", criteria=(("组织领导", 30, 100), ("课程教学", 70, 100))):
    review_ = ModelSchoolReview.objects.create(name=f"示范学校评审{n()}", region=region(region_code), year=2024)
    for order, (name, weight, max_score) in enumerate(criteria):
        ReviewCriterion.objects.create(review=review_, name=name, weight=weight, max_score=max_score, order=order)
    return review_


def application(review_, school_):
    return ModelSchoolApplication.objects.create(review=review_, school=school_, applied_on=D(2024, 4, 1))


def contest(region_code="540000", criteria=(("主题", 40, 10), ("创意", 30, 10), ("制作", 30, 10)), **fields):
    values = {"name": f"短视频征集{n()}", "theme": "防范青少年涉麻精药品等成瘾性物质滥用",
              "region": region(region_code), "opens_on": D(2024, 4, 1), "closes_on": D(2024, 5, 31),
              "select_count": 2, **fields}
    contest_ = VideoContest.objects.create(**values)
    for order, (name, weight, max_score) in enumerate(criteria):
        ContestCriterion.objects.create(contest=contest_, name=name, weight=weight, max_score=max_score, order=order)
    return contest_


def entry(contest_, region_code="540102", submitted_on=None, unit=None, **fields):
    submitted_on = submitted_on or D(2024, 4, 15)
    return ContestEntry.objects.create(contest=contest_, title=fields.pop("title", f"作品{n()}"), author="作者",
                                       author_unit=unit, region=region(region_code), submitted_on=submitted_on,
                                       **fields)


def review_judge(review_, name=None, user=None, unit=None, applications=()):
    from ..models import ReviewJudge

    judge_, _ = ReviewJudge.objects.get_or_create(review=review_, name=name or f"评审{n()}",
                                                  defaults={"user": user, "unit": unit})
    judge_.applications.add(*applications)
    return judge_


def judge(contest_, name=None, user=None, unit=None):
    return ContestJudge.objects.create(contest=contest_, name=name or f"评委{n()}", user=user, unit=unit)


MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free"


def mp4_with_duration(seconds, timescale=1000, version=0, name="clip.mp4", pad=2048):
    """An MP4 whose movie header (moov/mvhd) says it runs ``seconds``; the media data is filler."""

    def box(kind, payload):
        return (8 + len(payload)).to_bytes(4, "big") + kind + payload

    ticks = int(seconds * timescale)
    if version == 1:
        mvhd = bytes([1, 0, 0, 0]) + bytes(16) + timescale.to_bytes(4, "big") + ticks.to_bytes(8, "big")
    else:
        mvhd = bytes(4) + bytes(8) + timescale.to_bytes(4, "big") + ticks.to_bytes(4, "big")
    mvhd += bytes(80)
    body = (box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2avc1mp41") + box(b"mdat", bytes(pad))
            + box(b"moov", box(b"mvhd", mvhd) + box(b"trak", bytes(32))))
    return SimpleUploadedFile(name, body, content_type="video/mp4")


def webm_with_duration(seconds, name="clip.webm"):
    """A WebM (EBML) file whose Segment/Info says it runs ``seconds`` (TimecodeScale 1 ms)."""
    import struct

    def el(element_id, payload):
        size = len(payload)
        if size < 127:
            return element_id + bytes([0x80 | size]) + payload
        return element_id + (0x4000 | size).to_bytes(2, "big") + payload

    header = el(b"\x1a\x45\xdf\xa3", el(b"\x42\x82", b"webm"))
    info = el(b"\x15\x49\xa9\x66", el(b"\x2a\xd7\xb1", (1_000_000).to_bytes(3, "big"))
              + el(b"\x44\x89", struct.pack(">d", seconds * 1000)))
    segment = b"\x18\x53\x80\x67" + b"\x01\xff\xff\xff\xff\xff\xff\xff" + info + el(b"\x1f\x43\xb6\x75", bytes(64))
    return SimpleUploadedFile(name, header + segment, content_type="video/webm")


def mp4_upload(size=4096, name="clip.mp4"):
    body = MP4_HEAD + bytes(range(256)) * (size // 256 + 1)
    return SimpleUploadedFile(name, body[:size], content_type="video/mp4")


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def png_upload(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def exe_upload(name="clip.mp4"):
    """A Windows executable renamed to look like a video (or a photo)."""
    body = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 4000
    return SimpleUploadedFile(name, body, content_type="video/mp4")
