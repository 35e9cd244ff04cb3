"""Forms of the quiz: staff forms (question, quiz, rules, prizes, draw, imported counts) and the
participant's forms (phone, code, profile). Participant forms are plain (no Bootstrap classes): the
public pages have their own small stylesheet."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from jindu.common.forms import JinduForm, JinduModelForm

from .choices import MAX_OPTIONS, OPTION_LETTERS, QuestionKind
from .models import Question, QuestionCategory, Quiz, QuizDailyCount, QuizDrawRule, QuizPrize, nickname_validator

# --- Staff ------------------------------------------------------------------------------------


class QuestionCategoryForm(JinduModelForm):
    class Meta:
        model = QuestionCategory
        fields = ["code", "name_zh", "name_bo", "name_en"]


class QuestionForm(JinduModelForm):
    """A question with up to six options, each in Chinese and Tibetan, and a tick for the correct ones.
    True/false questions get their two fixed options whatever is typed."""

    class Meta:
        model = Question
        fields = ["ref", "region", "category", "kind", "difficulty", "text_zh", "text_bo", "explanation_zh",
                  "explanation_bo"]
        widgets = {"text_zh": forms.Textarea(attrs={"rows": 3}), "text_bo": forms.Textarea(attrs={"rows": 3}),
                   "explanation_zh": forms.Textarea(attrs={"rows": 2}),
                   "explanation_bo": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ref"].required = False
        self.fields["ref"].help_text = _("Leave empty to number the question automatically.")
        options = self.instance.options if self.instance.pk else []
        answer = set(self.instance.answer or []) if self.instance.pk else set()
        for index in range(MAX_OPTIONS):
            letter = OPTION_LETTERS[index]
            option = options[index] if index < len(options) else {}
            self.fields[f"option_{index}_zh"] = forms.CharField(
                label=_("Option {letter} (Chinese)").format(letter=letter), required=False, max_length=300,
                initial=option.get("zh", ""), widget=forms.TextInput(attrs={"class": "form-control"}))
            self.fields[f"option_{index}_bo"] = forms.CharField(
                label=_("Option {letter} (Tibetan)").format(letter=letter), required=False, max_length=600,
                initial=option.get("bo", ""), widget=forms.TextInput(attrs={"class": "form-control", "lang": "bo"}))
            self.fields[f"option_{index}_correct"] = forms.BooleanField(
                label=_("correct"), required=False, initial=index in answer,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
        self.fields["text_bo"].widget.attrs["lang"] = "bo"
        self.fields["explanation_bo"].widget.attrs["lang"] = "bo"

    def clean_ref(self):
        return self.cleaned_data.get("ref") or (self.instance.ref if self.instance.pk else "")

    def option_rows(self):
        return [(OPTION_LETTERS[i], self[f"option_{i}_zh"], self[f"option_{i}_bo"], self[f"option_{i}_correct"])
                for i in range(MAX_OPTIONS)]

    def clean(self):
        cleaned = super().clean()
        options, answer = question_options(cleaned)
        self.instance.options, self.instance.answer = options, answer
        return cleaned

    def _update_errors(self, errors):
        # Errors about ``options`` and ``answer`` (not fields of this form) are shown above the form.
        if hasattr(errors, "error_dict"):
            remapped = {}
            for name, messages in errors.error_dict.items():
                key = name if name in self.fields or name == NON_FIELD_ERRORS else NON_FIELD_ERRORS
                remapped.setdefault(key, []).extend(messages)
            errors = ValidationError(remapped)
        super()._update_errors(errors)


def question_options(data):
    """(options, answer) from the form's option fields: blank options are left out, ticks follow them."""
    options, answer = [], []
    if data.get("kind") == QuestionKind.TRUE_FALSE:
        for index in range(2):
            if data.get(f"option_{index}_correct"):
                answer.append(index)
        return [], answer
    for index in range(MAX_OPTIONS):
        zh, bo = (data.get(f"option_{index}_zh") or "").strip(), (data.get(f"option_{index}_bo") or "").strip()
        if not zh and not bo:
            continue
        if data.get(f"option_{index}_correct"):
            answer.append(len(options))
        options.append({"zh": zh, "bo": bo})
    return options, answer


def question_data(data):
    """Model field values from the form's cleaned data."""
    options, answer = question_options(data)
    fields = {key: value for key, value in data.items() if not key.startswith("option_")}
    fields["options"], fields["answer"] = options, answer
    return fields


