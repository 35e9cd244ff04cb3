"""Sealed records (治安管理处罚法 2025 art. 136): who may open one, and the audited open.

A sealed row is not in ``Model.objects`` (``common.features.LiveManager``), so it is missing
from lists, search, exports, statistics and drill-downs, and its detail URL answers 404. Only
a user holding ``OPEN_SEALED_PERMISSION`` (granted to the case-handling roles in
``core/roles.py``) or the model's own ``<app>.open_sealed_<model>`` may open one, through
:class:`jindu.common.views.SealedRecordOpenView`, stating a reason and the case number; each
opening writes ``<app>.<model>.sealed_opened`` with both.
"""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .features import is_sealable
from .forms import JinduForm
from .scope import restrict_queryset

CASE_NUMBER_RE = re.compile(r"^[\w\-()（）〔〕\[\]/ ]{4,64}$")


def open_permission():
    return getattr(settings, "JINDU_OPEN_SEALED_PERMISSION", "core.open_sealed_records")


def can_open_sealed(user, model):
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    meta = model._meta
    return user.has_perm(open_permission()) or user.has_perm(f"{meta.app_label}.open_sealed_{meta.model_name}")


def sealed_queryset(model, user):
    """The sealed rows of ``model`` that ``user`` may open (view permission and region scope apply too)."""
    if not is_sealable(model) or not can_open_sealed(user, model):
        return model._base_manager.none()
    return restrict_queryset(model._base_manager.filter(sealed=True), user, "view")


class OpenSealedForm(JinduForm):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    case_number = forms.CharField(label=_("Case number"), max_length=64,
                                  help_text=_("The number of the case this access serves (办案)."))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 4:
            raise forms.ValidationError(_("State the reason for opening this sealed record."))
        return reason

    def clean_case_number(self):
        number = self.cleaned_data["case_number"].strip()
        if not CASE_NUMBER_RE.match(number):
            raise forms.ValidationError(_("Enter the case number as written on the case file."))
        return number
