"""Pages of the persons app: declarative subclasses of the generic views, plus the actions that are
more than data entry (reveal an identity number, assess, acknowledge/resolve an alert, look up for
drug driving, issue a certificate), each through a service."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from jindu.common import audit
from jindu.common.fieldrules import readable
from jindu.common.masking import mask_name, mask_phone
from jindu.common.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectRestoreView,
    ObjectViewMixin,
    ObjectVoidedListView,
    SealedRecordOpenView,
    add_validation_errors,
)

from . import filtersets, forms, selectors, services, tables
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
    worker_only,
)


class RecordDeleteView(ObjectDeleteView):
    """Voids through the persons service (reason required; the community worker's rule applies)."""

    def delete(self, actor, instance, reason, version):
        return services.record_delete(actor=actor, instance=instance, reason=reason, version=version)


class RecordRestoreView(ObjectRestoreView):
    def restore(self, actor, instance, reason):
        return services.record_restore(actor=actor, instance=instance, reason=reason)


def void_views(model):
    """delete, voided-list and restore views of a voidable persons model, for ``model_urls(**void_views(M))``."""
    return {
        "delete_view": type(f"{model.__name__}DeleteView", (RecordDeleteView,), {"model": model}),
        "voided_view": type(f"{model.__name__}VoidedListView", (ObjectVoidedListView,), {"model": model}),
        "restore_view": type(f"{model.__name__}RestoreView", (RecordRestoreView,), {"model": model}),
    }

# --- persons -----------------------------------------------------------------------------------------


class PersonListView(ObjectListView):
    model = Person
    queryset = Person.objects.select_related("region").annotate(current_measure=selectors.current_measure_subquery())
    table_class = tables.PersonTable
    filterset_class = filtersets.PersonFilterSet
    export_dataset = "persons"
    template_name = "persons/person_list.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if hasattr(response, "context_data"):
            response.context_data["full_export"] = request.user.has_perm("core.export_data") and \
                request.user.has_perm("persons.add_identitydisclosure")
        return response


class PersonDetailView(ObjectDetailView):
    model = Person
    template_name = "persons/person.html"

    def get_extra_context(self, request, instance):
        today = timezone.localdate()
        episodes = list(instance.episodes.filter(voided=False).select_related("organisation", "community_worker"))
        tests = list(instance.tests.filter(voided=False).select_related("substance"))
        rules = services.schedule_rules()
        current = selectors.current_episode(instance, today, episodes)
        schedule = []
        if current is not None:
            schedule = services.schedule_due_dates(current, tests, today, rules)[-6:]
        next_due = services.next_test_due(current, max((t.tested_on for t in tests
                                                         if t.tested_on >= current.start_on), default=None),
                                          rules) if current else None
        user = request.user
        return {
            "today": today,
            "episodes": episodes,
            "current": current,
            "tests": tests[:20],
            "schedule": schedule,
            "next_due": next_due,
            "assessment": instance.assessments.filter(voided=False).first(),
            "contacts": instance.contacts.filter(voided=False).select_related("worker")[:10],
            "handovers": instance.handovers.filter(voided=False).select_related("community_worker"),
            "violations": instance.violations.filter(voided=False, sealed=False)
            if readable(user, Violation, "punishment") and user.has_perm("persons.view_violation") else None,
            "alerts": instance.alerts.exclude(state="resolved"),
            "can_reveal": bool(services.revealable_fields(user)),
            "can_assess": user.has_perm("persons.add_riskassessment"),
            "can_add": {name: user.has_perm(f"persons.add_{name}") for name in ("episode", "drugtest", "contact")},
            "enforcement": enforcement_records(user, instance),
            "disclosures": instance.disclosures.select_related("user")[:10]
            if user.has_perm("persons.view_identitydisclosure") else None,
            "reveal_form": forms.RevealForm(user=user),
            "revealed": getattr(self, "revealed", None),
            "masked_phone": mask_phone(instance.phone),
        }


def enforcement_records(user, person):
    """The person's suspect records and checkpoint interceptions from the cases app (its selectors, the user's
    scope), by identity number. Never for a community worker: case details are not theirs to see."""
    from django.apps import apps

    if worker_only(user) or not person.id_number or not apps.is_installed("jindu.cases"):
        return None
    from jindu.cases import selectors as cases

    return {"suspects": list(cases.suspects_with_id_number(user, person.id_number).select_related("case")[:20]),
            "interceptions": list(cases.interceptions_with_id_number(user, person.id_number)
                                  .select_related("checkpoint")[:20])}


class PersonRevealView(PersonDetailView):
    """POST with a reason: the person's page once with the full identity number, phone and address."""

    def post(self, request, pk):
        person = self.get_object(request, pk)
        form = forms.RevealForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Say why you need the full number (at least 4 characters)."))
            return HttpResponseRedirect(person.get_absolute_url())
        try:
            self.revealed = services.person_disclose_identity(actor=request.user, person=person,
                                                              reason=form.cleaned_data["reason"])
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(person.get_absolute_url())
        return self.get(request, pk)

    def get(self, request, pk):
        if request.method == "GET":
            self.get_object(request, pk)  # another county's person: 404, not a redirect
            return HttpResponseRedirect(reverse("persons:person", args=[pk]))
        return super().get(request, pk)


class PersonEditView(ObjectEditView):
    model = Person
    form_class = forms.PersonForm
    template_name = "persons/person_edit.html"

    def get_form(self, request, instance=None, data=None):
        return self.form_class(data=data, files=request.FILES if data is not None else None, instance=instance,
                               user=request.user)

    def create(self, actor, data):
        photo = data.pop("photo_file", None)
        return services.person_create(actor=actor, data=data, photo=photo)

    def update(self, actor, instance, data):
        photo = data.pop("photo_file", None)
        return services.person_update(actor=actor, instance=instance, data=data, photo=photo)


class PersonAssessView(ObjectViewMixin, View):
    """POST: a new risk assessment computed from the person's records."""

    model = Person
    action = "view"

    def post(self, request, pk):
        person = self.get_object(request, pk)
        if not request.user.has_perm("persons.add_riskassessment"):
            raise PermissionDenied
        assessment = services.risk_assess(actor=request.user, person=person)
        messages.success(request, _("Assessed: {level}, score {score}.").format(
            level=assessment.get_level_display(), score=assessment.score))
        return HttpResponseRedirect(assessment.get_absolute_url())


class PersonPhotoView(ObjectViewMixin, View):
    """The photo, streamed after the scope check (files live outside the web root)."""

    model = Person

    def get(self, request, pk):
        person = self.get_object(request, pk)
        if not person.photo:
            raise Http404
        return stream_file(person.photo)


def stream_file(name):
    from django.core.files.storage import default_storage

    if not default_storage.exists(name):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- episodes, handovers, tests, contacts, assessments ---------------------------------------------------------


class PrefillPersonMixin:
    """``?person=<pk>`` preselects the person on an add page."""

    def get_form(self, request, instance=None, data=None):
        form = super().get_form(request, instance, data)
        if instance is None and data is None and request.GET.get("person", "").isdigit():
            form.initial["person"] = int(request.GET["person"])
        return form


class EpisodeListView(ObjectListView):
    model = Episode
    queryset = Episode.objects.select_related("person", "organisation", "community_worker")
    table_class = tables.EpisodeTable
    filterset_class = filtersets.EpisodeFilterSet
    export_dataset = "episodes"


class EpisodeDetailView(ObjectDetailView):
    model = Episode
    template_name = "persons/episode.html"

    def get_extra_context(self, request, instance):
        tests = list(instance.person.tests.filter(voided=False))
        return {"schedule": services.schedule_due_dates(instance, tests, timezone.localdate())}


class EpisodeEditView(PrefillPersonMixin, ObjectEditView):
    model = Episode
    form_class = forms.EpisodeForm

    def create(self, actor, data):
        return services.episode_create(actor=actor, data=data)

    def update(self, actor, instance, data):
        return services.episode_update(actor=actor, instance=instance, data=data)


class HandoverListView(ObjectListView):
    model = Handover
    queryset = Handover.objects.select_related("person", "community_worker")
    table_class = tables.HandoverTable
    filterset_class = filtersets.HandoverFilterSet


class HandoverDetailView(ObjectDetailView):
    model = Handover
    template_name = "persons/handover.html"


class HandoverEditView(ObjectEditView):
    """Briefing, worker and agreement of a handover (created by the service when isolation ends)."""

    model = Handover
    form_class = forms.HandoverForm
    template_name = "persons/handover_edit.html"

    def get_form(self, request, instance=None, data=None):
        return self.form_class(data=data, files=request.FILES if data is not None else None, instance=instance,
                               user=request.user)

    def update(self, actor, instance, data):
        agreement = data.pop("agreement", None)
        return services.handover_update(actor=actor, instance=instance, data=data, agreement=agreement)

    def get(self, request, pk=None):
        if pk is None:
            raise Http404
        return super().get(request, pk)

    def post(self, request, pk=None):
        if pk is None:
            raise Http404
        return super().post(request, pk)


class HandoverAgreementView(ObjectViewMixin, View):
    model = Handover

    def get(self, request, pk):
        handover = self.get_object(request, pk)
        if not handover.agreement:
            raise Http404
        audit.log("persons.handover.agreement_viewed", obj=handover, user=request.user)
        return stream_file(handover.agreement)


class DrugTestListView(ObjectListView):
    model = DrugTest
    queryset = DrugTest.objects.select_related("person", "substance")
    table_class = tables.DrugTestTable
    filterset_class = filtersets.DrugTestFilterSet
    export_dataset = "drug_tests"


class DrugTestDetailView(ObjectDetailView):
    model = DrugTest


class DrugTestEditView(PrefillPersonMixin, ObjectEditView):
    model = DrugTest
    form_class = forms.DrugTestForm

    def create(self, actor, data):
        return services.drugtest_create(actor=actor, data=data)

    def update(self, actor, instance, data):
        return services.drugtest_update(actor=actor, instance=instance, data=data)


class ContactListView(ObjectListView):
    model = Contact
    queryset = Contact.objects.select_related("person", "worker")
    table_class = tables.ContactTable
    filterset_class = filtersets.ContactFilterSet


class ContactDetailView(ObjectDetailView):
    model = Contact


class ContactEditView(PrefillPersonMixin, ObjectEditView):
    model = Contact
    form_class = forms.ContactForm

    def create(self, actor, data):
        return services.contact_create(actor=actor, data={**data, "worker": actor})

    def update(self, actor, instance, data):
        return services._update(actor, instance, data)


class RiskAssessmentListView(ObjectListView):
    model = RiskAssessment
    queryset = RiskAssessment.objects.select_related("person")
    table_class = tables.RiskAssessmentTable
    filterset_class = filtersets.RiskAssessmentFilterSet


class RiskAssessmentDetailView(ObjectDetailView):
    model = RiskAssessment
    template_name = "persons/riskassessment.html"


class TestScheduleListView(ObjectListView):
    model = TestSchedule
    table_class = tables.TestScheduleTable
    template_name = "persons/testschedule_list.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.context_data["defaults"] = [(Measure(m).label, rules)
                                             for m, rules in services.DEFAULT_SCHEDULES.items()]
        return response