class QuizForm(JinduModelForm):
    class Meta:
        model = Quiz
        fields = ["title", "title_bo", "code", "campaign", "region", "opens_at", "closes_at", "description",
                  "description_bo", "time_limit_seconds", "min_seconds_per_question", "timing_rule",
                  "attempts_per_day", "attempts_total", "pass_mark", "asks_region", "asks_school",
                  "eligible_regions"]
        widgets = {"opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "description": forms.Textarea(attrs={"rows": 3}),
                   "description_bo": forms.Textarea(attrs={"rows": 3, "lang": "bo"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Leave empty for a random code.")
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class DrawRuleForm(JinduModelForm):
    class Meta:
        model = QuizDrawRule
        fields = ["quiz", "category", "difficulty", "count"]


class PrizeForm(JinduModelForm):
    class Meta:
        model = QuizPrize
        fields = ["quiz", "name", "name_bo", "count", "min_score", "order"]


class QuizDailyCountForm(JinduModelForm):
    class Meta:
        model = QuizDailyCount
        fields = ["campaign", "day", "region", "attempts", "participants", "source"]
        widgets = {"day": forms.DateInput}


class DrawFreezeForm(JinduForm):
    seed_source = forms.CharField(
        label=_("Source of the seed"), max_length=300,
        help_text=_("Announce now where the seed will come from, e.g. “the winning numbers of the welfare lottery "
                    "draw of 5 July 2024”: a value nobody knows yet."))


class DrawRunForm(JinduForm):
    seed = forms.CharField(label=_("Seed"), max_length=300,
                           help_text=_("The value from the announced source, exactly as published."))


# --- Participants -----------------------------------------------------------------------------


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))

    def clean_phone(self):
        from .identity import normalise_phone

        return normalise_phone(self.cleaned_data["phone"])


class CodeForm(PhoneForm):
    code = forms.CharField(label=_("Code from the text message"), max_length=8,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget = forms.HiddenInput()


class ProfileForm(forms.Form):
    """Only what a quiz needs: a nickname, and the region and school for the figures and the prize draw.
    Under-14s give nothing else, with a parent's or guardian's consent. No names, no ID numbers."""

    nickname = forms.CharField(label=_("Nickname"), max_length=32, validators=[nickname_validator],
                               help_text=_("Shown on your results; not your real name."))
    under_14 = forms.BooleanField(label=_("I am under 14"), required=False)
    guardian_consent = forms.BooleanField(
        label=_("My parent or guardian agrees that I take part"), required=False)
    region = forms.ChoiceField(label=_("County or district"), required=False)
    school = forms.ChoiceField(label=_("School"), required=False)
    school_name = forms.CharField(label=_("School not in the list"), max_length=128, required=False)

    def __init__(self, data=None, *, participant, region_hint=None, **kwargs):
        from django.utils import translation

        from jindu.core.models import Region

        from ..models import School

        self.participant = participant
        initial = {"nickname": participant.nickname, "under_14": participant.under_14,
                   "guardian_consent": bool(participant.guardian_consent_at),
                   "region": participant.region.code if participant.region_id else "",
                   "school": str(participant.school_id or ""), "school_name": participant.school_name}
        if region_hint:
            initial["region"] = region_hint
        super().__init__(data, initial=initial, **kwargs)
        tibetan = (translation.get_language() or "").startswith("bo")
        regions = list(Region.objects.filter(level__in=["prefecture", "county"]).order_by("code"))
        groups, current = [], None
        for region in regions:
            label = region.name_bo if tibetan and region.name_bo else region.name_zh
            if region.level == "prefecture":
                current = (label, [])
                groups.append(current)
            elif current is not None:
                current[1].append((region.code, label))
        self.fields["region"].choices = [("", "—")] + groups
        self.fields["region"].widget.attrs["data-refresh"] = ""
        self.regions = {region.code: region for region in regions}
        code = (self.data.get("region") if self.is_bound else None) or initial.get("region") or ""
        schools = School.objects.filter(organisation__region__code=code).select_related("organisation") \
            .order_by("organisation__name") if code else []
        self.fields["school"].choices = [("", "—")] + [(str(s.pk), s.organisation.name) for s in schools]
        self.schools = {str(s.pk): s for s in schools}

    def clean_region(self):
        code = self.cleaned_data.get("region") or ""
        region = self.regions.get(code)
        if code and (region is None or region.level != "county"):
            raise ValidationError(_("Choose a county or district."))
        return region

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("under_14") and not cleaned.get("guardian_consent"):
            self.add_error("guardian_consent", _("A parent or guardian must agree for an under-14."))
        school = self.schools.get(cleaned.get("school") or "")
        if school is not None and cleaned.get("region") is not None and \
                school.organisation.region_id != cleaned["region"].pk:
            self.add_error("school", _("This school is in another county."))
        cleaned["school_obj"] = school
        return cleaned

    def profile(self):
        data = self.cleaned_data
        return {"nickname": data["nickname"].strip(), "under_14": data["under_14"],
                "guardian_consent": data["guardian_consent"], "region": data.get("region"),
                "school": data.get("school_obj"), "school_name": data.get("school_name", "").strip()}
