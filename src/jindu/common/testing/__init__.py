"""Generic test helpers (STYLE rule 11): factories and mixins that test access rules for any model.

A model's tests declare data; the mixins test anonymous, no-permission, permitted and
other-region (404) access. See docs/development/adding-models.md.
"""

from .helpers import TEST_PASSWORD, create_user, region  # noqa: F401
from .views import ScopedModelViewTests  # noqa: F401
