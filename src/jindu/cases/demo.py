"""The enforcement part of the seed scenario (DESIGN.md; source document section 1), loaded by ``jindu demo``.

For 2024-01-01 to 2024-06-30, region 540000, ``jindu stats`` then gives:
- 12 cases, among them the joint triazolam case of 8 April (postal smuggling to Lhasa, 2 suspects,
  10 tablets, worked by the regional police narcotics corps, the Lhasa customs anti-smuggling bureau and
  the Lhasa city police narcotics detachment; flagged notable) and the two Gyirong port cases: four
  foreign nationals found using wild cannabis, one of whom harboured the others' drug use;
- 8 suspects arrested, 4 of them foreign;
- 5 drug-related fugitives captured;
- seizures of 38.12 g in total (grams and kilograms) and the 10 triazolam tablets;
- 5 eradication records with 14,200 wild and planted drug plants destroyed;
- 3 interceptions with finding ``drug_user`` at the Naguqou first-class police checkpoint in Nagqu: the
  three people are registered drug users of the persons part of the scenario, and the interceptions carry
  their identity numbers (so each person's page lists the interception, and each interception finds its
  person by the same keyed hash). When they are not registered yet, the persons part is loaded first
  (it is idempotent: ``jindu demo`` loading it again after this part writes nothing new).
Records just outside the period (December 2023, July and August 2024) make the period filter matter.

Idempotent: every record is found by its natural key and written only when missing, through the
services as the system actor (no user account is needed).
"""

import datetime
import decimal

from jindu.common.identifiers import id_check_char
from jindu.common.importing import SYSTEM
from jindu.core.models import Drug, Organisation, Region

from . import services
from .models import Case, Eradication, Fugitive, Interception, Operation, Seizure, Suspect, id_hash_of

D = datetime.date
QINGYUAN, CLUSTER = "清源断流", "集群打零"
NAGUQOU = "那曲市乃古沟一级公安检查站"

ORGANISATIONS = [
    # name, kind, region
    ("自治区公安厅禁毒总队", "public_security", "540000"),
    ("拉萨海关缉私局", "customs", "540100"),
    ("拉萨市公安局禁毒支队", "public_security", "540100"),
    ("日喀则市吉隆口岸公安分局", "police_unit", "540234"),
    ("日喀则市公安局禁毒支队", "public_security", "540200"),
    ("那曲市公安局禁毒支队", "public_security", "540600"),
    ("昌都市公安局卡若区分局", "police_unit", "540302"),
    ("林芝市公安局巴宜区分局", "police_unit", "540402"),
    ("阿里地区公安局普兰县局", "police_unit", "542521"),
    ("山南市公安局乃东区分局", "police_unit", "540502"),
    ("拉萨市公安局堆龙德庆区分局", "police_unit", "540103"),
    (NAGUQOU, "checkpoint", "540600"),
    ("拉萨市东嘎公安检查站", "checkpoint", "540103"),
]
OPERATIONS = [
    (QINGYUAN, D(2024, 1, 1), D(2024, 12, 31), "全区禁毒“清源断流”专项行动：深化毒品查缉堵截，切断毒品入藏通道。"),
    (CLUSTER, D(2024, 1, 1), None, "“集群打零”：对零星贩毒、吸毒人员的集群打击。"),
]

