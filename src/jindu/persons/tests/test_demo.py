"""The persons part of the seed scenario: consistent with the source document, and idempotent."""

import datetime

import pytest

from jindu.common.testing import region
from jindu.core.models import AuditLog
from jindu.persons import demo
from jindu.persons.models import (
    Alert,
    Contact,
    DrivingCheck,
    DrugTest,
    Episode,
    Handover,
    LicenceCertificate,
    Person,
    RiskAssessment,
)
from jindu.persons.selectors import statistics

pytestmark = pytest.mark.django_db
MODELS = (Person, Episode, DrugTest, Handover, RiskAssessment, Contact, DrivingCheck, LicenceCertificate, Alert)


def test_demo_matches_the_source_document_and_loads_once(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    demo.load()
    stats = statistics(datetime.date(2024, 1, 1), datetime.date(2024, 6, 30), region("540000"))["persons"]
    assert stats["test_rate"] == 1.0 and stats["in_community"] >= 25 and stats["registered"] >= 45
    for code in demo.PREFECTURES:
        part = statistics(datetime.date(2024, 1, 1), datetime.date(2024, 6, 30), region(code))["persons"]
        assert part["registered"] > 0 and part["test_rate"] == 1.0, code
    released = Handover.objects.filter(released_on__range=("2024-01-01", "2024-06-30"))
    assert released.count() == 3 and all(h.completed_on and h.agreement for h in released)
    assert all((tmp_path / h.agreement).read_bytes().startswith(b"%PDF") for h in released)
    in_community = Person.objects.filter(episodes__measure__in=["community_detox", "community_rehab"],
                                         episodes__end_on__isnull=True).distinct()
    assert not in_community.filter(assessments__isnull=True).exists()
    certificates = LicenceCertificate.objects.filter(issued_on__range=("2024-01-01", "2024-06-30"))
    assert certificates.count() >= 30 and certificates.filter(result="involved").exists()
    assert DrivingCheck.objects.filter(checkpoint__name=demo.NAGUQOU, registered=True).count() == 3
    counts = [model.objects.count() for model in MODELS]
    seq = AuditLog.objects.order_by("-seq").values_list("seq", flat=True).first()
    demo.load()
    assert [model.objects.count() for model in MODELS] == counts
    assert not AuditLog.objects.filter(seq__gt=seq, action__endswith=".created").exists()
