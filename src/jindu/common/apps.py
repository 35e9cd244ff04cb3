from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Framework code shared by every app: no concrete models live here."""

    name = "jindu.common"
    label = "common"