# case_no, region, filed_on, type, offence, channel, operation, agencies, notable, summary, status history
CASES = [
    ("XZ2024-0408-001", "540102", D(2024, 4, 8), "criminal", "smuggling", "postal", QINGYUAN,
     ["自治区公安厅禁毒总队", "拉萨海关缉私局", "拉萨市公安局禁毒支队"], True,
     "自治区公安厅禁毒总队、拉萨海关缉私局、拉萨市公安局禁毒支队联合工作专班破获一起邮寄拉萨的走私毒品三唑仑案件，"
     "抓获犯罪嫌疑人2名，缴获三唑仑10粒。",
     [("solved", D(2024, 4, 8), "联合专班破案"), ("prosecution", D(2024, 5, 20), "移送检察机关审查起诉")]),
    ("XZ2024-0514-001", "540234", D(2024, 5, 14), "criminal", "harbouring", "border_port", QINGYUAN,
     ["日喀则市吉隆口岸公安分局"], False,
     "吉隆口岸公安分局查获外籍人员容留他人吸食野生大麻。", [("solved", D(2024, 5, 14), "")]),
    ("XZ2024-0514-002", "540234", D(2024, 5, 14), "administrative", "drug_use", "border_port", QINGYUAN,
     ["日喀则市吉隆口岸公安分局"], False,
     "吉隆口岸公安分局查获3名外籍人员吸食野生大麻。", [("closed", D(2024, 5, 28), "行政处罚并遣返")]),
    ("XZ2024-0220-001", "540103", D(2024, 2, 20), "criminal", "trafficking", "road", CLUSTER,
     ["拉萨市公安局禁毒支队", "拉萨市公安局堆龙德庆区分局"], False,
     "“集群打零”行动中查获零星贩卖海洛因案件。", [("solved", D(2024, 2, 22), "")]),
    ("XZ2024-0311-001", "540202", D(2024, 3, 11), "criminal", "possession", "road", CLUSTER,
     ["日喀则市公安局禁毒支队"], False, "路面查缉中查获非法持有冰毒。", [("solved", D(2024, 3, 12), "")]),
    ("XZ2024-0602-001", "540602", D(2024, 6, 2), "criminal", "transport", "road", QINGYUAN,
     ["那曲市公安局禁毒支队"], False, "公路查缉中发现运输氯胺酮，犯罪嫌疑人在逃，7月初到案。", []),
    ("XZ2024-0125-001", "540302", D(2024, 1, 25), "administrative", "possession", "other", "",
     ["昌都市公安局卡若区分局"], False, "非法持有少量鸦片，予以罚款。", [("closed", D(2024, 2, 5), "罚款")]),
    ("XZ2024-0416-001", "540402", D(2024, 4, 16), "criminal", "trafficking", "online", QINGYUAN,
     ["林芝市公安局巴宜区分局"], False, "网络贩卖麻精药品线索，侦查中。", []),
    ("XZ2024-0307-001", "540502", D(2024, 3, 7), "administrative", "drug_use", "other", CLUSTER,
     ["山南市公安局乃东区分局"], False, "查获吸毒人员一名，责令社区戒毒。",
     [("closed", D(2024, 3, 8), "责令社区戒毒")]),
    ("XZ2024-0529-001", "542521", D(2024, 5, 29), "criminal", "smuggling", "border_port", QINGYUAN,
     ["阿里地区公安局普兰县局"], False, "普兰口岸走私毒品线索，侦查中。", []),
    ("XZ2024-0618-001", "540104", D(2024, 6, 18), "administrative", "other", "other", "",
     ["拉萨市公安局禁毒支队"], False, "娱乐场所检查中发现吸毒工具。", [("closed", D(2024, 6, 20), "")]),
    ("XZ2024-0402-001", "540302", D(2024, 4, 2), "criminal", "cultivation", "other", QINGYUAN,
     ["昌都市公安局卡若区分局"], False, "非法种植罂粟，铲除1450株。", [("solved", D(2024, 4, 3), "")]),
    # Outside the period.
    ("XZ2023-1220-001", "540102", D(2023, 12, 20), "criminal", "trafficking", "road", CLUSTER,
     ["拉萨市公安局禁毒支队"], False, "2023年末贩卖海洛因案件。", [("solved", D(2023, 12, 21), "")]),
    ("XZ2024-0702-001", "540202", D(2024, 7, 2), "criminal", "possession", "road", CLUSTER,
     ["日喀则市公安局禁毒支队"], False, "7月查获非法持有麻古。", []),
]


def _id(address, birth, serial, sex):
    body = "{}{:%Y%m%d}{:02d}{}".format(address, birth, serial, 1 if sex == "M" else 2)
    return body + id_check_char(body)


REPEAT_ID = _id("540103", D(1987, 9, 12), 31, "M")  # the same man in the 2023 case and the February case

