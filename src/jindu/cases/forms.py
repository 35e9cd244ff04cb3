"""Entry forms of the enforcement records. Rules live in the services; the forms only collect
values, limit choices to the user's scope and say clearly what is wrong."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.common.forms import JinduForm, JinduModelForm

from .choices import CaseStatus
from .models import Case, Eradication, Fugitive, Interception, Operation, Seizure, Suspect


class CaseNumberField(forms.ModelChoiceField):
    """A case typed by its number (there are too many cases for a drop-down list)."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Case.objects.all())
        kwargs.setdefault("to_field_name", "case_no")
        kwargs.setdefault("error_messages", {
            "invalid_choice": _("There is no case with this number in your region."),
        })
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Case):
            return value.case_no
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            case = self.queryset.filter(pk=value).first()
            return case.case_no if case else value
        return value

    def to_python(self, value):
        return super().to_python(value.strip() if isinstance(value, str) else value)


class NationalityField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("min_length", 2)
        super().__init__(**kwargs)

    def to_python(self, value):
        return (super().to_python(value) or "").strip().upper()


class CaseForm(JinduModelForm):
    class Meta:
        model = Case
        fields = ["case_no", "region", "filed_on", "case_type", "offence", "channel", "operation", "agencies",
                  "summary", "notable"]
        widgets = {"filed_on": forms.DateInput, "summary": forms.Textarea(attrs={"rows": 4})}


class CaseStatusForm(JinduForm):
    status = forms.ChoiceField(label=_("new status"), choices=CaseStatus.choices)
    changed_on = forms.DateField(label=_("date"), widget=forms.DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class SuspectForm(JinduModelForm):
    case = CaseNumberField(label=_("case number"))
    nationality = NationalityField(label=_("nationality"), initial="CN",
                                   help_text=_("ISO 3166 two-letter code: CN, NP, IN ..."))

    class Meta:
        model = Suspect
        fields = ["case", "name", "id_number", "nationality", "passport_no", "sex", "birth_date", "role",
                  "arrested_on", "measure", "notes"]
        widgets = {"birth_date": forms.DateInput, "arrested_on": forms.DateInput, "id_number": forms.TextInput,
                   "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"birth_date": _("Filled from the identity number when left empty.")}


class SeizureForm(JinduModelForm):
    case = CaseNumberField(label=_("case number"))

    class Meta:
        model = Seizure
        fields = ["evidence_no", "case", "drug", "quantity", "unit", "seized_on", "place", "notes"]
        widgets = {"seized_on": forms.DateInput, "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"unit": _("Record the quantity in the unit it was weighed or counted in; "
                                "tablets are never converted to grams.")}

    def clean_quantity(self):
        quantity = self.cleaned_data.get("quantity")
        if quantity is not None and quantity <= 0:
            raise forms.ValidationError(_("The quantity must be greater than 0."))
        return quantity


class FugitiveForm(JinduModelForm):
    class Meta:
        model = Fugitive
        fields = ["fugitive_no", "name", "id_number", "region", "wanted_since", "captured_on", "capturing_unit",
                  "notes"]
        widgets = {"wanted_since": forms.DateInput, "captured_on": forms.DateInput, "id_number": forms.TextInput,
                   "notes": forms.Textarea(attrs={"rows": 3})}


class EradicationForm(JinduModelForm):
    case = CaseNumberField(label=_("case number"), required=False)

    class Meta:
        model = Eradication
        fields = ["ref", "region", "found_on", "species", "wild", "plants", "area_m2", "latitude", "longitude",
                  "case", "notes"]
        widgets = {"found_on": forms.DateInput, "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"latitude": _("Decimal degrees, e.g. 28.85 (north)."),
                      "longitude": _("Decimal degrees, e.g. 85.30 (east).")}


class InterceptionForm(JinduModelForm):
    class Meta:
        model = Interception
        fields = ["ref", "checkpoint", "region", "intercepted_on", "finding", "name", "id_number", "notes"]
        widgets = {"intercepted_on": forms.DateInput, "id_number": forms.TextInput,
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = self.fields["checkpoint"].queryset.filter(kind="checkpoint")


class OperationForm(JinduModelForm):
    class Meta:
        model = Operation
        fields = ["name", "started_on", "ended_on", "description"]
        widgets = {"started_on": forms.DateInput, "ended_on": forms.DateInput,
                   "description": forms.Textarea(attrs={"rows": 3})}
