"""The enforcement statistics, definition by definition (DESIGN.md "Statistics definitions"), on a
hand-computed scenario: edge dates, region subtree, kg folded into g, 3-decimal rounding, tablets apart."""

import io
import json

import pytest
from django.core.management import call_command

from jindu.reports.statistics import compute

from . import factories as f

pytestmark = pytest.mark.django_db

PERIOD = ("2024-01-01", "2024-06-30")


@pytest.fixture
def scenario():
    c1 = f.case("540102", "2024-01-01", "criminal", "trafficking")        # first day: in
    c2 = f.case("540102", "2024-06-30", "administrative", "drug_use")     # last day: in
    c3 = f.case("540102", "2023-12-31", "criminal", "trafficking")        # day before: out
    f.case("540102", "2024-07-01", "criminal", "transport")               # day after: out
    c5 = f.case("540103", "2024-03-01", "criminal", "smuggling")          # Lhasa, the neighbouring district
    c6 = f.case("540234", "2024-02-01", "administrative", "harbouring")   # Shigatse

    f.suspect(c3, arrested_on="2024-01-05", id_number=f.id_number())     # case filed outside, arrested inside
    f.suspect(c1, arrested_on="2024-07-01")                               # case inside, arrested outside
    f.suspect(c1, arrested_on="2024-06-30", id_number=f.id_number(sex="F"), sex="F")
    f.suspect(c6, arrested_on="2024-02-01", nationality="NP", passport_no="P1234567")
    f.suspect(c6)                                                         # not arrested
    f.suspect(c5, arrested_on="2024-01-01", nationality="IN")

    f.seizure(c1, "heroin", "1.5", "g", "2024-01-01")
    f.seizure(c1, "heroin", "0.0125", "kg", "2024-03-03")                 # 12.5 g
    f.seizure(c5, "triazolam", "10", "tablet", "2024-04-08")
    f.seizure(c5, "triazolam", "0.3333", "g", "2024-04-08")
    f.seizure(c6, "cannabis", "2.0004", "g", "2024-06-30")
    f.seizure(c3, "heroin", "5", "g", "2024-01-02")                       # case filed outside, seized inside
    f.seizure(c1, "heroin", "100", "g", "2024-07-01")                     # seized outside
    f.seizure(c1, "meth_tablet", "3", "tablet", "2024-02-02")
    f.seizure(c2, "heroin", "0.5", "kg", "2023-12-31")                    # seized outside

    f.fugitive("540102", captured_on="2024-01-01")
    f.fugitive("540102", captured_on="2024-07-01")
    f.fugitive("540103", captured_on="2024-06-30")
    f.fugitive("540234")
    f.fugitive("540234", wanted_since="2024-01-01", captured_on="2024-03-03")

    f.eradication("540234", "2024-05-01", 3000)
    f.eradication("540234", "2023-12-31", 500)
    f.eradication("542523", "2024-06-30", 1200, species="poppy")
    f.eradication("540102", "2024-01-01", 0)

    f.interception("540602", "2024-03-01", "drug_user")
    f.interception("540602", "2024-06-30", "drug_driving")
    f.interception("540602", "2024-07-01", "drug_user")
    f.interception("540102", "2024-01-01", "trafficking", checkpoint=f.checkpoint("拉萨东检查站", "540102"))


def stats(region="540000", period=PERIOD):
    return compute(period[0], period[1], region)


def test_cases_count_by_filed_on_with_both_ends_included(scenario):
    s = stats()
    assert s["cases"] == {"total": 4, "by_type": {"criminal": 2, "administrative": 2},
                          "by_offence": {"trafficking": 1, "drug_use": 1, "smuggling": 1, "harbouring": 1}}


def test_region_subtree_prefecture_covers_counties_county_excludes_neighbour(scenario):
    assert stats("540100")["cases"]["total"] == 3          # Lhasa: Chengguan and Doilungdêqên
    assert stats("540102")["cases"]["total"] == 2          # Chengguan alone, not its neighbour 540103
    assert stats("540103")["cases"]["total"] == 1
    assert stats("540200")["cases"]["by_offence"] == {"harbouring": 1}
    assert stats("540300")["cases"] == {"total": 0, "by_type": {}, "by_offence": {}}


def test_suspects_count_by_arrested_on_in_their_case_region(scenario):
    s = stats()
    assert s["suspects_arrested"] == 4
    assert s["foreign_suspects_arrested"] == 2
    s = stats("540102")
    assert (s["suspects_arrested"], s["foreign_suspects_arrested"]) == (2, 0)
    s = stats("540100")
    assert (s["suspects_arrested"], s["foreign_suspects_arrested"]) == (3, 1)
    assert stats("540234")["foreign_suspects_arrested"] == 1


