from django.db import models

from jindu.common.crypto import EncryptedTextField, blind_index
from jindu.common.features import SealableModel, VersionedModel, VoidableModel
from jindu.common.models import JinduModel


class Specimen(VoidableModel, VersionedModel, SealableModel, JinduModel):
    """A record about a person, as a domain model would declare one."""

    scope_field = "region"
    audit_views = True
    audit_masked_fields = ("id_number", "phone")
    field_categories = {"id_number": "identity", "phone": "identity", "history": "drug_use", "narrative": "case"}

    name = models.CharField(max_length=64)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    id_number = EncryptedTextField(blank=True, default="")
    id_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    phone = EncryptedTextField(blank=True, default="")
    history = models.TextField(blank=True)
    narrative = EncryptedTextField(blank=True, default="")
    violation_closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.id_hash = blind_index(self.id_number.upper()) if self.id_number else None
        super().save(*args, **kwargs)

    @classmethod
    def sealing_due(cls):
        """The law's rule as a domain app would configure it: closed violations are sealed."""
        return cls.objects.filter(violation_closed_on__isnull=False)