# case_no, name, id_number, nationality, passport, sex, birth_date, role, arrested_on, measure
SUSPECTS = [
    ("XZ2024-0408-001", "王某军", _id("510104", D(1991, 3, 8), 12, "M"), "CN", "", "", None, "principal",
     D(2024, 4, 8), "arrest"),
    ("XZ2024-0408-001", "李某", _id("540102", D(1996, 11, 21), 44, "F"), "CN", "", "", None, "accomplice",
     D(2024, 4, 8), "bail"),
    ("XZ2024-0514-001", "RAJ KUMAR SHRESTHA", "", "NP", "PA0913378", "M", D(1988, 2, 2), "principal",
     D(2024, 5, 14), "criminal_detention"),
    ("XZ2024-0514-002", "BIKASH TAMANG", "", "NP", "PA1120457", "M", D(1995, 6, 19), "drug_user",
     D(2024, 5, 14), "deportation"),
    ("XZ2024-0514-002", "SURESH GURUNG", "", "NP", "PA0877316", "M", D(1993, 1, 30), "drug_user",
     D(2024, 5, 14), "deportation"),
    ("XZ2024-0514-002", "ANIL RAI", "", "IN", "Z4471920", "M", D(1990, 10, 5), "drug_user",
     D(2024, 5, 14), "deportation"),
    ("XZ2024-0220-001", "次仁多吉", REPEAT_ID, "CN", "", "", None, "principal", D(2024, 2, 20), "arrest"),
    ("XZ2024-0311-001", "达瓦扎西", _id("540202", D(1999, 4, 1), 7, "M"), "CN", "", "", None, "principal",
     D(2024, 3, 11), "criminal_detention"),
    # Not counted in the period: arrested in July, fined without arrest, arrested in 2023.
    ("XZ2024-0602-001", "刘某", _id("620102", D(1985, 12, 2), 23, "M"), "CN", "", "", None, "principal",
     D(2024, 7, 3), "criminal_detention"),
    ("XZ2024-0125-001", "格桑", _id("540302", D(1970, 7, 7), 5, "M"), "CN", "", "", None, "other", None, "fine"),
    ("XZ2024-0307-001", "普布", _id("540502", D(2001, 8, 16), 9, "M"), "CN", "", "", None, "drug_user", None,
     "community_detox"),
    ("XZ2023-1220-001", "次仁多吉", REPEAT_ID, "CN", "", "", None, "principal", D(2023, 12, 20), "bail"),
]

# evidence_no, case_no, drug, quantity, unit, seized_on, place — 38.12 g and 10 tablets in the period.
SEIZURES = [
    ("WZ2024-0408-01", "XZ2024-0408-001", "triazolam", "10", "tablet", D(2024, 4, 8), "拉萨市邮政分拣中心"),
    ("WZ2024-0514-01", "XZ2024-0514-001", "wild_cannabis", "6.8", "g", D(2024, 5, 14), "吉隆镇"),
    ("WZ2024-0514-02", "XZ2024-0514-002", "wild_cannabis", "0.0024", "kg", D(2024, 5, 14), "吉隆镇"),
    ("WZ2024-0220-01", "XZ2024-0220-001", "heroin", "12.35", "g", D(2024, 2, 20), "堆龙德庆区 G318 沿线"),
    ("WZ2024-0311-01", "XZ2024-0311-001", "meth_ice", "0.00862", "kg", D(2024, 3, 11), "桑珠孜区"),
    ("WZ2024-0602-01", "XZ2024-0602-001", "ketamine", "3.5", "g", D(2024, 6, 2), "G109 那曲段"),
    ("WZ2024-0125-01", "XZ2024-0125-001", "opium", "4.45", "g", D(2024, 1, 25), "卡若区"),
    ("WZ2023-1220-01", "XZ2023-1220-001", "heroin", "25", "g", D(2023, 12, 20), "城关区"),
    ("WZ2024-0702-01", "XZ2024-0702-001", "meth_tablet", "15", "tablet", D(2024, 7, 2), "桑珠孜区"),
]

