"""The precursor part of the seed scenario (DESIGN.md, "The seed scenario"; source document, section 3).

Grid sweeps in the first quarter of 2024 found and registered the units that handle precursor chemicals and
narcotic or psychotropic medicines across the prefectures; each unit keeps a monthly ledger from January to
June 2024 whose month-end stocktakes reconcile (zero diversion: no reconciliation flag, and every purchase,
sale and production covered by a licence or filing); hydrogen filling stations keep cylinders on file and
record every filling and sale under the buyer's real name; glass reaction kettles and large glass bottles are
registered; more than 30 substances are supervised.

``load()`` is idempotent: every record has a natural key (credit code, reference, serial number, licence
number) and exists once however often it runs. Records are written directly (no user acts here) and the
reconciliation is run once at the end; one audit record says what the demo created.
"""

import datetime
import decimal
import random

from django.db import transaction as db

from jindu.common import audit
from jindu.common.identifiers import credit_check_char, id_check_char
from jindu.core.models import Organisation, Region

from .choices import BaseUnit, Direction, SubstanceKind
from .models import (
    ChecklistItem,
    Cylinder,
    CylinderEvent,
    Equipment,
    EquipmentSale,
    EquipmentType,
    Inspection,
    InspectionCheck,
    Licence,
    Substance,
    Transaction,
    Unit,
    month_end,
)
from .services import ensure_catalogue, reconcile_pairs, substance_hydrogen, transaction_values

D = decimal.Decimal
MONTHS = [datetime.date(2024, m, 1) for m in range(1, 7)]

CHECKLIST = [
    ("ledger", "台账按日登记、保存两年", "Ledger kept daily and for two years"),
    ("storage", "专库（柜）存放、双人双锁", "Dedicated store, two keys held by two people"),
    ("licence", "许可证、备案证明在有效期内", "Licences and filings valid"),
    ("realname", "销售实名登记完整", "Real-name sales register complete"),
    ("buyer_check", "核验购买方证件和购买许可", "Buyers' papers and purchase licences checked"),
    ("staff", "专人管理并经过培训", "Trained staff in charge"),
]

EQUIPMENT_TYPES = [("玻璃反应釜", "Glass reaction kettle"), ("大口径玻璃瓶", "Large-capacity glass bottle"),
                   ("压片机", "Tablet press")]

MEDICINES = [
    ("盐酸吗啡注射液", "Morphine hydrochloride injection", "narcotic"),
    ("盐酸哌替啶注射液", "Pethidine hydrochloride injection", "narcotic"),
    ("枸橼酸芬太尼注射液", "Fentanyl citrate injection", "narcotic"),
    ("地西泮片", "Diazepam tablets", "psychotropic_2"),
    ("艾司唑仑片", "Estazolam tablets", "psychotropic_2"),
    ("盐酸曲马多片", "Tramadol hydrochloride tablets", "psychotropic_2"),
    ("氯胺酮注射液", "Ketamine injection", "psychotropic_1"),
    ("盐酸布桂嗪注射液", "Bucinnazine hydrochloride injection", "narcotic"),
]
WATCHED = [("氢氧化钠", "Sodium hydroxide", "1310-73-2", BaseUnit.KG),
           ("甲醇", "Methanol", "67-56-1", BaseUnit.L)]

