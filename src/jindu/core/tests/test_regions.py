from collections import Counter

import pytest

from jindu.common.scope import region_q
from jindu.core.models import Organisation, Region
from jindu.core.services import load_reference_data

pytestmark = pytest.mark.django_db


def test_tibet_has_7_prefectures_and_74_counties():
    levels = Counter(Region.objects.values_list("level", flat=True))
    assert levels == {"region": 1, "prefecture": 7, "county": 74}
    tibet = Region.objects.get(code="540000")
    assert tibet.name_zh == "西藏自治区" and tibet.name_en == "Tibet Autonomous Region" and tibet.name_bo


def test_paths_follow_the_tree():
    assert Region.objects.get(code="540102").path == "540000/540100/540102/"
    assert Region.objects.get(code="540100").path == "540000/540100/"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("540000", 82), ("540100", 9), ("540200", 19), ("540600", 12), ("542500", 8), ("540102", 1)],
)
def test_within_covers_descendants(code, expected):
    assert Region.objects.within(code).count() == expected


def test_region_q_filters_records_by_descendant_regions():
    lhasa_org = Organisation.objects.create(name="拉萨市城关区禁毒办", kind="ncc_office", region=Region.objects.get(
        code="540102"))
    ngari_org = Organisation.objects.create(name="噶尔县禁毒办", kind="ncc_office", region=Region.objects.get(
        code="542523"))
    lhasa = Region.objects.get(code="540100")
    found = set(Organisation.objects.filter(region_q("region", lhasa)))
    assert lhasa_org in found and ngari_org not in found
    everything = set(Organisation.objects.filter(region_q("region", Region.objects.get(code="540000"))))
    assert {lhasa_org, ngari_org} <= everything


def test_reference_data_load_is_idempotent():
    before = Region.objects.count()
    created = load_reference_data()
    assert created == {"regions": 0, "drugs": 0, "chemicals": 0}
    assert Region.objects.count() == before


def test_names_follow_the_ui_language():
    from django.utils import translation

    lhasa = Region.objects.get(code="540100")
    with translation.override("en"):
        assert lhasa.name == "Lhasa City"
    with translation.override("bo"):
        assert lhasa.name == "ལྷ་ས་གྲོང་ཁྱེར"
    with translation.override("zh-hans"):
        assert lhasa.name == "拉萨市"
