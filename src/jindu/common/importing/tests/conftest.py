import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source form, whatever translations exist."""
    with translation.override("en"):
        yield