# (county, key, name, kind, grid, substances: [(cas or name, monthly in, monthly out, unit of the ledger)])
UNITS = [
    ("540102", "A0001", "拉萨市城关区高原化工贸易有限公司", "trader", "城关区吉日街道第二网格",
     [("67-64-1", 20, 0, "L"), ("108-88-3", 10, 0, "L"), ("7664-93-9", 30, 0, "L"), ("7647-01-0", 20, 0, "L"),
      ("7722-64-7", 5, 0, "kg")]),
    ("540102", "A0002", "西藏自治区人民医院", "hospital", "城关区公德林街道第一网格",
     [("盐酸吗啡注射液", 300, 280, "piece"), ("盐酸哌替啶注射液", 200, 190, "piece"),
      ("枸橼酸芬太尼注射液", 150, 140, "piece"), ("地西泮片", 600, 560, "piece"), ("氯胺酮注射液", 80, 76, "piece")]),
    ("540102", "A0003", "拉萨市城关区雪域大药房", "pharmacy", "城关区八廓街道第三网格",
     [("地西泮片", 200, 190, "piece"), ("艾司唑仑片", 300, 290, "piece"), ("盐酸曲马多片", 100, 96, "piece")]),
    ("540102", "A0004", "西藏大学化学与环境科学学院实验室", "laboratory", "城关区金珠西路社区网格",
     [("60-29-7", 20, 18, "L"), ("67-66-3", 25, 22, "L"), ("110-89-4", 5, 4, "L"), ("108-24-7", 10, 9, "L"),
      ("7726-95-6", 4, 3, "L"), ("103-82-2", 3, 2, "kg"), ("1310-73-2", 30, 28, "kg"), ("67-56-1", 40, 36, "L")]),
    ("540103", "A0005", "西藏高原藏药制药有限公司", "manufacturer", "堆龙德庆区东嘎街道第一网格",
     [("299-42-3", 2, 2, "kg"), ("90-82-4", 1, 1, "kg"), ("麻黄浸膏", 5, 4, "kg"), ("67-64-1", 120, 110, "L"),
      ("78-93-3", 80, 75, "L"),
      ("96-48-0", 10, 9, "L")]),
    ("540103", "A0006", "拉萨市堆龙德庆区鑫达氢气充装站", "gas_filling", "堆龙德庆区乃琼镇第二网格", []),
    ("540104", "A0007", "达孜区工业园区水处理有限公司", "user", "达孜区德庆镇第一网格",
     [("7664-93-9", 300, 290, "L"), ("7722-64-7", 40, 38, "kg"), ("1310-73-2", 200, 195, "kg")]),
    ("540121", "A0008", "林周县第一中学", "school", "林周县甘丹曲果镇网格",
     [("7664-93-9", 5, 4, "L"), ("7647-01-0", 5, 4, "L"), ("67-64-1", 4, 3, "L")]),
    ("540202", "A0009", "日喀则市桑珠孜区扎什化工物资有限公司", "trader", "桑珠孜区城北街道第一网格",
     [("7664-93-9", 20, 0, "L"), ("7647-01-0", 20, 0, "L"), ("108-88-3", 10, 0, "L"), ("67-64-1", 10, 0, "L")]),
    ("540202", "A0010", "日喀则市人民医院", "hospital", "桑珠孜区城南街道第二网格",
     [("盐酸吗啡注射液", 150, 140, "piece"), ("盐酸哌替啶注射液", 100, 96, "piece"), ("地西泮片", 300, 290, "piece"),
      ("盐酸布桂嗪注射液", 60, 55, "piece")]),
    ("540202", "A0011", "日喀则市珠峰氢能加气站", "gas_filling", "桑珠孜区东城街道网格", []),
    ("540221", "A0012", "南木林县湘河矿业有限公司", "user", "南木林县艾玛乡第一网格",
     [("7664-93-9", 800, 780, "L"), ("7647-01-0", 200, 195, "L"), ("7722-64-7", 60, 58, "kg")]),
    ("540302", "A0013", "昌都市卡若区三江化工经营部", "trader", "卡若区城关镇第四网格",
     [("7664-93-9", 10, 0, "L"), ("67-64-1", 10, 0, "L"), ("78-93-3", 5, 0, "L")]),
    ("540302", "A0014", "昌都市人民医院", "hospital", "卡若区城关镇第二网格",
     [("盐酸吗啡注射液", 120, 114, "piece"), ("枸橼酸芬太尼注射液", 60, 58, "piece"),
      ("艾司唑仑片", 200, 190, "piece")]),
    ("540402", "A0015", "林芝市巴宜区雪山啤酒有限公司", "user", "巴宜区八一镇第三网格",
     [("7664-93-9", 100, 96, "L"), ("7647-01-0", 150, 145, "L"), ("1310-73-2", 300, 290, "kg")]),
    ("540402", "A0016", "西藏农牧学院实验室", "laboratory", "巴宜区育才路社区网格",
     [("60-29-7", 10, 9, "L"), ("67-66-3", 15, 14, "L"), ("93-55-0", 1, 1, "L"), ("140-29-4", 2, 2, "L"),
      ("118-92-3", 1, 1, "kg"), ("120-57-0", 1, 1, "kg"), ("89-52-1", 1, 1, "kg")]),
    ("540502", "A0017", "山南市乃东区雅砻水泥有限公司", "user", "乃东区泽当镇第二网格",
     [("7647-01-0", 400, 390, "L"), ("7664-93-9", 200, 195, "L")]),
    ("540502", "A0018", "山南市人民医院", "hospital", "乃东区昌珠镇网格",
     [("盐酸哌替啶注射液", 80, 76, "piece"), ("地西泮片", 200, 190, "piece"), ("盐酸曲马多片", 120, 114, "piece")]),
    ("540602", "A0019", "那曲市色尼区羌塘加气站", "gas_filling", "色尼区那曲镇第一网格", []),
    ("540602", "A0020", "那曲市人民医院", "hospital", "色尼区那曲镇第三网格",
     [("盐酸吗啡注射液", 60, 57, "piece"), ("氯胺酮注射液", 30, 28, "piece"), ("地西泮片", 150, 145, "piece")]),
    ("542523", "A0021", "阿里地区噶尔县狮泉河镇化工商店", "trader", "噶尔县狮泉河镇第一网格",
     [("7664-93-9", 5, 0, "L"), ("67-64-1", 3, 0, "L")]),
    ("542521", "A0022", "普兰县中学", "school", "普兰县普兰镇网格",
     [("7647-01-0", 3, 2, "L"), ("7664-93-9", 3, 2, "L")]),
    ("540103", "A0023", "西藏天路精细化工有限公司", "manufacturer", "堆龙德庆区羊达街道第一网格",
     [("7647-01-0", 800, 300, "L"), ("7664-93-9", 1000, 950, "L"), ("7722-64-7", 30, 28, "kg")]),
]
# Sales from traders to buyers (seller key, buyer key, substance, monthly quantity).
SALES = [
    ("A0001", "A0004", "67-64-1", 15), ("A0001", "A0005", "67-64-1", 100), ("A0001", "A0007", "7664-93-9", 280),
    ("A0001", "A0008", "7664-93-9", 4), ("A0001", "A0007", "7722-64-7", 35), ("A0001", "A0004", "108-88-3", 12),
    ("A0001", "A0023", "7722-64-7", 25), ("A0001", "A0008", "7647-01-0", 4), ("A0009", "A0012", "7664-93-9", 350),
    ("A0009", "A0012", "7647-01-0", 180), ("A0009", "A0015", "7647-01-0", 140), ("A0009", "A0016", "108-88-3", 6),
    ("A0013", "A0014", "67-64-1", 20), ("A0013", "A0015", "7664-93-9", 90), ("A0021", "A0022", "7664-93-9", 2),
    ("A0023", "A0017", "7647-01-0", 380), ("A0023", "A0012", "7647-01-0", 10),
]
STATIONS = ["A0006", "A0011", "A0019"]
# What a unit makes rather than buys: its monthly "in" is production.
PRODUCED = {("A0023", "7647-01-0"), ("A0005", "麻黄浸膏")}
BUYER_NAMES = ["扎西", "次仁", "格桑", "卓玛", "平措", "央金", "达瓦", "尼玛", "拉姆", "旦增", "白玛", "多吉", "曲珍",
               "米玛", "边巴"]


