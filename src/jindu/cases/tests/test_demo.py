"""The enforcement part of the seed scenario gives the figures of the source document, and loads once."""

import pytest

from jindu.core.models import AuditLog
from jindu.reports.statistics import compute

from .. import demo
from ..models import Case, Eradication, Fugitive, Identity, Interception, Seizure, Suspect

pytestmark = pytest.mark.django_db


def test_demo_gives_the_seed_figures_and_loads_once():
    demo.load()
    s = compute("2024-01-01", "2024-06-30")
    assert s["cases"]["total"] == 12
    assert s["suspects_arrested"] == 8 and s["foreign_suspects_arrested"] == 4
    assert s["fugitives_captured"] == 5
    assert s["seizures"]["total_grams"] == 38.12
    assert s["seizures"]["by_drug"]["triazolam"] == {"tablet": 10}
    assert [units for units in s["seizures"]["by_drug"].values() if "tablet" in units] == [{"tablet": 10}]
    assert s["eradication"]["records"] == 5 and s["eradication"]["plants"] >= 14000
    assert s["interceptions"] == {"total": 3, "by_finding": {"drug_user": 3}}
    assert compute("2024-01-01", "2024-06-30", "540600")["interceptions"]["total"] == 3

    joint = Case.objects.get(notable=True)
    assert joint.filed_on.isoformat() == "2024-04-08" and joint.channel == "postal"
    assert sorted(a.name for a in joint.agencies.all()) == sorted(["自治区公安厅禁毒总队", "拉萨海关缉私局",
                                                                   "拉萨市公安局禁毒支队"])
    assert joint.suspects.count() == 2 and joint.status == "prosecution"
    gyirong = Suspect.objects.filter(case__region__code="540234")
    assert gyirong.count() == 4 and not gyirong.filter(nationality="CN").exists()
    assert gyirong.filter(case__offence="harbouring").count() == 1
    # Outside the period, so that the period matters.
    assert compute("2024-07-01", "2024-12-31")["cases"]["total"] == 1
    assert compute("2023-01-01", "2023-12-31")["seizures"]["total_grams"] == 25.0

    models = (Case, Suspect, Seizure, Fugitive, Eradication, Interception, Identity)
    before = [model.objects.count() for model in models] + [AuditLog.objects.count()]
    demo.load()
    assert [model.objects.count() for model in models] + [AuditLog.objects.count()] == before


def test_the_naguqou_drug_users_are_the_registered_persons_of_the_scenario(client):
    """The three interceptions carry the identity numbers of the persons part's registered drug users: the
    interception finds its person, and the person's records find the interception (one keyed hash)."""
    from jindu.common.testing import create_user
    from jindu.persons.selectors import person_by_id_number

    from ..selectors import interceptions_with_id_number

    demo.load()
    officer = create_user("nagqu_officer", ["county_officer"], "540602")
    found = Interception.objects.filter(finding="drug_user", intercepted_on__year=2024).order_by("intercepted_on")
    assert found.count() == 3
    for interception in found:
        person = person_by_id_number(interception.id_number)
        assert person is not None and person.name == interception.name, interception.ref
        assert list(interceptions_with_id_number(officer, person.id_number)) == [interception]
    client.force_login(officer)
    html = client.get(interception.get_absolute_url()).content.decode()
    assert person.get_absolute_url() in html and "Registered drug user" in html  # the link to the persons module
    assert not Interception.objects.get(ref="JC2023-DG-1010").id_number  # an unknown person stays unknown
