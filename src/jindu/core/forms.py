from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from jindu.common.forms import JinduForm, JinduModelForm, style_fields

from .choices import RoleCode
from .models import Organisation, Region, User


class LoginForm(AuthenticationForm):
    error_messages = {
        # One message whether the user exists or not.
        "invalid_login": _("Wrong username or password. After 5 failures within 15 minutes the account is locked "
                           "for 15 minutes."),
        "inactive": _("Wrong username or password. After 5 failures within 15 minutes the account is locked "
                      "for 15 minutes."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")
        style_fields(self)


class OTPTokenForm(forms.Form):
    """A six-digit code from the authenticator app, or a recovery code (XXXXX-XXXXX)."""

    token = forms.CharField(label=_("Code"), max_length=16, strip=True, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class PasswordChangeForm(JinduForm):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput, strip=False)
    new_password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput, strip=False)
    new_password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput, strip=False)

    def clean_old_password(self):
        if not self.user.check_password(self.cleaned_data["old_password"]):
            raise forms.ValidationError(_("The current password is wrong."))
        return self.cleaned_data["old_password"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_password1") and cleaned.get("new_password1") != cleaned.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        if cleaned.get("new_password1") and cleaned.get("new_password1") == cleaned.get("old_password"):
            self.add_error("new_password1", _("The new password must differ from the current one."))
        return cleaned


class OrganisationForm(JinduModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "region", "parent", "address", "phone", "notes", "is_active"]


class UserForm(JinduModelForm):
    """One name field: Chinese and Tibetan names are not split into given and family name."""

    class Meta:
        model = User
        fields = ["username", "last_name", "email", "organisation", "region", "is_active"]
        labels = {"last_name": _("Full name")}


class UserRolesForm(JinduForm):
    region = forms.ModelChoiceField(label=_("Region scope"), queryset=Region.objects.all(), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=RoleCode.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class LanguageForm(forms.Form):
    language = forms.CharField(max_length=8)
    next = forms.CharField(required=False)
