"""Password and identifier validators of the core app."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class CharacterClassValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = [r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]"]
        found = sum(1 for pattern in classes if re.search(pattern, password))
        if found < self.min_classes:
            raise ValidationError(
                _("The password must mix at least {n} of: lower-case letters, upper-case letters, digits, "
                  "symbols.").format(n=self.min_classes),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("Mix at least {n} of: lower-case letters, upper-case letters, digits, symbols.").format(
            n=self.min_classes
        )
