"""Forms of the outreach pages. Foreign-key choices are limited by ``restrict`` (JinduModelForm); the
services check everything again."""


from django import forms
from django.utils.translation import gettext_lazy as _

from jindu.common.forms import JinduForm, JinduModelForm, style_fields
from jindu.core.models import Organisation, Region

from .choices import ReviewResult
from .models import (
    BaseInspection,
    BaseUpgrade,
    BaseVisit,
    Campaign,
    ContestCriterion,
    ContestEntry,
    EducationBase,
    Event,
    ModelSchoolApplication,
    ModelSchoolReview,
    ReviewCriterion,
    School,
    SchoolActivity,
    VideoContest,
)
from .uploads import check_photo, check_video


class CampaignForm(JinduModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "theme", "region", "regions", "start_on", "end_on", "lead_unit", "member_units",
                  "target_events", "target_reached", "description"]
        widgets = {"start_on": forms.DateInput, "end_on": forms.DateInput}


class EventForm(JinduModelForm):
    class Meta:
        model = Event
        fields = ["ref", "campaign", "held_on", "region", "kind", "venue", "organiser", "activity_type", "reached",
                  "materials", "description", "outcomes", "related_record"]
        widgets = {"held_on": forms.DateInput}


class EventPhotoForm(JinduForm):
    image = forms.FileField(label=_("Photo"), help_text=_("JPEG, PNG, GIF or WebP; checked by its content."))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)

    def clean_image(self):
        upload = self.cleaned_data["image"]
        check_photo(upload)
        return upload


class SchoolForm(forms.ModelForm):
    """A school's profile; officers also edit the organisation's name, region and address (the region
    field is not a School field, so this form limits its choices itself instead of JinduModelForm)."""

    name = forms.CharField(label=_("Name"), max_length=128)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all())
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    class Meta:
        model = School
        fields = ["level", "students"]

    def __init__(self, *args, instance=None, user=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.user = user
        self.order_fields(["name", "region", "address", "level", "students"])
        if user is not None and user.scope_region is not None:
            self.fields["region"].queryset = Region.objects.filter(path__startswith=user.scope_region.path)
        if instance is not None and instance.pk:
            organisation = instance.organisation
            self.initial.update(name=organisation.name, region=organisation.region, address=organisation.address)
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False,
                                                        initial=instance.version)
        if user is not None and not user.has_perm("core.change_organisation"):
            for name in ("name", "region", "address"):
                self.fields.pop(name)
        style_fields(self)


class SchoolActivityForm(JinduModelForm):
    class Meta:
        model = SchoolActivity
        fields = ["school", "term", "activity", "held_on", "students", "campaign", "notes"]
        widgets = {"held_on": forms.DateInput}


class EducationBaseForm(JinduModelForm):
    class Meta:
        model = EducationBase
        fields = ["name", "region", "level", "managing_unit", "address", "area_m2", "opened_on", "description"]
        widgets = {"opened_on": forms.DateInput}


class BaseUpgradeForm(JinduModelForm):
    class Meta:
        model = BaseUpgrade
        fields = ["base", "title", "budget", "funded_by", "status", "started_on", "completed_on", "notes"]
        widgets = {"started_on": forms.DateInput, "completed_on": forms.DateInput}


class BaseVisitForm(JinduModelForm):
    class Meta:
        model = BaseVisit
        fields = ["base", "visited_on", "group", "visitors", "notes"]
        widgets = {"visited_on": forms.DateInput}


class BaseInspectionForm(JinduModelForm):
    class Meta:
        model = BaseInspection
        fields = ["base", "upgrade", "inspected_on", "inspectors", "findings", "follow_up", "follow_up_due",
                  "follow_up_done_on"]
        widgets = {"inspected_on": forms.DateInput, "follow_up_due": forms.DateInput,
                   "follow_up_done_on": forms.DateInput}


class ModelSchoolReviewForm(JinduModelForm):
    class Meta:
        model = ModelSchoolReview
        fields = ["name", "region", "year", "pass_mark", "description"]


class ReviewCriterionForm(JinduModelForm):
    class Meta:
        model = ReviewCriterion
        fields = ["review", "name", "weight", "max_score", "order"]


