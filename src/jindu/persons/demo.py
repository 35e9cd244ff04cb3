"""The persons part of the seed scenario (DESIGN.md; source document section 2), loaded by ``jindu demo``.

For 2024-01-01 to 2024-06-30, region 540000:
- registered persons across the seven prefectures (most registered years ago, some in the period),
  among them the man in Chamdo who came forward and handed in 54 self-grown poppy capsules;
- everyone in community detox or community rehabilitation during the period is drug-tested inside the
  period and inside the measure, on the monthly schedule: the test rate is 1.0 (100%);
- three people released from compulsory isolation in the period, briefed on the law and handed over to
  community grid workers with a signed service agreement (a generated PDF scan);
- a risk assessment of everyone in community management;
- the three drug users found at the Naguqou first-class police checkpoint in Nagqu, as drug-driving
  look-ups (the interceptions themselves belong to the cases app);
- 32 licence query certificates (驾驶证涉毒查询证明) issued to the traffic police in the period.

Idempotent: identity numbers are derived from a fixed seed, records are found by their references, and
nothing is written twice. Everything goes through the services as the system (no user accounts are
created: ``jindu bootstrap`` creates the first accounts only in a database without users).
"""

import datetime
import random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from jindu.common.identifiers import id_check_char
from jindu.common.masking import mask_id_number
from jindu.core.models import Organisation, Region

from . import services
from .choices import CertificateResult, ContactKind, LicencePurpose, Measure
from .crypto import blind_index
from .models import Contact, DrivingCheck, DrugTest, Episode, Handover, LicenceCertificate, Person, RiskAssessment
from .selectors import person_by_id_number

D = datetime.date
PERIOD_FROM, PERIOD_TO = D(2024, 1, 1), D(2024, 6, 30)
PREFECTURES = ["540100", "540200", "540300", "540400", "540500", "540600", "542500"]
# persons per prefecture: (in community management, other registered persons)
SIZES = {"540100": (7, 6), "540200": (4, 4), "540300": (4, 3), "540400": (2, 2), "540500": (3, 2),
         "540600": (4, 3), "542500": (1, 1)}
GIVEN = ["次仁", "扎西", "卓玛", "格桑", "索朗", "旺堆", "普布", "拉巴", "达瓦", "尼玛", "白玛", "央金", "边巴",
         "平措", "德吉", "洛桑", "群培", "仁增", "多吉", "曲珍"]
HAN = ["王", "李", "张", "刘", "陈", "杨", "赵"]
NAGUQOU = "那曲市乃古沟一级公安检查站"
# The three drug users found at the Naguqou checkpoint (source document, section 2): their identity
# numbers, for the cases app to link its interceptions to (selectors.person_by_id_number).
NAGUQOU_DATES = [D(2024, 3, 12), D(2024, 4, 23), D(2024, 6, 5)]


def _id(rng, county_code, birth):
    body = f"{county_code}{birth:%Y%m%d}{rng.randrange(1, 999):03d}"
    return body + id_check_char(body)


def _organisation(name, kind, region):
    return Organisation.objects.get_or_create(name=name, defaults={"kind": kind, "region": region})[0]


def _office(region):
    return _organisation(f"{region.name_zh}禁毒委员会办公室", "ncc_office", region)


def _counties(prefecture):
    return list(Region.objects.filter(parent__code=prefecture, level="county").order_by("code"))


def _person(number, name, region, registered_on, unit, **extra):
    person = person_by_id_number(number) if number else Person.objects.filter(
        name=name, nationality=extra.get("nationality", "CN"), id_hash__isnull=True).first()
    if person is None:
        person = services.person_create(actor=None, data={
            "id_number": number, "name": name, "region": region, "registered_on": registered_on,
            "registering_unit": unit, **extra})
    return person


def _episode(ref, person, measure, start, end=None, organisation=None):
    episode = Episode.objects.filter(ref=ref).first()
    if episode is None:
        episode = services.episode_create(actor=None, data={
            "ref": ref, "person": person, "measure": measure, "start_on": start, "end_on": end,
            "organisation": organisation})
    return episode


def _test(ref, person, day, result="negative", method="urine", substance=None, tester=""):
    if not DrugTest.objects.filter(ref=ref).exists():
        services.drugtest_create(actor=None, data={"ref": ref, "person": person, "tested_on": day, "method": method,
                                                   "result": result, "substance": substance, "tester": tester})


def _monthly_tests(prefix, person, start, rng, tester, positive_on=None):
    """Tests on the monthly schedule from the later of the measure's start and 2024-01-01 to the period's end."""
    from jindu.core.models import Drug

    day = max(start, PERIOD_FROM) + datetime.timedelta(days=rng.randrange(3, 20))
    number = 1
    while day <= PERIOD_TO:
        positive = positive_on is not None and day.month == positive_on
        substance = Drug.objects.filter(code="heroin").first() if positive else None
        _test(f"{prefix}-T{number:02d}", person, day, "positive" if positive else "negative", substance=substance,
              tester=tester)
        number += 1
        day += datetime.timedelta(days=rng.randrange(24, 30))


