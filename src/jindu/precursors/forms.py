"""Forms of the precursors app. They collect and check input; the services do the writing (STYLE rule 6)."""

import datetime

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jindu.common.forms import JinduForm, JinduModelForm
from jindu.common.identifiers import parse_id_number, validate_credit_code
from jindu.common.masking import mask_id_number, mask_name

from .choices import CheckResult, CylinderEventKind, QuantityUnit, SubstanceKind
from .models import (
    ChecklistItem,
    Cylinder,
    CylinderEvent,
    Equipment,
    EquipmentSale,
    EquipmentType,
    Inspection,
    Licence,
    Substance,
    Transaction,
    Unit,
)
from .services import ensure_catalogue, normalise_credit_code, resolve_counterparty


def _validate_id(value):
    if not value:
        return ""
    return parse_id_number(value)[0]


class UnitForm(JinduModelForm):
    class Meta:
        model = Unit
        fields = ["credit_code", "name", "kind", "region", "grid", "address", "contact_name", "contact_phone",
                  "responsible_person", "status", "licence_no", "found_by", "found_on", "organisation", "notes"]
        widgets = {"found_on": forms.DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = self.fields["region"].queryset.filter(level="county")

    def clean_credit_code(self):
        return validate_credit_code(normalise_credit_code(self.cleaned_data["credit_code"]))


class SubstanceForm(JinduModelForm):
    """Catalogue precursors keep their catalogue names; only their base unit and tolerance are set here."""

    class Meta:
        model = Substance
        fields = ["kind", "name_zh", "name_en", "name_bo", "cas", "medicine_class", "base_unit", "tolerance_rate",
                  "reconciliation_minimum", "is_active", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.kind == SubstanceKind.PRECURSOR:
            for name in ("kind", "name_zh", "name_en", "name_bo", "cas", "medicine_class"):
                self.fields[name].disabled = True
        else:
            self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0] != SubstanceKind.PRECURSOR]


class EquipmentTypeForm(JinduModelForm):
    class Meta:
        model = EquipmentType
        fields = ["name_zh", "name_en", "name_bo", "notes", "is_active"]


class ChecklistItemForm(JinduModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["code", "name_zh", "name_en", "name_bo", "order", "is_active"]


class LicenceForm(JinduModelForm):
    class Meta:
        model = Licence
        fields = ["unit", "substance", "number", "kind", "form", "quantity_allowed", "valid_from", "valid_until",
                  "issued_by", "notes"]
        widgets = {"valid_from": forms.DateInput, "valid_until": forms.DateInput}

    def __init__(self, *args, **kwargs):
        ensure_catalogue()
        super().__init__(*args, **kwargs)
        self.fields["substance"].queryset = Substance.objects.filter(kind=SubstanceKind.PRECURSOR)


class TransactionForm(JinduModelForm):
    """A ledger line. The counterparty is typed as a credit code or an ID number (real-name sale)."""

    counterparty = forms.CharField(
        label=_("counterparty"), required=False, max_length=18,
        help_text=_("credit code of a registered unit, or the buyer's resident ID number"))

    class Meta:
        model = Transaction
        fields = ["ref", "unit", "substance", "direction", "date", "quantity", "quantity_unit", "counterparty",
                  "counterparty_name", "document_no", "notes"]
        widgets = {"date": forms.DateInput}
        help_texts = {"ref": _("leave empty to number the line automatically")}

    def __init__(self, *args, **kwargs):
        ensure_catalogue()
        super().__init__(*args, **kwargs)
        self.fields["ref"].required = False
        self.fields["substance"].queryset = Substance.objects.filter(is_active=True)
        instance = self.instance
        if instance.pk:  # an edit form shows the buyer masked, like every page; unchanged masks keep the values
            self.masked_initial = instance.counterparty_unit.credit_code if instance.counterparty_unit_id else \
                mask_id_number(instance.counterparty_id_number)
            self.initial["counterparty"] = self.masked_initial
            self.masked_name = mask_name(instance.counterparty_name)
            self.initial["counterparty_name"] = self.masked_name

    def clean_counterparty(self):
        text = self.cleaned_data.get("counterparty", "").strip()
        if self.instance.pk and text == getattr(self, "masked_initial", None):
            return self.instance.counterparty_unit, self.instance.counterparty_id_number
        try:
            return resolve_counterparty(text)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None

    def clean_counterparty_name(self):
        name = self.cleaned_data.get("counterparty_name", "").strip()
        if self.instance.pk and name and name == getattr(self, "masked_name", None):
            return self.instance.counterparty_name
        return name

    def clean(self):
        cleaned = super().clean()
        unit, id_number = cleaned.pop("counterparty", (None, ""))
        cleaned["counterparty_unit"], cleaned["counterparty_id_number"] = unit, id_number
        if not id_number:
            cleaned["counterparty_name"] = ""
        return cleaned

    def service_data(self):
        data = {name: self.cleaned_data[name] for name in self.Meta.fields
                if name in self.cleaned_data and name != "counterparty"}
        data["counterparty_unit"] = self.cleaned_data["counterparty_unit"]
        data["counterparty_id_number"] = self.cleaned_data["counterparty_id_number"]
        return data


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime("%Y-%m")
        return value


class MonthField(forms.DateField):
    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]


