import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def english(client):
    """Messages are asserted in their English source form, whatever translations exist (pages too)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
