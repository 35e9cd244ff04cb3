"""Forms: foreign keys limited by ``restrict`` (common.forms), community workers limited to users holding
that role in the user's region, identity fields validated by the model (common.identifiers)."""

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from jindu.common.forms import JinduForm, JinduModelForm

from .choices import LicencePurpose
from .models import Contact, DrugTest, Episode, Handover, Person, TestSchedule, Violation


def workers_for(user):
    """Community workers of the user's region (the people a measure or handover can be assigned to)."""
    User = apps.get_model("core", "User")
    queryset = User.objects.filter(roles__code="community_worker", is_active=True)
    region = getattr(user, "scope_region", None)
    if region is not None:
        queryset = queryset.filter(region__path__startswith=region.path)
    return queryset.distinct().order_by("username")


class WorkerFieldsMixin:
    worker_fields = ("community_worker",)

    def limit_workers(self):
        for name in self.worker_fields:
            if name in self.fields:
                self.fields[name].queryset = workers_for(self.user)


class PersonForm(JinduModelForm):
    photo_file = forms.FileField(label=_("photo"), required=False, help_text=_("JPEG or PNG, at most 2 MB."),
                                 widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"}))

    class Meta:
        model = Person
        fields = ["id_number", "nationality", "passport_no", "name", "sex", "birth_date", "ethnicity", "region",
                  "address", "phone", "registered_on", "registering_unit", "status", "relapse_count",
                  "drug_driving_history", "notes"]
        widgets = {"birth_date": forms.DateInput, "registered_on": forms.DateInput,
                   "id_number": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18}),
                   "passport_no": forms.TextInput(attrs={"autocomplete": "off"}),
                   "phone": forms.TextInput(attrs={"autocomplete": "off"}),
                   "address": forms.TextInput, "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"id_number": _("18 characters; birth date and sex follow from it. Empty for foreign nationals.")}

    # On edit these are never sent to the browser: the field stays empty (masked placeholder) and an empty
    # value keeps the stored one.
    secret_fields = ("id_number", "passport_no", "phone", "address")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = self.fields["region"].queryset.filter(level="county")
        if self.instance.pk:
            from jindu.common.masking import mask_value

            for name in self.secret_fields:
                stored = getattr(self.instance, name)
                self.initial[name] = ""
                self.fields[name].widget.attrs["placeholder"] = mask_value(name, stored) if stored else ""
                self.fields[name].help_text = _("Leave empty to keep the stored value.")

    def _keep(self, name):
        value = self.cleaned_data.get(name)
        if not value and self.instance.pk:
            return getattr(self.instance, name)
        return value

    def clean_id_number(self):
        return self._keep("id_number")

    def clean_passport_no(self):
        return self._keep("passport_no")

    def clean_phone(self):
        return self._keep("phone")

    def clean_address(self):
        return self._keep("address")


class EpisodeForm(WorkerFieldsMixin, JinduModelForm):
    class Meta:
        model = Episode
        fields = ["person", "measure", "start_on", "end_on", "organisation", "community_worker", "notes"]
        widgets = {"start_on": forms.DateInput, "end_on": forms.DateInput, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_workers()


class HandoverForm(WorkerFieldsMixin, JinduModelForm):
    agreement = forms.FileField(label=_("signed service agreement"), required=False,
                                help_text=_("Scanned PDF, JPEG or PNG, at most 5 MB."),
                                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    class Meta:
        model = Handover
        fields = ["organisation", "community_worker", "worker_name", "briefed_on", "agreement_signed_on", "notes"]
        widgets = {"briefed_on": forms.DateInput, "agreement_signed_on": forms.DateInput,
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_workers()


class DrugTestForm(JinduModelForm):
    class Meta:
        model = DrugTest
        fields = ["person", "tested_on", "method", "result", "substance", "tester", "notes"]
        widgets = {"tested_on": forms.DateInput, "notes": forms.Textarea(attrs={"rows": 3})}


class ViolationForm(JinduModelForm):
    class Meta:
        model = Violation
        fields = ["person", "decision_no", "committed_on", "decided_on", "deciding_unit", "punishment",
                  "detention_days", "executed_on", "notes"]
        widgets = {"committed_on": forms.DateInput, "decided_on": forms.DateInput, "executed_on": forms.DateInput,
                   "notes": forms.Textarea(attrs={"rows": 3})}


class ContactForm(JinduModelForm):
    class Meta:
        model = Contact
        fields = ["person", "contacted_on", "kind", "notes"]
        widgets = {"contacted_on": forms.DateInput, "notes": forms.Textarea(attrs={"rows": 3})}


class TestScheduleForm(JinduModelForm):
    class Meta:
        model = TestSchedule
        fields = ["measure", "from_month", "interval_days"]


class RevealForm(JinduForm):
    reason = forms.CharField(label=_("Reason"), max_length=200, min_length=4,
                             help_text=_("Why you need the full number; recorded in the audit log."))


class ResolveForm(JinduForm):
    resolution = forms.CharField(label=_("What was done"), max_length=200)


class DrivingCheckForm(JinduForm):
    id_number = forms.CharField(label=_("identity number"), max_length=18, min_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    reason = forms.CharField(label=_("Reason"), max_length=200, min_length=4,
                             help_text=_("e.g. roadside check, plate number; recorded in the audit log."))
    checkpoint = forms.ModelChoiceField(label=_("checkpoint or unit"), required=False, queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        Organisation = apps.get_model("core", "Organisation")
        self.fields["checkpoint"].queryset = Organisation.objects.restrict(self.user).filter(
            kind__in=["checkpoint", "police_unit", "public_security", "transport"])
        self.fields["checkpoint"].widget.attrs["class"] = "form-select"


class CertificateForm(JinduForm):
    id_number = forms.CharField(label=_("identity number"), max_length=18, min_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    applicant_name = forms.CharField(label=_("applicant"), max_length=64)
    purpose = forms.ChoiceField(label=_("purpose"), choices=LicencePurpose.choices)
    requesting_unit = forms.CharField(label=_("requesting unit"), max_length=128,
                                      help_text=_("The traffic police unit that asked."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].widget.attrs["class"] = "form-select"


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("certificate number"), max_length=32)
    code = forms.CharField(label=_("verification code"), max_length=16)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