def credit_code(county, key):
    body = f"91{county}MA6TA{key[1:]}"
    return body + credit_check_char(body)


def id_number(county, n):
    body = f"{county}19{70 + n % 30:02d}{1 + n % 12:02d}{1 + n % 27:02d}{100 + n:03d}"
    return body + id_check_char(body)


def _substances():
    ensure_catalogue()
    for name_zh, name_en, medicine_class in MEDICINES:
        Substance.objects.get_or_create(name_zh=name_zh, defaults={
            "name_en": name_en, "kind": SubstanceKind.MEDICINE, "medicine_class": medicine_class,
            "base_unit": BaseUnit.PIECE, "reconciliation_minimum": D(2)})
    for name_zh, name_en, cas, base_unit in WATCHED:
        Substance.objects.get_or_create(name_zh=name_zh, defaults={
            "name_en": name_en, "cas": cas, "kind": SubstanceKind.WATCHED, "base_unit": base_unit})
    lookup = {}
    for substance in Substance.objects.all():
        lookup[substance.name_zh] = substance
        if substance.cas:
            lookup[substance.cas] = substance
    return lookup


class _Writer:
    """Creates what is missing, counts it, and remembers the pairs to reconcile."""

    def __init__(self):
        self.created = {}
        self.pairs = set()
        self.refs = set(Transaction.objects.filter(ref__startswith="DEMO-").values_list("ref", flat=True))

    def count(self, name, created=True):
        if created:
            self.created[name] = self.created.get(name, 0) + 1

    def line(self, ref, unit, substance, direction, quantity, quantity_unit, day, **fields):
        self.pairs.add((unit.pk, substance.pk))
        if ref in self.refs:
            return None
        record = Transaction.objects.create(**transaction_values({
            "ref": ref, "unit": unit, "substance": substance, "direction": direction, "quantity": D(quantity),
            "quantity_unit": quantity_unit, "date": day, **fields}))
        self.refs.add(ref)
        self.count("transactions")
        return record


