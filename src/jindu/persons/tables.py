"""Tables: names, identity numbers and phones are masked in every list (去标识化)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jindu.common.masking import mask_name
from jindu.common.tables import BaseTable

from .choices import Measure
from .models import (
    Alert,
    Contact,
    DrivingCheck,
    DrugTest,
    Episode,
    Handover,
    LicenceCertificate,
    Person,
    RiskAssessment,
    TestSchedule,
    Violation,
)


class MaskedNameColumn(tables.Column):
    def render(self, value):
        return mask_name(value)


class PersonColumn(tables.Column):
    """The person as masked name and masked identity number, linked to the person's page."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("person"))
        kwargs.setdefault("accessor", "person")
        kwargs.setdefault("order_by", ("person__name",))
        kwargs.setdefault("linkify", lambda record: record.person.get_absolute_url())
        super().__init__(**kwargs)

    def render(self, value):
        return str(value)


class PersonTable(BaseTable):
    name = MaskedNameColumn(verbose_name=_("name"), linkify=True)
    identity = tables.Column(verbose_name=_("identity number"), accessor="display_identity", orderable=False)
    region = tables.Column(verbose_name=_("residence region"), order_by=("region__code",))
    current_measure = tables.Column(verbose_name=_("current measure"), default="—")

    class Meta(BaseTable.Meta):
        model = Person
        fields = ("name", "identity", "sex", "region", "registered_on", "current_measure", "status")

    def render_current_measure(self, value):
        return Measure(value).label if value in Measure.values else value


class EpisodeTable(BaseTable):
    ref = tables.Column(verbose_name=_("reference"), linkify=True)
    person = PersonColumn()

    class Meta(BaseTable.Meta):
        model = Episode
        fields = ("ref", "person", "measure", "start_on", "end_on", "organisation", "community_worker")


class HandoverTable(BaseTable):
    released_on = tables.Column(verbose_name=_("released on"), linkify=True)
    person = PersonColumn()

    class Meta(BaseTable.Meta):
        model = Handover
        fields = ("released_on", "person", "deadline", "community_worker", "briefed_on", "agreement_signed_on",
                  "completed_on")


class DrugTestTable(BaseTable):
    ref = tables.Column(verbose_name=_("reference"), linkify=True)
    person = PersonColumn()

    class Meta(BaseTable.Meta):
        model = DrugTest
        fields = ("ref", "person", "tested_on", "method", "result", "substance", "tester")


class ViolationTable(BaseTable):
    decision_no = tables.Column(verbose_name=_("decision number"), linkify=True)
    person = PersonColumn()

    class Meta(BaseTable.Meta):
        model = Violation
        fields = ("decision_no", "person", "committed_on", "decided_on", "punishment", "detention_days",
                  "executed_on")


class ContactTable(BaseTable):
    contacted_on = tables.Column(verbose_name=_("date"), linkify=True)
    person = PersonColumn()

    class Meta(BaseTable.Meta):
        model = Contact
        fields = ("contacted_on", "person", "kind", "worker")


class RiskAssessmentTable(BaseTable):
    assessed_on = tables.Column(verbose_name=_("assessed on"), linkify=True)
    person = PersonColumn()

    class Meta(BaseTable.Meta):
        model = RiskAssessment
        fields = ("assessed_on", "person", "score", "level", "next_due")


class AlertTable(BaseTable):
    kind = tables.Column(verbose_name=_("kind"), linkify=True)
    person = PersonColumn()

    class Meta(BaseTable.Meta):
        model = Alert
        fields = ("kind", "person", "raised_on", "due_on", "message", "community_worker", "state")


class DrivingCheckTable(BaseTable):
    checked_at = tables.DateTimeColumn(verbose_name=_("checked at"), format="Y-m-d H:i", linkify=True)

    class Meta(BaseTable.Meta):
        model = DrivingCheck
        fields = ("checked_at", "id_masked", "registered", "under_measure", "last_test_on", "checked_by", "reason")


class LicenceCertificateTable(BaseTable):
    number = tables.Column(verbose_name=_("certificate number"), linkify=True)
    applicant_name = MaskedNameColumn(verbose_name=_("applicant"))

    class Meta(BaseTable.Meta):
        model = LicenceCertificate
        fields = ("number", "issued_on", "applicant_name", "id_masked", "purpose", "requesting_unit", "result",
                  "revoked")


class TestScheduleTable(BaseTable):
    measure = tables.Column(verbose_name=_("measure"), linkify=True)

    class Meta(BaseTable.Meta):
        model = TestSchedule
        fields = ("measure", "from_month", "interval_days")
