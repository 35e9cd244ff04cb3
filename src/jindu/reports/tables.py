import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jindu.common.tables import BaseTable

from .models import Bulletin


class BulletinTable(BaseTable):
    created = tables.DateTimeColumn(verbose_name=_("drafted"), format="Y-m-d H:i",
                                    linkify=("reports:bulletin", {"pk": tables.A("pk")}))
    fingerprint = tables.Column(verbose_name=_("fingerprint"))

    class Meta(BaseTable.Meta):
        model = Bulletin
        fields = ("created", "region", "date_from", "date_to", "format", "author", "fingerprint")

    def render_fingerprint(self, value):
        return value[:16]
