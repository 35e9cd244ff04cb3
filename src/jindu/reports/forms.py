from django import forms
from django.utils.translation import gettext_lazy as _

from jindu.common.forms import JinduForm
from jindu.core.models import Region

from .selectors import FIGURES


class PeriodForm(JinduForm):
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput)
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
    figure = forms.ChoiceField(label=_("Map shows"), required=False,
                               choices=[(path, label) for path, label, _unit in FIGURES if path != "persons.test_rate"])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        scope = getattr(user, "scope_region", None)
        # A region and its prefectures (counties are reached through their prefecture's map).
        if scope is None:
            self.fields["region"].queryset = Region.objects.none()
        elif scope.level == "county":
            self.fields["region"].queryset = Region.objects.filter(pk=scope.pk)
        else:
            self.fields["region"].queryset = Region.objects.filter(path__startswith=scope.path).exclude(level="county")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The period starts after it ends."))
        return cleaned


class BulletinForm(PeriodForm):
    format = forms.ChoiceField(label=_("Format"), choices=[("docx", _("Word (DOCX)")), ("pdf", "PDF")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["figure"]


class UnodcExportForm(JinduForm):
    """The year (and region) of the UNODC individual seizures file."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        scope = getattr(user, "scope_region", None)
        self.fields["region"].queryset = (
            Region.objects.filter(path__startswith=scope.path).exclude(level="county")
            if scope is not None and scope.level != "county" else Region.objects.filter(pk=getattr(scope, "pk", None))
        )