class ContestCriterionForm(JinduModelForm):
    class Meta:
        model = ContestCriterion
        fields = ["contest", "name", "weight", "max_score", "order"]


class ModelSchoolApplicationForm(JinduModelForm):
    class Meta:
        model = ModelSchoolApplication
        fields = ["review", "school", "applied_on", "statement"]
        widgets = {"applied_on": forms.DateInput}


class ScoreSheetForm(JinduForm):
    """One score field per criterion of a sheet (model-school review or video contest)."""

    def __init__(self, *args, criteria=(), judges=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        if judges is not None:
            self.fields["judge"] = forms.ModelChoiceField(
                label=_("Reviewer"), queryset=judges,
                help_text=_("Reviewers without an account whose paper sheet you type in."))
        for criterion in self.criteria:
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=_("{name} (weight {weight}, at most {max})").format(
                    name=criterion.name, weight=criterion.weight.normalize(), max=criterion.max_score.normalize()),
                min_value=0, max_value=criterion.max_score, max_digits=6, decimal_places=2,
            )
        style_fields(self)

    def scores(self):
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class DecisionForm(JinduForm):
    result = forms.ChoiceField(label=_("Result"), choices=[(ReviewResult.APPROVED, ReviewResult.APPROVED.label),
                                                           (ReviewResult.REJECTED, ReviewResult.REJECTED.label)])
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label=_("Decided"), widget=forms.DateInput, required=False)


class VideoContestForm(JinduModelForm):
    class Meta:
        model = VideoContest
        fields = ["name", "theme", "region", "opens_on", "closes_on", "select_count", "max_duration_seconds",
                  "description"]
        widgets = {"opens_on": forms.DateInput, "closes_on": forms.DateInput}


class JudgeForm(JinduForm):
    name = forms.CharField(label=_("Name"), max_length=64, required=False,
                           help_text=_("Defaults to the account's name."))
    username = forms.CharField(label=_("Account (username)"), max_length=150, required=False,
                               help_text=_("A judge with an account scores in the platform."))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Organisation.objects.all(), required=False,
                                  help_text=_("The judge cannot score entries of this unit. Defaults to the "
                                              "account's organisation."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if user is not None:
            self.fields["unit"].queryset = Organisation.objects.restrict(user)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("name") and not cleaned.get("username"):
            raise forms.ValidationError(_("Give a name or an account."))
        if cleaned.get("username"):
            from django.contrib.auth import get_user_model

            account = get_user_model().objects.filter(username=cleaned["username"], is_active=True).first()
            if account is None:
                self.add_error("username", _("No active account of this name."))
            cleaned["user"] = account
        return cleaned


class ReviewJudgeForm(JudgeForm):
    """A reviewer of a model-school review and the applications assigned to them."""

    applications = forms.ModelMultipleChoiceField(
        label=_("Assigned applications"), queryset=ModelSchoolApplication.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The reviewer scores only these; an application of their own school or unit is refused."))

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].help_text = _("The reviewer cannot score applications of this school or unit. "
                                          "Defaults to the account's organisation.")
        if review is not None:
            self.fields["applications"].queryset = ModelSchoolApplication.objects.filter(
                review=review).select_related("school__organisation")
        style_fields(self)


class ReviewAssignForm(JinduForm):
    applications = forms.ModelMultipleChoiceField(
        label=_("Assigned applications"), queryset=ModelSchoolApplication.objects.none(),
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None:
            self.fields["applications"].queryset = ModelSchoolApplication.objects.filter(
                review=review).select_related("school__organisation")
        style_fields(self)


class ContestEntryForm(JinduModelForm):
    video_file = forms.FileField(label=_("Video"), required=False,
                                 help_text=_("MP4, MOV or WebM; checked by its content, its running time read "
                                             "from the file against the contest's limit."))

    class Meta:
        model = ContestEntry
        fields = ["contest", "title", "author", "author_unit", "region", "submitted_on", "description"]
        widgets = {"submitted_on": forms.DateInput}

    def clean_video_file(self):
        upload = self.cleaned_data.get("video_file")
        if upload:
            check_video(upload)
        return upload