@db.atomic
def load():
    writer = _Writer()
    substances = _substances()
    regions = {r.code: r for r in Region.objects.filter(level="county")}
    for order, (code, name_zh, name_en) in enumerate(CHECKLIST, start=1):
        writer.count("checklist", ChecklistItem.objects.get_or_create(code=code, defaults={
            "name_zh": name_zh, "name_en": name_en, "order": order})[1])
    kinds = {}
    for name_zh, name_en in EQUIPMENT_TYPES:
        kinds[name_zh], created = EquipmentType.objects.get_or_create(name_zh=name_zh, defaults={"name_en": name_en})
        writer.count("equipment types", created)

    units = {}
    for index, (county, key, name, kind, grid, _holdings) in enumerate(UNITS):
        organisation = None
        if kind in ("trader", "manufacturer", "gas_filling"):
            organisation, created = Organisation.objects.get_or_create(name=name, defaults={
                "kind": "company", "region": regions[county]})
            writer.count("organisations", created)
        units[key], created = Unit.objects.get_or_create(credit_code=credit_code(county, key), defaults={
            "name": name, "kind": kind, "region": regions[county], "grid": grid, "address": grid.split("第")[0],
            "contact_name": "联络员", "responsible_person": "负责人", "found_by": "grid_sweep",
            "found_on": datetime.date(2024, 1, 8) + datetime.timedelta(days=3 * index),
            "licence_no": f"(藏)3S{county}{key[1:]}", "organisation": organisation})
        writer.count("units", created)

    _licences(writer, units, substances)
    _ledgers(writer, units, substances)
    _cylinders(writer, units, substances)
    _equipment(writer, units, kinds)
    _inspections(writer, units)
    store = reconcile_pairs(writer.pairs)
    if writer.created:
        audit.log("precursors.demo.loaded", object_type="precursors.unit",
                  extra={"created": writer.created, "flags_raised": store.raised})
    return writer.created


def _monthly_purchases():
    """{(unit key, substance): quantity bought a month}: own use or stock plus what it sells on."""
    bought = {}
    for _county, key, _name, _kind, _grid, holdings in UNITS:
        for name, inflow, _out, _unit in holdings:
            if (key, name) not in PRODUCED:
                bought[(key, name)] = bought.get((key, name), 0) + inflow
    for seller, _buyer, name, quantity in SALES:
        if (seller, name) not in PRODUCED:
            bought[(seller, name)] = bought.get((seller, name), 0) + quantity
    return bought


def _licences(writer, units, substances):
    """What every purchase, production and sale of a catalogue precursor needs, valid 2024-01-01 to 2026-12-31:
    purchase licences (category 1) or filings (categories 2 and 3) sized for two years of purchases, also for every
    buyer of a trader; trade licences for sellers; production licences for producers."""
    needed = {}
    for (key, name), monthly in _monthly_purchases().items():
        if monthly:
            needed[(key, name, "purchase")] = D(monthly) * 24
    for seller, buyer, name, quantity in SALES:
        needed[(seller, name, "trade")] = None
        needed.setdefault((buyer, name, "purchase"), D(quantity) * 24)
    for key, name in PRODUCED:
        needed[(key, name, "production")] = None
    for (key, name, kind), quantity in sorted(needed.items()):
        substance = substances[name]
        if substance.kind != SubstanceKind.PRECURSOR:
            continue
        category = substance.category
        form = "licence" if category == "1" or kind == "trade" else "filing"
        unit = units[key]
        _, created = Licence.objects.get_or_create(
            number=f"藏公易{kind[0].upper()}{unit.region.code}{key[1:]}{substance.pk:03d}", kind=kind,
            substance=substance, defaults={
                "unit": unit, "form": form, "quantity_allowed": quantity, "valid_from": datetime.date(2024, 1, 1),
                "valid_until": datetime.date(2026, 12, 31),
                "issued_by": "西藏自治区公安厅" if category == "1" else f"{unit.region.name_zh}公安局"})
        writer.count("licences", created)


