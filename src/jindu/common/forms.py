"""Base forms: Bootstrap classes, the acting user, scope-limited choices."""

from django import forms
from django.db import models


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
    outside it (the service checks again).
    """

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and user is not None:
                model_field = self._meta.model._meta.get_field(name)
                related = model_field.related_model
                queryset = field.queryset
                if hasattr(queryset, "restrict"):
                    queryset = queryset.restrict(user, "view")
                if related._meta.label == "core.Region" and getattr(user, "scope_region", None) is not None:
                    queryset = queryset.filter(path__startswith=user.scope_region.path)
                field.queryset = queryset
        style_fields(self)


class JinduForm(forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        style_fields(self)


__all__ = ["JinduModelForm", "JinduForm", "models"]
