"""Field-level rules: which fields of a record a user receives, in pages, the API and exports.

A model names the category of each protected field::

    class Person(...):
        field_categories = {"id_number": "identity", "phone": "identity", "address": "identity",
                            "drug_history": "drug_use", "narrative": "case"}

Fields without a category are general: whoever may view the record receives them. A field of
category ``c`` goes only to users holding ``core.read_<c>_data`` (the pattern is the setting
``JINDU_FIELD_CATEGORY_PERMISSION``); ``core/roles.py`` grants these to the officer and leader
roles and to none of the school, company and community-worker roles. The result is an explicit
per-role allowlist of fields (:func:`allowed_fields`), used by:

- ``ObjectListView`` (table columns) and ``ObjectDetailView`` (the default field list);
- :class:`FieldRulesSchema` for API output schemas (unreadable keys are left out of the JSON);
- the export engine (``common.importing``: unreadable columns are left out of the file);
- templates: ``{% load jindu %}{% if object|readable:"phone" %}`` (needs ``request`` in context).
"""

from django.conf import settings
from ninja import Schema
from pydantic import model_serializer

CATEGORIES = ("identity", "drug_use", "case", "contact", "internal")


def category_permission(category):
    pattern = getattr(settings, "JINDU_FIELD_CATEGORY_PERMISSION", "core.read_{category}_data")
    return pattern.format(category=category)


def field_category(model, field_name):
    """The category of ``field_name`` (a model field name, or its ``_id`` attname); "" when general."""
    categories = getattr(model, "field_categories", {}) or {}
    if field_name in categories:
        return categories[field_name]
    if field_name.endswith("_id") and field_name[:-3] in categories:
        return categories[field_name[:-3]]
    return ""


def readable(user, model, field_name):
    category = field_category(model, field_name)
    if not category:
        return True
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.has_perm(category_permission(category)))


def hidden_fields(user, model):
    """Names of ``model``'s protected fields that ``user`` does not receive."""
    categories = getattr(model, "field_categories", {}) or {}
    return {name for name in categories if not readable(user, model, name)}


def allowed_fields(user, model, fields=None):
    """The allowlist: ``fields`` (default: every concrete field) that ``user`` receives, in order."""
    if fields is None:
        fields = [field.name for field in model._meta.concrete_fields]
    return [name for name in fields if readable(user, model, name)]


def strip(user, model, data, field_map=None):
    """``data`` (a dict of output keys) without the keys of fields ``user`` does not receive.

    ``field_map`` maps output keys to model field names where they differ (``{"region_code": "region"}``).
    """
    field_map = field_map or {}
    return {key: value for key, value in data.items() if readable(user, model, field_map.get(key, key))}


class FieldRulesSchema(Schema):
    """Base of API output schemas of a model with protected fields: keys the requesting user may not
    receive are left out of the JSON (the request comes from django-ninja's serialisation context).

        class PersonOut(FieldRulesSchema):
            field_rules_model: ClassVar = Person
            field_rules_map: ClassVar = {"id_number_full": "id_number"}
    """

    @model_serializer(mode="wrap")
    def _apply_field_rules(self, handler, info):
        data = handler(self)
        model = getattr(type(self), "field_rules_model", None)
        if model is None or not isinstance(data, dict):
            return data
        request = (info.context or {}).get("request") if info is not None else None
        user = getattr(request, "user", None)
        return strip(user, model, data, getattr(type(self), "field_rules_map", None))