def _agreement_pdf(person, handover):
    from weasyprint import HTML

    html = ("<html><body style='font-family:\"Noto Serif CJK SC\",serif;font-size:12pt'>"
            "<h2 style='text-align:center'>社区康复服务管理协议（扫描件）</h2>"
            f"<p>甲方：{handover.organisation or '社区康复工作站'}</p><p>乙方：{person.name}</p>"
            "<p>乙方自强制隔离戒毒所出所后，自愿接受社区康复服务管理，按时报到、接受吸毒检测和帮扶，"
            "甲方指定社区网格员负责日常联系。</p>"
            f"<p>签订日期：{handover.agreement_signed_on:%Y年%m月%d日}</p></body></html>")
    return HTML(string=html).write_pdf()


def load():
    rng = random.Random(2024)
    tester_of = {}
    managed = []
    serial = 0
    for prefecture_code in PREFECTURES:
        prefecture = Region.objects.get(code=prefecture_code)
        counties = _counties(prefecture_code)
        office = _office(prefecture)
        tester_of[prefecture_code] = f"{prefecture.name_zh}禁毒办检测组"
        in_community, others = SIZES[prefecture_code]
        for index in range(in_community + others):
            serial += 1
            county = counties[index % len(counties)]
            birth = D(rng.randrange(1968, 2003), rng.randrange(1, 13), rng.randrange(1, 29))
            number = _id(rng, county.code, birth)
            name = (rng.choice(GIVEN) + rng.choice(GIVEN)) if rng.random() < 0.8 else rng.choice(HAN) + rng.choice(
                ["伟", "军", "强", "磊", "洋", "勇", "杰"])
            registered = D(rng.randrange(2015, 2024), rng.randrange(1, 13), rng.randrange(1, 29))
            if index == 0 and prefecture_code in ("540100", "540600"):
                registered = D(2024, rng.randrange(1, 5), rng.randrange(1, 28))  # newly registered in the period
            ethnicity = "汉族" if name[0] in HAN else "藏族"
            person = _person(number, name, county, registered, office, ethnicity=ethnicity,
                             relapse_count=rng.choice([0, 0, 0, 1, 2]))
            ref = f"DEMO-{serial:03d}"
            if index < in_community:
                measure = Measure.COMMUNITY_DETOX if index % 2 == 0 else Measure.COMMUNITY_REHAB
                start = max(registered, D(2021, 1, 1)) + datetime.timedelta(days=rng.randrange(0, 200))
                start = min(start, D(2024, 5, 20))
                _episode(ref + "-E1", person, measure, start, organisation=office)
                positive = 3 if serial % 9 == 0 else None
                _monthly_tests(ref, person, start, rng, tester_of[prefecture_code], positive)
                managed.append((person, start))
            elif index == in_community:
                # ended community detox long ago; one person in compulsory isolation since 2023
                _episode(ref + "-E1", person, Measure.COMMUNITY_DETOX, D(2019, 3, 1), D(2022, 2, 28),
                         organisation=office)
            elif index == in_community + 1:
                _episode(ref + "-E1", person, Measure.COMPULSORY_ISOLATION, D(2023, 8, 1), organisation=office)

    # Released from compulsory isolation in the period, briefed and handed over with a signed agreement.
    releases = [("540102", D(2024, 2, 26), "普布次仁"), ("540202", D(2024, 4, 9), "达瓦卓玛"),
                ("540602", D(2024, 5, 17), "边巴旺堆")]
    for number_in_list, (county_code, released, name) in enumerate(releases, start=1):
        county = Region.objects.get(code=county_code)
        office = _office(county.parent)
        number = _id(rng, county_code, D(1988 + number_in_list, number_in_list + 2, 10 + number_in_list))
        person = _person(number, name, county, D(2020, 6, 1), office, ethnicity="藏族", relapse_count=1)
        ref = f"DEMO-R{number_in_list}"
        _episode(ref + "-E1", person, Measure.COMPULSORY_ISOLATION, released - datetime.timedelta(days=730),
                 released, organisation=office)
        rehab_start = released + datetime.timedelta(days=1)
        _episode(ref + "-E2", person, Measure.COMMUNITY_REHAB, rehab_start, organisation=office)
        _monthly_tests(ref, person, rehab_start, rng, f"{county.parent.name_zh}禁毒办检测组")
        handover = Handover.objects.get(episode__ref=ref + "-E1")
        worker_name = rng.choice(GIVEN) + rng.choice(GIVEN)  # drawn on every run: the sequence must not depend on state
        if handover.completed_on is None:
            community = _organisation(f"{county.name_zh}社区戒毒社区康复工作站", "community", county)
            handover = services.handover_update(actor=None, instance=handover, data={
                "organisation": community, "worker_name": worker_name,
                "briefed_on": released + datetime.timedelta(days=2),
                "agreement_signed_on": released + datetime.timedelta(days=3)})
        if not handover.agreement or not default_storage.exists(handover.agreement):
            scan = ContentFile(_agreement_pdf(person, handover), name="agreement.pdf")
            services.handover_update(actor=None, instance=handover, data={}, agreement=scan)
        managed.append((person, rehab_start))

    # The man in Chamdo who came forward with 54 self-grown poppy capsules: registered, then community detox.
    karuo = Region.objects.get(code="540302")
    number = _id(rng, "540302", D(1979, 8, 14))
    person = _person(number, "洛桑群培", karuo, D(2024, 3, 18), _office(karuo.parent), ethnicity="藏族",
                     notes="主动到公安机关登记，上交自行种植的罂粟壳54粒。")
    _episode("DEMO-CD-E1", person, Measure.COMMUNITY_DETOX, D(2024, 3, 20), organisation=_office(karuo.parent))
    _monthly_tests("DEMO-CD", person, D(2024, 3, 20), rng, "昌都市禁毒办检测组")
    managed.append((person, D(2024, 3, 20)))

    # Contacts and a risk assessment of everyone in community management.
    for person, start in managed:
        visit = max(start, PERIOD_FROM) + datetime.timedelta(days=10)
        if not Contact.objects.filter(person=person, contacted_on=visit).exists():
            services.contact_create(actor=None, data={"person": person, "contacted_on": visit,
                                                      "kind": ContactKind.VISIT, "notes": "网格员上门走访"})
        assessed_on = min(PERIOD_TO, max(start, D(2024, 3, 1)) + datetime.timedelta(days=20))
        if not RiskAssessment.objects.filter(person=person, assessed_on=assessed_on).exists():
            services.risk_assess(actor=None, person=person, on=assessed_on, notes="社会面吸毒人员风险评估")

    _naguqou(rng)
    _certificates(rng)
    services.alerts_compute(PERIOD_TO)  # the work list as it stood at the end of the period


