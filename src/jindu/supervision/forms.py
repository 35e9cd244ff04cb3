"""Forms of coordination work. Choices are limited with ``restrict`` (JinduModelForm); services check again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jindu.common.forms import JinduForm, JinduModelForm, style_fields
from jindu.core.choices import OrganisationKind

from . import access
from .choices import CheckResult, ReviewDecision, ScoringMethod, VisitStatus
from .models import AssessmentItem, AssessmentScheme, PlanItem, Task, Visit, WorkPlan


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one field (each is type-checked by the service)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


EVIDENCE_HELP = _("PDF, DOCX, XLSX, JPEG or PNG; at most 20 MB each.")


def _offices(field):
    field.queryset = field.queryset.filter(kind=OrganisationKind.NCC_OFFICE)


def _assignable(field):
    field.queryset = field.queryset.filter(kind__in=access.ASSIGNABLE_KINDS, is_active=True)


def _default_issuer(form, user):
    if not form.instance.pk and getattr(user, "organisation", None) is not None \
            and user.organisation.kind == OrganisationKind.NCC_OFFICE:
        form.fields["issuer"].initial = user.organisation.pk


class WorkPlanForm(JinduModelForm):
    document = forms.FileField(
        label=_("document"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
        help_text=_("The signed plan as PDF or DOCX (checked by content, at most 20 MB)."),
    )

    class Meta:
        model = WorkPlan
        fields = ["title", "document_no", "issuer", "period_start", "period_end", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        _offices(self.fields["issuer"])
        _default_issuer(self, user)


class PlanItemForm(JinduModelForm):
    class Meta:
        model = PlanItem
        fields = ["plan", "position", "duty", "units", "regions", "target_text", "metric", "target_value",
                  "deadline"]
        widgets = {"duty": forms.Textarea(attrs={"rows": 3}), "units": forms.SelectMultiple(attrs={"size": 8}),
                   "regions": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["plan"].queryset = WorkPlan.objects.restrict(user, "change")
        _assignable(self.fields["units"])


class TaskForm(JinduModelForm):
    """An ad hoc task (tasks of a plan are generated from its items)."""

    class Meta:
        model = Task
        fields = ["title", "description", "issuer", "assignee", "region", "start_on", "deadline", "target_text",
                  "metric", "target_value"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        _offices(self.fields["issuer"])
        _assignable(self.fields["assignee"])
        _default_issuer(self, user)


class RectificationForm(JinduModelForm):
    """A rectification item of a visit: what, who (any unit: a school, a base, a member unit), by when."""

    class Meta:
        model = Task
        fields = ["title", "description", "assignee", "deadline"]
        labels = {"title": _("rectification item"), "assignee": _("owner")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["assignee"].queryset = self.fields["assignee"].queryset.filter(is_active=True)


class ReportForm(JinduForm):
    text = forms.CharField(label=_("Progress report"), widget=forms.Textarea(attrs={"rows": 4}))
    final = forms.BooleanField(label=_("The task is done: submit for acceptance"), required=False)
    files = MultipleFileField(label=_("Evidence files"), help_text=EVIDENCE_HELP)


class ReviewForm(JinduForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (ReviewDecision.ACCEPTED, _("Accept")), (ReviewDecision.RETURNED, _("Return for more work"))])
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Required when returning: say what is missing."))


class VisitForm(JinduModelForm):
    checklist = forms.CharField(
        label=_("Checklist"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One checklist item per line; results are entered on the checklist page."),
    )

    class Meta:
        model = Visit
        fields = ["title", "issuer", "region", "unit", "site", "start_on", "end_on", "leader", "team", "purpose",
                  "findings", "status"]
        widgets = {"team": forms.Textarea(attrs={"rows": 3}), "purpose": forms.Textarea(attrs={"rows": 3}),
                   "findings": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        _offices(self.fields["issuer"])
        _default_issuer(self, user)
        self.fields["status"].choices = [(code, label) for code, label in VisitStatus.choices
                                         if code != VisitStatus.CLOSED]
        if self.instance.pk:
            del self.fields["checklist"]


class ChecklistRowForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    item = forms.CharField(label=_("checklist item"), max_length=300, required=False)
    result = forms.ChoiceField(label=_("result"), choices=[("", "—"), *CheckResult.choices], required=False)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 1}))
    delete = forms.BooleanField(label=_("delete"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


ChecklistFormSet = forms.formset_factory(ChecklistRowForm, extra=3, max_num=200)


class CloseForm(JinduForm):
    note = forms.CharField(label=_("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentsForm(JinduForm):
    files = MultipleFileField(label=_("Evidence files"), help_text=EVIDENCE_HELP)


class AssessmentSchemeForm(JinduModelForm):
    class Meta:
        model = AssessmentScheme
        fields = ["year", "title", "issuer", "subject_kind", "units", "period_start", "period_end", "notes"]
        widgets = {"units": forms.SelectMultiple(attrs={"size": 8}), "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"units": _("Only for schemes that assess member units.")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        _offices(self.fields["issuer"])
        _default_issuer(self, user)
        self.fields["units"].queryset = self.fields["units"].queryset.filter(kind__in=access.MEMBER_UNIT_KINDS)


class AssessmentItemForm(JinduModelForm):
    class Meta:
        model = AssessmentItem
        fields = ["scheme", "position", "title", "max_points", "method", "metric", "target_value", "step",
                  "deduction", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["scheme"].queryset = AssessmentScheme.objects.restrict(user, "change").filter(status="draft")


class ScoreEntryEditForm(JinduForm):
    points = forms.DecimalField(label=_("points deducted"), max_digits=6, decimal_places=2, min_value=0.01)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ScoreEntryForm(JinduForm):
    item = forms.ModelChoiceField(label=_("assessment item"), queryset=AssessmentItem.objects.none())
    points = forms.DecimalField(label=_("points deducted"), max_digits=6, decimal_places=2, min_value=0.01)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Evidence files"), help_text=EVIDENCE_HELP)

    def __init__(self, *args, scheme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = scheme.items.filter(voided=False, method=ScoringMethod.MANUAL)