# fugitive_no, name, id_number, region, wanted_since, captured_on, capturing unit
FUGITIVES = [
    ("WT2022-0001", "罗某", _id("510623", D(1983, 5, 5), 17, "M"), "540100", D(2022, 3, 1), D(2024, 1, 18),
     "拉萨市公安局禁毒支队"),
    ("WT2021-0007", "赵某", _id("620423", D(1979, 9, 9), 38, "M"), "540200", D(2021, 7, 15), D(2024, 2, 27),
     "日喀则市公安局禁毒支队"),
    ("WT2023-0003", "索朗", _id("540602", D(1990, 1, 20), 2, "M"), "540600", D(2023, 2, 10), D(2024, 3, 30),
     "那曲市公安局禁毒支队"),
    ("WT2023-0011", "张某", _id("530102", D(1986, 4, 14), 51, "F"), "540400", D(2023, 8, 8), D(2024, 5, 9),
     "林芝市公安局巴宜区分局"),
    ("WT2020-0004", "马某", _id("630102", D(1975, 12, 25), 9, "M"), "540300", D(2020, 11, 2), D(2024, 6, 21),
     "昌都市公安局卡若区分局"),
    ("WT2023-0015", "黄某", _id("500101", D(1992, 2, 29), 61, "M"), "540100", D(2023, 10, 1), D(2024, 8, 5),
     "拉萨市公安局禁毒支队"),
    ("WT2024-0002", "周某", _id("510802", D(1988, 6, 6), 14, "M"), "540500", D(2024, 2, 1), None, ""),
]

# ref, region, found_on, species, wild, plants, area, latitude, longitude, case_no — 14,200 plants in the period.
ERADICATIONS = [
    ("CD2024-540234-01", "540234", D(2024, 5, 22), "cannabis", True, 3200, "1800", "28.852400", "85.298100", ""),
    ("CD2024-540235-01", "540235", D(2024, 6, 3), "cannabis", True, 2850, "1500", "28.162300", "85.982700", ""),
    ("CD2024-540424-01", "540424", D(2024, 6, 12), "cannabis", True, 4100, "2600", "29.858900", "95.768200", ""),
    ("CD2024-542521-01", "542521", D(2024, 6, 18), "cannabis", True, 2600, "1400", "30.294100", "81.177200", ""),
    ("CD2024-540302-01", "540302", D(2024, 4, 2), "poppy", False, 1450, "320", "31.140600", "97.172300",
     "XZ2024-0402-001"),
    ("CD2023-540233-01", "540233", D(2023, 9, 10), "cannabis", True, 800, "500", "27.485200", "88.907100", ""),
]

# ref, checkpoint, region, date, name, finding — the three drug users of Naguqou, and two outside the period.
INTERCEPTIONS = [
    ("JC2024-NGG-0312", NAGUQOU, "540602", D(2024, 3, 12), "旺堆", "drug_user"),
    ("JC2024-NGG-0423", NAGUQOU, "540602", D(2024, 4, 23), "索朗扎西", "drug_user"),
    ("JC2024-NGG-0605", NAGUQOU, "540602", D(2024, 6, 5), "尼玛次仁", "drug_user"),
    ("JC2024-NGG-0814", NAGUQOU, "540602", D(2024, 8, 14), "", "drug_driving"),
    ("JC2023-DG-1010", "拉萨市东嘎公安检查站", "540103", D(2023, 10, 10), "", "trafficking"),
]


def _region(code):
    return Region.objects.get(code=code)


def _organisations():
    from jindu.core import services as core_services

    by_name = {}
    for name, kind, region in ORGANISATIONS:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = core_services.organisation_create(
                actor=services.principal(SYSTEM), data={"name": name, "kind": kind, "region": _region(region)})
        by_name[name] = organisation
    return by_name


