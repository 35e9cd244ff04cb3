import io
import re
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from docx import Document

from jindu.common.testing import create_user
from jindu.core.models import AuditLog
from jindu.reports import bulletin, drilldown
from jindu.reports.models import Bulletin

pytestmark = pytest.mark.django_db

TIBETAN = re.compile("[\u0f00-\u0fff]")


def docx_text(content):
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(texts)


def test_draft_sections_follow_the_source_document():
    result = bulletin.draft("2024-01-01", "2024-06-30")
    headings = [heading for heading, _ in result.sections if heading]
    assert headings[:4] == ["一、始终保持对毒品犯罪的严打高压态势", "二、强化吸毒人员管理服务，持续开展“毒驾”整治",
                            "三、强化制毒物品监管，严防流弊案（事）件发生", "四、创新开展禁毒宣传教育"]
    assert result.subtitle == "（2024年上半年）"
    assert len(result.table) == 7 and len(result.trend) == 6


def test_the_same_records_give_the_same_fingerprint():
    assert bulletin.draft("2024-01-01", "2024-06-30").fingerprint() == \
        bulletin.draft("2024-01-01", "2024-06-30").fingerprint()
    assert bulletin.draft("2024-01-01", "2024-06-30").fingerprint() != \
        bulletin.draft("2024-01-01", "2024-06-29").fingerprint()


def test_docx_and_pdf_from_the_cli(tmp_path):
    out = tmp_path / "report.docx"
    call_command("bulletin", "--from", "2024-01-01", "--to", "2024-06-30", "--out", str(out), stderr=io.StringIO())
    text = docx_text(out.read_bytes())
    assert "西藏自治区禁毒工作情况报告" in text and "全区共查获涉毒案件0起" in text and "拉萨市" in text
    assert bulletin.SUMMARY_BO_TITLE in text and "མྱོས་རྫས་གྱོད་དོན་0ཞིབ་བཤེར་བྱས" in text
    pdf = tmp_path / "report.pdf"
    call_command("bulletin", "--from", "2024-01-01", "--to", "2024-06-30", "--out", str(pdf), stderr=io.StringIO())
    assert pdf.read_bytes().startswith(b"%PDF")
    plain = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "全区共查获涉毒案件0起" in plain.replace("\n", "")
    # The Tibetan summary: its own page, set in the Tibetan font (shaped by HarfBuzz: stacks, not boxes).
    assert TIBETAN.search(plain)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Serif-Tibetan" in fonts
    record = Bulletin.objects.filter(format="pdf").get()
    assert record.figures["cases"]["total"] == 0 and len(record.fingerprint) == 64 and record.author is None
    assert AuditLog.objects.filter(action="reports.bulletin.created", object_id=str(record.pk)).exists()


def test_cli_refuses_other_formats(tmp_path):
    with pytest.raises(CommandError):
        call_command("bulletin", "--from", "2024-01-01", "--to", "2024-06-30", "--out", str(tmp_path / "x.txt"))


def test_missing_fonts_fail_clearly(monkeypatch):
    monkeypatch.setattr(bulletin, "CJK_FONT", "No Such Font SC")
    with pytest.raises(bulletin.FontsMissing) as error:
        bulletin.check_fonts()
    assert "fonts-noto-cjk" in str(error.value)


def test_bulletin_page_drafts_and_downloads(client, officer):
    client.force_login(officer)
    assert client.get(reverse("reports:bulletin_add")).status_code == 200
    response = client.post(reverse("reports:bulletin_add"), {"date_from": "2024-01-01", "date_to": "2024-06-30",
                                                             "region": "", "format": "docx"})
    assert response.status_code == 302
    download = client.get(response["Location"])
    assert download.status_code == 200
    assert "全区共查获涉毒案件0起" in docx_text(b"".join(download.streaming_content))
    record = Bulletin.objects.get()
    assert record.author == officer
    assert client.get(reverse("reports:bulletin_list")).status_code == 200
    # The web view: every figure used, each linking to the records behind it (drill-down).
    page = client.get(reverse("reports:bulletin", args=[record.pk]))
    assert page.status_code == 200
    rows = page.context["rows"]
    links = drilldown.links(record.figures, officer)
    assert {url for _label, _value, _unit, url in rows if url} == set(links.values())
    assert links["cases.total"].replace("&", "&amp;") in page.content.decode()


def test_bulletin_of_another_county_is_404(client, officer):
    client.force_login(officer)
    client.post(reverse("reports:bulletin_add"), {"date_from": "2024-01-01", "date_to": "2024-06-30",
                                                  "region": "", "format": "docx"})
    record = Bulletin.objects.get()
    client.force_login(create_user("cg", ["county_officer"], "540102"))
    assert client.get(reverse("reports:bulletin_download", args=[record.pk])).status_code == 404


def test_tibetan_summary_gives_the_same_figures_in_tibetan():
    result = bulletin.draft("2024-01-01", "2024-06-30")
    result.stats["cases"]["total"], result.stats["foreign_suspects_arrested"] = 12, 4
    result.stats["seizures"] = {"by_drug": {"heroin": {"g": 38.12}, "triazolam": {"tablet": 10}}, "total_grams": 38.12}
    result.stats["persons"].update(in_community=29, tested=29, test_rate=1.0)
    result.figures["cases.total"]["yoy_change"] = 20.0
    summary = bulletin.tibetan_summary(result)
    assert summary[0].startswith("ས་ཁུལ། བོད་རང་སྐྱོང་ལྗོངས")
    assert "སྤྱི་ལོ་2024ལོའི་ཟླ་1ཚེས་1ནས་སྤྱི་ལོ་2024ལོའི་ཟླ་6ཚེས་30བར" in summary[0]
    text = "\n".join(summary)
    for phrase in ("མྱོས་རྫས་གྱོད་དོན་12ཞིབ་བཤེར་བྱས", "དེའི་ནང་ཕྱི་རྒྱལ་བ་4ཡོད", "ཀ་རམ་38.12བཟུང", "ལྷེབ་10",
                   "བརྟག་དཔྱད་བསྡུར་ཚད་100%ལ་སླེབས", "ལོ་སྔ་མའི་དུས་མཚུངས་དང་བསྡུར་ན་20%འཕར"):
        assert phrase in text, phrase
    assert not re.search("[\u4e00-\u9fff]", text.replace("三唑仑", ""))  # Tibetan, but for uncatalogued names
    result.figures["cases.total"]["yoy_change"] = -12.5
    assert "12.5%ཆག" in "\n".join(bulletin.tibetan_summary(result))