def _naguqou(rng):
    """The three drug users found at the Naguqou checkpoint: registered persons, looked up at the checkpoint."""
    nagqu = Region.objects.get(code="540600")
    checkpoint = _organisation(NAGUQOU, "checkpoint", nagqu)
    county = Region.objects.get(code="540602")
    for index, day in enumerate(NAGUQOU_DATES, start=1):
        number = _id(rng, "540602", D(1985 + index, index + 4, 3 + index))
        person = _person(number, ["旺堆", "索朗扎西", "尼玛次仁"][index - 1], county, D(2018 + index, 5, 10),
                         _office(nagqu), ethnicity="藏族", drug_driving_history=index == 2)
        checked_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10 + index, 15)))
        key = blind_index(number)
        if not DrivingCheck.objects.filter(id_hash=key, checked_at=checked_at).exists():
            facts = services._facts(person, day)
            check = DrivingCheck(id_hash=key, id_masked=mask_id_number(number), reason="检查站例行查验：疑似吸毒人员",
                                 checkpoint=checkpoint, region=nagqu, checked_at=checked_at, checked_by=None,
                                 **facts)
            services._create(None, check)


def _certificates(rng):
    """32 licence query certificates for the traffic police of the prefectures, spread over the period."""
    if LicenceCertificate.objects.filter(number__startswith="JD54-2024-").count() >= 32:
        return
    involved = list(Person.objects.filter(nationality="CN").order_by("pk")[:2])
    for index in range(32):
        prefecture = Region.objects.get(code=PREFECTURES[index % 7 if index % 3 else 0])
        day = PERIOD_FROM + datetime.timedelta(days=3 + index * 5 + rng.randrange(0, 4))
        if index in (7, 21) and involved:
            person = involved.pop(0)
            number, name = person.id_number, person.name
        else:
            county = _counties(prefecture.code)[index % len(_counties(prefecture.code))]
            number = _id(rng, county.code, D(rng.randrange(1975, 2005), rng.randrange(1, 13), rng.randrange(1, 29)))
            name = rng.choice(GIVEN) + rng.choice(GIVEN)
        purpose = LicencePurpose.UPGRADE if index % 4 == 3 else LicencePurpose.APPLY
        services.certificate_issue(actor=None, id_number=number, applicant_name=name, purpose=purpose,
                                   requesting_unit=f"{prefecture.name_zh}公安局交通警察支队", issued_on=day,
                                   region=Region.objects.get(code="540000"))
    assert LicenceCertificate.objects.filter(result=CertificateResult.INVOLVED).exists()