class TestScheduleDetailView(ObjectDetailView):
    model = TestSchedule


class TestScheduleEditView(ObjectEditView):
    model = TestSchedule
    form_class = forms.TestScheduleForm


# --- drug-use violations ------------------------------------------------------------------------------------


class ViolationListView(ObjectListView):
    model = Violation
    queryset = Violation.objects.select_related("person", "deciding_unit")
    table_class = tables.ViolationTable
    filterset_class = filtersets.ViolationFilterSet


class ViolationDetailView(ObjectDetailView):
    model = Violation


class ViolationEditView(PrefillPersonMixin, ObjectEditView):
    model = Violation
    form_class = forms.ViolationForm

    def create(self, actor, data):
        return services.violation_create(actor=actor, data=data)

    def update(self, actor, instance, data):
        return services.violation_update(actor=actor, instance=instance, data=data)


class ViolationSealedView(SealedRecordOpenView):
    """A sealed violation, opened by a case-handling role with a reason and a case number (audited)."""

    model = Violation


# --- alerts -----------------------------------------------------------------------------------------------


class AlertListView(ObjectListView):
    model = Alert
    queryset = Alert.objects.select_related("person", "community_worker")
    table_class = tables.AlertTable
    filterset_class = filtersets.AlertFilterSet
    template_name = "persons/alert_list.html"

    def get(self, request, *args, **kwargs):
        if not request.GET and worker_only(request.user):
            return HttpResponseRedirect(request.path + "?state=open&mine=true")
        response = super().get(request, *args, **kwargs)
        if hasattr(response, "context_data") and not worker_only(request.user):
            response.context_data["by_worker"] = selectors.alert_counts_by_worker(request.user)[:20]
        return response


