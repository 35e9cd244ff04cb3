import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded photos and videos go to a temporary data folder, never to the project's var/."""
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def english():
    """Service messages are asserted in English (the msgids), whatever the catalogues say."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def english_client(client, settings):
    """Pages of the test client in English (the msgids), whatever the catalogues translate."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
