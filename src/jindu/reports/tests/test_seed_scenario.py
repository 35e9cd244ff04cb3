"""`jindu demo` reproduces the figures of the source document, and the bulletin drafted from it quotes them.

One test on purpose: loading the scenario takes a while (each app tests its own part's idempotency)."""

import io

import pytest
from django.core.management import call_command

from jindu.reports import bulletin
from jindu.reports.statistics import compute

pytestmark = pytest.mark.django_db


def test_seed_scenario_figures_and_bulletin():
    call_command("demo", stdout=io.StringIO(), stderr=io.StringIO())
    stats = compute("2024-01-01", "2024-06-30", "540000")
    assert stats["cases"]["total"] == 12
    assert stats["suspects_arrested"] == 8 and stats["foreign_suspects_arrested"] == 4
    assert stats["fugitives_captured"] == 5
    assert stats["seizures"]["total_grams"] == 38.12
    assert stats["seizures"]["by_drug"]["triazolam"] == {"tablet": 10}
    assert stats["eradication"]["records"] == 5 and stats["eradication"]["plants"] >= 14000
    assert stats["interceptions"]["by_finding"].get("drug_user") == 3
    assert stats["persons"]["test_rate"] == 1.0
    assert stats["outreach"]["videos_submitted"] == 38 and stats["outreach"]["videos_selected"] == 10

    result = bulletin.draft("2024-01-01", "2024-06-30")
    text = "\n".join(p for _heading, paragraphs in result.sections for p in paragraphs)
    for phrase in ("全区共查获涉毒案件12起", "抓获犯罪嫌疑人8名", "查获涉毒网逃人员5人", "缴获各类毒品38.12克",
                   "三唑仑10粒", "4月8日", "拉萨海关缉私局", "吸毒检测率达到100%", "共收到作品38件，10件作品入选"):
        assert phrase in text, phrase
    tibetan = "\n".join(result.summary_bo)
    for phrase in ("མྱོས་རྫས་གྱོད་དོན་12ཞིབ་བཤེར་བྱས", "ནག་ཉེས་དོགས་གཞི་ཅན་8བཟུང", "ཕྱི་རྒྱལ་བ་4ཡོད", "བྲོས་བྱེས་མི་སྣ་5བཟུང",
                   "ཀ་རམ་38.12བཟུང", "ལྷེབ་10", "བརྟག་དཔྱད་བསྡུར་ཚད་100%", "བརྙན་ཐུང་38ཕུལ་བའི་ནང་ནས་10གདམ་གསེས་ཐོབ"):
        assert phrase in tibetan, phrase
