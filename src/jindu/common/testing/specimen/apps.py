from django.apps import AppConfig


class SpecimenConfig(AppConfig):
    name = "jindu.common.testing.specimen"
    label = "specimen"
    default_auto_field = "django.db.models.BigAutoField"