class AlertDetailView(ObjectDetailView):
    model = Alert
    template_name = "persons/alert.html"

    def get_extra_context(self, request, instance):
        return {"resolve_form": forms.ResolveForm(user=request.user),
                "can_change": request.user.has_perm("persons.change_alert")}


class AlertActionView(ObjectViewMixin, View):
    model = Alert
    action = "change"
    verb = "acknowledge"

    def post(self, request, pk):
        alert = self.get_object(request, pk)
        try:
            if self.verb == "acknowledge":
                services.alert_acknowledge(actor=request.user, alert=alert)
            else:
                form = forms.ResolveForm(request.POST, user=request.user)
                services.alert_resolve(actor=request.user, alert=alert,
                                       resolution=form.data.get("resolution", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as error:
            raise Http404 from error
        return HttpResponseRedirect(alert.get_absolute_url())


# --- drug driving and licence certificates -----------------------------------------------------------------------


class DrivingCheckListView(ObjectListView):
    model = DrivingCheck
    queryset = DrivingCheck.objects.select_related("checked_by", "checkpoint")
    table_class = tables.DrivingCheckTable
    filterset_class = filtersets.DrivingCheckFilterSet


class DrivingCheckDetailView(ObjectDetailView):
    model = DrivingCheck
    template_name = "persons/drivingcheck.html"


class DrivingCheckView(ObjectViewMixin, View):
    """The checkpoint look-up: identity number + reason in, the three facts the law allows out."""

    model = DrivingCheck
    action = "add"
    template_name = "persons/drivingcheck_form.html"

    def get(self, request):
        return TemplateResponse(request, self.template_name, {"form": forms.DrivingCheckForm(user=request.user)})

    def post(self, request):
        form = forms.DrivingCheckForm(request.POST, user=request.user)
        check = None
        if form.is_valid():
            try:
                check = services.driving_check(actor=request.user, id_number=form.cleaned_data["id_number"],
                                               reason=form.cleaned_data["reason"],
                                               checkpoint=form.cleaned_data["checkpoint"])
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                form = forms.DrivingCheckForm(user=request.user)  # the number does not stay on the page
        return TemplateResponse(request, self.template_name, {"form": form, "check": check})


class CertificateListView(ObjectListView):
    model = LicenceCertificate
    queryset = LicenceCertificate.objects.select_related("region")
    table_class = tables.LicenceCertificateTable
    filterset_class = filtersets.LicenceCertificateFilterSet


class CertificateDetailView(ObjectDetailView):
    model = LicenceCertificate
    template_name = "persons/licencecertificate.html"

    def get_extra_context(self, request, instance):
        return {"masked_name": mask_name(instance.applicant_name),
                "can_revoke": request.user.has_perm("persons.change_licencecertificate") and not instance.revoked}


class CertificateIssueView(ObjectViewMixin, View):
    model = LicenceCertificate
    action = "add"
    template_name = "persons/licencecertificate_form.html"

    def get(self, request):
        unit = getattr(request.user, "organisation", None)
        form = forms.CertificateForm(user=request.user, initial={"requesting_unit": unit.name} if unit else None)
        return TemplateResponse(request, self.template_name, {"form": form})

    def post(self, request):
        form = forms.CertificateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                certificate = services.certificate_issue(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Certificate {number} issued.").format(number=certificate.number))
                return HttpResponseRedirect(certificate.get_absolute_url())
        return TemplateResponse(request, self.template_name, {"form": form})


class CertificateRevokeView(ObjectViewMixin, View):
    model = LicenceCertificate
    action = "change"

    def post(self, request, pk):
        certificate = self.get_object(request, pk)
        try:
            services.certificate_revoke(actor=request.user, certificate=certificate,
                                        reason=request.POST.get("reason", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as error:
            raise Http404 from error
        else:
            messages.success(request, _("Certificate {number} revoked.").format(number=certificate.number))
        return HttpResponseRedirect(certificate.get_absolute_url())


class CertificatePdfView(ObjectViewMixin, View):
    model = LicenceCertificate

    def get(self, request, pk):
        certificate = self.get_object(request, pk)
        from .pdf import certificate_pdf

        verify_url = request.build_absolute_uri(reverse("persons:certificate_verify"))
        data = certificate_pdf(certificate, verify_url)
        audit.log("persons.licencecertificate.downloaded", obj=certificate, user=request.user)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
        return response

