"""Base table (django-tables2): the first column links to the record."""

import django_tables2 as tables


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-vcenter card-table table-striped"}
        empty_text = ""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