def _ledgers(writer, units, substances):
    """Monthly ledgers that reconcile: purchases (or production) early in the month, use, sales to licensed
    buyers, and a month-end stocktake equal to the expected stock (half a litre less where a large stock of a
    liquid evaporates: within the tolerance)."""
    rng = random.Random(2024)
    purchases = _monthly_purchases()
    sales_out = {}
    for seller, buyer, name, quantity in SALES:
        sales_out.setdefault((seller, name), []).append((buyer, quantity))
    for _county, key, _name, _kind, _grid, holdings in UNITS:
        unit = units[key]
        for name, inflow, outflow, ledger_unit in holdings:
            substance = substances[name]
            buyers = sales_out.get((key, name), [])
            stock = D(0)
            for month in MONTHS:
                tag = f"DEMO-{key}-{substance.pk:03d}-{month:%Y%m}"
                if (key, name) in PRODUCED:
                    made = D(inflow)
                    writer.line(f"{tag}-P", unit, substance, Direction.PRODUCTION, str(made), ledger_unit,
                                month + datetime.timedelta(days=rng.randint(1, 6)))
                else:
                    made = D(purchases.get((key, name), 0))
                    if made:
                        writer.line(f"{tag}-B", unit, substance, Direction.PURCHASE, str(made), ledger_unit,
                                    month + datetime.timedelta(days=rng.randint(1, 6)),
                                    counterparty_unit=_supplier(units, key, name))
                used = D(outflow)
                if used:
                    writer.line(f"{tag}-U", unit, substance, Direction.USE, str(used), ledger_unit,
                                month + datetime.timedelta(days=rng.randint(10, 24)))
                sold = D(0)
                for buyer, quantity in buyers:
                    writer.line(f"{tag}-S-{buyer}", unit, substance, Direction.SALE, str(quantity), ledger_unit,
                                month + datetime.timedelta(days=rng.randint(7, 25)),
                                counterparty_unit=units[buyer], document_no=f"XS{month:%Y%m}{buyer[1:]}")
                    sold += D(quantity)
                stock += made - used - sold
                shrink = D("0.5") if ledger_unit == "L" and stock > 200 else D(0)
                writer.line(f"{tag}-K", unit, substance, Direction.STOCKTAKE, str(stock - shrink), ledger_unit,
                            month_end(month))
                stock -= shrink


def _supplier(units, buyer, name):
    """The registered seller a unit buys from, if any (the traders buy from suppliers outside Tibet)."""
    for seller, customer, substance, _quantity in SALES:
        if customer == buyer and substance == name:
            return units[seller]
    return None


def _cylinders(writer, units, substances):
    """Six hydrogen cylinders per station. Each month every empty cylinder is filled (production of one
    cylinder), filled ones are sold under a buyer's real name (at most one a month per buyer), sold ones come back
    the month after; the month-end stocktake counts the filled cylinders at the station."""
    hydrogen = substance_hydrogen()
    for station_index, key in enumerate(STATIONS):
        station = units[key]
        cylinders = []
        for n in range(1, 7):
            cylinder, created = Cylinder.objects.get_or_create(serial=f"QP-{station.region.code}-{n:03d}", defaults={
                "unit": station, "substance": hydrogen, "capacity_l": D(40), "manufacturer": "天海工业",
                "filed_on": datetime.date(2024, 1, 5)})
            writer.count("cylinders", created)
            cylinders.append(cylinder)
        if CylinderEvent.objects.filter(cylinder__in=cylinders).exists():
            writer.pairs.add((station.pk, hydrogen.pk))
            continue
        state = {c.pk: "empty" for c in cylinders}
        sequence = {c.pk: 0 for c in cylinders}

        def step(cylinder, kind, day, buyer=None, station=station, sequence=sequence):
            sequence[cylinder.pk] += 1
            _cylinder_step(writer, station, hydrogen, cylinder, sequence[cylinder.pk], kind, day, buyer)

        for month_index, month in enumerate(MONTHS):
            for cylinder in cylinders:  # returns of last month's sales
                if state[cylinder.pk] == "sold":
                    step(cylinder, "return", month + datetime.timedelta(days=1))
                    state[cylinder.pk] = "empty"
            for cylinder in cylinders:
                if state[cylinder.pk] == "empty":
                    step(cylinder, "filling", month + datetime.timedelta(days=2))
                    state[cylinder.pk] = "filled"
            for n, cylinder in enumerate(cylinders[: 3 + (month_index + station_index) % 3]):
                buyer_no = station_index * 40 + month_index * 6 + n
                name = BUYER_NAMES[buyer_no % len(BUYER_NAMES)]
                step(cylinder, "sale", month + datetime.timedelta(days=10 + n),
                     buyer=(name, id_number(station.region.code, buyer_no)))
                state[cylinder.pk] = "sold"
            filled = sum(1 for value in state.values() if value == "filled")
            writer.line(f"DEMO-{key}-{hydrogen.pk:03d}-{month:%Y%m}-K", station, hydrogen, Direction.STOCKTAKE,
                        str(filled), "cylinder", month_end(month))
        for cylinder in cylinders:
            Cylinder.objects.filter(pk=cylinder.pk).update(status=state[cylinder.pk])