def load():
    organisations = _organisations()
    for name, started, ended, description in OPERATIONS:
        if not Operation.all_objects.filter(name=name).exists():
            services.operation_create(actor=SYSTEM, data={"name": name, "started_on": started, "ended_on": ended,
                                                          "description": description})
    for (case_no, region, filed_on, case_type, offence, channel, operation, agencies, notable, summary,
         history) in CASES:
        case = Case.all_objects.filter(case_no=case_no).first()
        if case is None:
            case = services.case_create(actor=SYSTEM, data={
                "case_no": case_no, "region": _region(region), "filed_on": filed_on, "case_type": case_type,
                "offence": offence, "channel": channel, "summary": summary, "notable": notable,
                "operation": Operation.objects.get(name=operation) if operation else None,
                "agencies": [organisations[name] for name in agencies]})
        for status, on, note in history:
            if not case.status_changes.filter(status=status).exists():
                case = services.case_change_status(actor=SYSTEM, case=case, status=status, changed_on=on, note=note)
    for (case_no, name, number, nationality, passport, sex, birth, role, arrested, measure) in SUSPECTS:
        case = Case.objects.get(case_no=case_no)
        if not Suspect.all_objects.filter(case=case, name=name, id_hash=id_hash_of(number)).exists():
            services.suspect_create(actor=SYSTEM, data={
                "case": case, "name": name, "id_number": number, "nationality": nationality, "passport_no": passport,
                "sex": sex, "birth_date": birth, "role": role, "arrested_on": arrested, "measure": measure})
    for evidence_no, case_no, drug, quantity, unit, seized_on, place in SEIZURES:
        if not Seizure.all_objects.filter(evidence_no=evidence_no).exists():
            services.seizure_create(actor=SYSTEM, data={
                "evidence_no": evidence_no, "case": Case.objects.get(case_no=case_no),
                "drug": Drug.objects.get(code=drug), "quantity": decimal.Decimal(quantity), "unit": unit,
                "seized_on": seized_on, "place": place})
    for fugitive_no, name, number, region, wanted, captured, unit in FUGITIVES:
        if not Fugitive.all_objects.filter(fugitive_no=fugitive_no).exists():
            services.fugitive_create(actor=SYSTEM, data={
                "fugitive_no": fugitive_no, "name": name, "id_number": number, "region": _region(region),
                "wanted_since": wanted, "captured_on": captured,
                "capturing_unit": organisations[unit] if unit else None})
    for ref, region, found_on, species, wild, plants, area, latitude, longitude, case_no in ERADICATIONS:
        if not Eradication.all_objects.filter(ref=ref).exists():
            services.eradication_create(actor=SYSTEM, data={
                "ref": ref, "region": _region(region), "found_on": found_on, "species": species, "wild": wild,
                "plants": plants, "area_m2": decimal.Decimal(area), "latitude": decimal.Decimal(latitude),
                "longitude": decimal.Decimal(longitude),
                "case": Case.objects.get(case_no=case_no) if case_no else None})
    registered = _registered_drug_users()
    for ref, checkpoint, region, on, name, finding in INTERCEPTIONS:
        person = registered.get(name) if name else None
        interception = Interception.all_objects.filter(ref=ref).first()
        if interception is None:
            services.interception_create(actor=SYSTEM, data={
                "ref": ref, "checkpoint": organisations[checkpoint], "region": _region(region), "intercepted_on": on,
                "name": name, "finding": finding, "id_number": person.id_number if person else ""})
        elif person is not None and not interception.id_number:
            services.interception_update(actor=SYSTEM, instance=interception, data={"id_number": person.id_number})


def _registered_drug_users():
    """{name: registered person} of the people found at Naguqou, from the persons part of the scenario
    (loaded here first), through the persons app's selectors; {} without the persons app."""
    from django.apps import apps

    if not apps.is_installed("jindu.persons"):
        return {}
    from jindu.persons import demo as persons_demo
    from jindu.persons import selectors as persons

    names = [name for _ref, checkpoint, _region, _on, name, finding in INTERCEPTIONS
             if name and checkpoint == NAGUQOU and finding == "drug_user"]

    def found():
        rows = persons.person_list(services.principal(SYSTEM)).filter(region__code="540602", name__in=names)
        return {person.name: person for person in rows}

    registered = found()
    if len(registered) < len(names):
        persons_demo.load()
        registered = found()
    return registered
