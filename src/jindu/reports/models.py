from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jindu.common.models import JinduModel


class Bulletin(JinduModel):
    """One drafted work report: its parameters, the figures it used and hashes, so it can be reproduced.

    The figures are the statistics object of the engine at drafting time; ``fingerprint`` hashes them
    with the parameters (the same records give the same fingerprint); ``file_sha256`` hashes the file.
    """

    scope_field = "region"

    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    format = models.CharField(_("format"), max_length=8, choices=[("docx", "DOCX"), ("pdf", "PDF")])
    figures = models.JSONField(_("figures"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    file_sha256 = models.CharField(max_length=64)
    file = models.CharField(max_length=200)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")

    def __str__(self):
        return f"{self.region.name_zh} {self.date_from}–{self.date_to} ({self.format})"