def test_fugitives_count_by_captured_on(scenario):
    assert stats()["fugitives_captured"] == 3
    assert stats("540102")["fugitives_captured"] == 1
    assert stats("540100")["fugitives_captured"] == 2
    assert stats("540200")["fugitives_captured"] == 1


def test_seizures_fold_kg_into_g_keep_tablets_apart_and_round_to_3_decimals(scenario):
    s = stats()["seizures"]
    assert s["by_drug"] == {
        "heroin": {"g": 19},                         # 1.5 g + 0.0125 kg + 5 g (seized inside, case filed outside)
        "triazolam": {"tablet": 10, "g": 0.333},
        "cannabis": {"g": 2.0},
        "meth_tablet": {"tablet": 3},
    }
    assert s["total_grams"] == 21.334                # 21.3337 rounded once, on the total
    assert "kg" not in json.dumps(s)


def test_seizures_take_the_region_of_their_case(scenario):
    s = stats("540102")["seizures"]
    assert s == {"by_drug": {"heroin": {"g": 19}, "meth_tablet": {"tablet": 3}}, "total_grams": 19.0}
    assert stats("540103")["seizures"] == {"by_drug": {"triazolam": {"tablet": 10, "g": 0.333}},
                                           "total_grams": 0.333}
    assert stats("540300")["seizures"] == {"by_drug": {}, "total_grams": 0.0}


def test_eradication_counts_by_found_on(scenario):
    assert stats()["eradication"] == {"records": 3, "plants": 4200}
    assert stats("540200")["eradication"] == {"records": 1, "plants": 3000}
    assert stats("540102")["eradication"] == {"records": 1, "plants": 0}
    assert stats("540300")["eradication"] == {"records": 0, "plants": 0}


def test_interceptions_count_by_date_and_finding(scenario):
    assert stats()["interceptions"] == {"total": 3, "by_finding": {"drug_user": 1, "drug_driving": 1,
                                                                   "trafficking": 1}}
    assert stats("540600")["interceptions"] == {"total": 2, "by_finding": {"drug_user": 1, "drug_driving": 1}}


def test_one_day_periods_at_the_edges(scenario):
    s = stats(period=("2024-07-01", "2024-07-01"))
    assert s["cases"]["total"] == 1 and s["suspects_arrested"] == 1 and s["fugitives_captured"] == 1
    assert s["seizures"]["by_drug"] == {"heroin": {"g": 100}} and s["interceptions"]["total"] == 1
    s = stats(period=("2023-12-31", "2023-12-31"))
    assert s["cases"]["total"] == 1 and s["eradication"] == {"records": 1, "plants": 500}
    assert s["seizures"] == {"by_drug": {"heroin": {"g": 500}}, "total_grams": 500.0}


def test_jindu_stats_prints_the_enforcement_figures(scenario):
    out = io.StringIO()
    call_command("stats", "--from", PERIOD[0], "--to", PERIOD[1], "--region", "540100", stdout=out)
    s = json.loads(out.getvalue())
    assert s["cases"]["total"] == 3 and s["suspects_arrested"] == 3 and s["seizures"]["total_grams"] == 19.333


def test_empty_database_gives_zeros():
    s = stats()
    assert s["cases"] == {"total": 0, "by_type": {}, "by_offence": {}}
    assert (s["suspects_arrested"], s["foreign_suspects_arrested"], s["fugitives_captured"]) == (0, 0, 0)
    assert s["seizures"] == {"by_drug": {}, "total_grams": 0.0}
    assert s["eradication"] == {"records": 0, "plants": 0}
    assert s["interceptions"] == {"total": 0, "by_finding": {}}


def test_bulletin_selectors_name_operations_and_notable_cases():
    from jindu.cases import demo, selectors
    from jindu.reports.statistics import get_region

    demo.load()
    region = get_region("540000")
    start, end = f.day("2024-01-01"), f.day("2024-06-30")
    assert selectors.operation_names(start, end, region) == ["清源断流", "集群打零"]
    assert selectors.notable_cases(start, end, region) == [
        "4月8日，自治区公安厅禁毒总队、拉萨海关缉私局、拉萨市公安局禁毒支队联合工作专班成功破获一起邮寄走私毒品案件，"
        "抓获犯罪嫌疑人2名，缴获三唑仑10粒。"]
    assert selectors.notable_cases(start, end, get_region("540200")) == []