def _cylinder_step(writer, station, hydrogen, cylinder, number, kind, day, buyer):
    ledger = None
    if kind in ("filling", "sale"):
        ledger = writer.line(
            f"CYL-{cylinder.serial}-{number:04d}", station, hydrogen,
            Direction.PRODUCTION if kind == "filling" else Direction.SALE, "1", "cylinder", day,
            counterparty_id_number=buyer[1] if buyer else "", counterparty_name=buyer[0] if buyer else "")
    CylinderEvent.objects.create(
        cylinder=cylinder, kind=kind, date=day, transaction=ledger,
        buyer_name=buyer[0] if buyer else "", buyer_id_number=buyer[1] if buyer else "",
        document_no=f"CZ{day:%Y%m%d}{cylinder.serial[-3:]}" if kind == "sale" else "")
    writer.count("cylinder events")


def _equipment(writer, units, kinds):
    items = [("A0004", "玻璃反应釜", "FYF-50L-01", "50 L 夹套玻璃反应釜", 2), ("A0016", "玻璃反应釜", "FYF-20L-07",
             "20 L 单层玻璃反应釜", 1), ("A0001", "大口径玻璃瓶", "BLP-2024-03", "25 L 广口玻璃瓶", 40),
             ("A0005", "压片机", "YP-ZP9", "ZP-9 旋转式压片机", 1)]
    for key, type_name, serial, specification, quantity in items:
        equipment, created = Equipment.objects.get_or_create(unit=units[key], serial=serial, defaults={
            "equipment_type": kinds[type_name], "specification": specification, "quantity": quantity,
            "registered_on": datetime.date(2024, 2, 1)})
        writer.count("equipment", created)
        if created and key == "A0001":
            EquipmentSale.objects.create(equipment=equipment, date=datetime.date(2024, 3, 12), quantity=10,
                                         buyer_unit=units["A0015"], document_no="XS20240312-BLP")
            equipment.quantity -= 10
            equipment.save(update_fields=["quantity"])


def _inspections(writer, units):
    """Each unit was visited in the grid sweep when found; where the ledger or the store was not in order a
    rectification was ordered and a follow-up visit confirmed it."""
    items = list(ChecklistItem.objects.all())
    workers = ["格桑、次仁", "卓玛、扎西", "平措、央金", "达瓦、尼玛"]
    for index, (_county, key, _name, _kind, _grid, _holdings) in enumerate(UNITS):
        unit = units[key]
        day = unit.found_on or datetime.date(2024, 1, 8)
        problem = index % 5 == 2
        first, created = Inspection.objects.get_or_create(ref=f"XC-2024-{key}", defaults={
            "unit": unit, "date": day, "kind": "grid_sweep", "inspector_name": workers[index % len(workers)],
            "findings": "台账未按日登记，库房钥匙一人保管" if problem else "台账、库房、证照齐全",
            "rectification_required": problem,
            "rectification": "补全台账、落实双人双锁" if problem else "",
            "rectification_deadline": day + datetime.timedelta(days=30) if problem else None,
            "rectified_on": day + datetime.timedelta(days=21) if problem else None})
        writer.count("inspections", created)
        if created:
            for item in items:
                failed = problem and item.code in ("ledger", "storage")
                InspectionCheck.objects.create(inspection=first, item=item, result="fail" if failed else "pass")
        if problem:
            _, created = Inspection.objects.get_or_create(ref=f"XC-2024-{key}-F", defaults={
                "unit": unit, "date": day + datetime.timedelta(days=21), "kind": "follow_up",
                "inspector_name": workers[index % len(workers)], "findings": "已整改到位", "follow_up_of": first})
            writer.count("inspections", created)