class MonthlyReportForm(JinduForm):
    """A unit's monthly return: totals per direction and the month-end stocktake."""

    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none())
    substance = forms.ModelChoiceField(label=_("substance"), queryset=Substance.objects.none())
    month = MonthField(label=_("month"))
    quantity_unit = forms.ChoiceField(label=_("unit of measure"), choices=QuantityUnit.choices)
    purchase = forms.DecimalField(label=_("purchased"), required=False, min_value=0, decimal_places=6)
    production = forms.DecimalField(label=_("produced"), required=False, min_value=0, decimal_places=6)
    sale = forms.DecimalField(label=_("sold"), required=False, min_value=0, decimal_places=6)
    use = forms.DecimalField(label=_("used"), required=False, min_value=0, decimal_places=6)
    loss = forms.DecimalField(label=_("lost"), required=False, min_value=0, decimal_places=6)
    stocktake = forms.DecimalField(label=_("stock counted at the end of the month"), required=False, min_value=0,
                                   decimal_places=6)

    def __init__(self, *args, **kwargs):
        ensure_catalogue()
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.restrict(self.user).order_by("name")
        self.fields["substance"].queryset = Substance.objects.filter(is_active=True)

    def clean_month(self):
        month = self.cleaned_data["month"].replace(day=1)
        if month > datetime.date.today():
            raise forms.ValidationError(_("A month that has not begun cannot be reported."))
        return month


class CylinderForm(JinduModelForm):
    class Meta:
        model = Cylinder
        fields = ["serial", "unit", "substance", "capacity_l", "manufacturer", "filed_on", "notes"]
        widgets = {"filed_on": forms.DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substance"].queryset = Substance.objects.filter(base_unit="cylinder")
        self.fields["substance"].required = False
        self.fields["substance"].help_text = _("empty: hydrogen")


class CylinderEventForm(JinduModelForm):
    class Meta:
        model = CylinderEvent
        fields = ["kind", "date", "buyer_name", "buyer_id_number", "buyer_phone", "buyer_unit", "document_no",
                  "notes"]
        widgets = {"date": forms.DateInput}

    def clean_buyer_id_number(self):
        try:
            return _validate_id(self.cleaned_data.get("buyer_id_number"))
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == CylinderEventKind.SALE and not cleaned.get("buyer_unit") and not (
                cleaned.get("buyer_name") and cleaned.get("buyer_id_number")):
            raise forms.ValidationError(_("A sale needs the buyer's real name and ID number, or the buying unit."))
        return cleaned


class EquipmentForm(JinduModelForm):
    class Meta:
        model = Equipment
        fields = ["unit", "equipment_type", "serial", "specification", "quantity", "registered_on", "status", "notes"]
        widgets = {"registered_on": forms.DateInput}


class EquipmentSaleForm(JinduModelForm):
    class Meta:
        model = EquipmentSale
        fields = ["date", "quantity", "buyer_name", "buyer_id_number", "buyer_phone", "buyer_unit", "document_no",
                  "notes"]
        widgets = {"date": forms.DateInput}

    def clean_buyer_id_number(self):
        try:
            return _validate_id(self.cleaned_data.get("buyer_id_number"))
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class InspectionForm(JinduModelForm):
    """An inspection with one result field and one note field per checklist item in use."""

    confirms_rectification = forms.BooleanField(
        label=_("this visit confirms the rectification of the visit it follows"), required=False)

    class Meta:
        model = Inspection
        fields = ["ref", "unit", "date", "kind", "inspector_name", "findings", "rectification_required",
                  "rectification", "rectification_deadline", "rectified_on", "follow_up_of"]
        widgets = {"date": forms.DateInput, "rectification_deadline": forms.DateInput,
                   "rectified_on": forms.DateInput}
        help_texts = {"ref": _("leave empty to number the inspection automatically")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ref"].required = False
        self.items = list(ChecklistItem.objects.filter(is_active=True))
        current = {c.item_id: c for c in self.instance.checks.all()} if self.instance.pk else {}
        for item in self.items:
            check = current.get(item.pk)
            self.fields[f"check_{item.code}"] = forms.ChoiceField(
                label=item.name, required=False, choices=[("", "—"), *CheckResult.choices],
                initial=check.result if check else "")
            self.fields[f"note_{item.code}"] = forms.CharField(
                label=_("note"), required=False, max_length=200, initial=check.note if check else "")
        from jindu.common.forms import style_fields

        style_fields(self)

    def checks(self):
        return {item: (self.cleaned_data.get(f"check_{item.code}"), self.cleaned_data.get(f"note_{item.code}"))
                for item in self.items}

    def service_data(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class PhotoForm(JinduForm):
    image = forms.FileField(label=_("photo (JPEG or PNG, at most 10 MB)"))
    caption = forms.CharField(label=_("caption"), required=False, max_length=200)


class FlagAssignForm(JinduForm):
    assigned_to = forms.ModelChoiceField(label=_("assign to"), queryset=None)

    def __init__(self, *args, flag=None, **kwargs):
        super().__init__(*args, **kwargs)
        User = apps.get_model("core", "User")
        codes = flag.unit.region.path.strip("/").split("/") if flag else []
        self.fields["assigned_to"].queryset = User.objects.filter(
            is_active=True, region__code__in=codes,
            roles__code__in=["regional_officer", "prefecture_officer", "county_officer"]).distinct().order_by(
            "username")


class FlagResolveForm(JinduForm):
    resolution = forms.CharField(label=_("what was found"), widget=forms.Textarea(attrs={"rows": 3}))
    dismiss = forms.BooleanField(label=_("false alarm (dismiss)"), required=False)


class FlagInspectionForm(JinduForm):
    inspection = forms.ModelChoiceField(label=_("inspection"), queryset=Inspection.objects.none())

    def __init__(self, *args, flag=None, **kwargs):
        super().__init__(*args, **kwargs)
        if flag is not None:
            self.fields["inspection"].queryset = Inspection.objects.restrict(self.user).filter(unit=flag.unit)


class PeriodForm(JinduForm):
    date_from = forms.DateField(label=_("from"), widget=forms.DateInput)
    date_to = forms.DateField(label=_("to"), widget=forms.DateInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            raise forms.ValidationError(_("The period starts after it ends."))
        return cleaned
