"""Base forms: Bootstrap classes, the acting user, scope-limited choices, the edited version."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .features import is_sealable, is_versioned, is_voidable


def live(queryset):
    """``queryset`` without voided and sealed rows (for choices offered to a user)."""
    model = queryset.model
    if is_voidable(model):
        queryset = queryset.filter(voided=False)
    if is_sealable(model):
        queryset = queryset.filter(sealed=False)
    return queryset


def style_fields(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"


class JinduModelForm(forms.ModelForm):
    """A model form that knows its user: foreign-key choices are limited with ``restrict``.

    Region choices are further limited to the user's scope, so that nobody can pick a region
    outside it (the service checks again). Voided and sealed records are never offered. Editing
    a record of a versioned model carries its version in a hidden ``version`` field, which
    ``object_update`` compares with the stored one (a stale edit is refused).
    """

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and user is not None:
                model_field = self._meta.model._meta.get_field(name)
                related = model_field.related_model
                queryset = live(field.queryset)
                if hasattr(queryset, "restrict"):
                    queryset = queryset.restrict(user, "view")
                if related._meta.label == "core.Region" and getattr(user, "scope_region", None) is not None:
                    queryset = queryset.filter(path__startswith=user.scope_region.path)
                field.queryset = queryset
        if is_versioned(self._meta.model) and self.instance.pk is not None and "version" not in self.fields:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False,
                                                        initial=self.instance.version)
        style_fields(self)

    def clean(self):
        cleaned = super().clean()
        if "version" in self.fields and self.is_bound and cleaned.get("version") is None:
            raise forms.ValidationError(
                _("This form is out of date: reload the page and make your changes again."), code="no_version")
        return cleaned


class JinduForm(forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        style_fields(self)


__all__ = ["JinduModelForm", "JinduForm", "models"]
