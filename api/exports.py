"""The loop-summary and ratings exports as JSON objects, and their serializers for the schema.

Both come from the columns of `hiring.export_columns`: the rows are `hiring.exports`' own JSON
objects (the JSON file's loops are the same objects), and each column's type and description
becomes a serializer field, so the schema lists exactly the keys the rows hold.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from hiring import exports
from hiring.export_columns import Column, Group
from hiring.models import Loop
from hiring.selectors.pipeline import DimensionColumn

FIELDS: dict[str, type[serializers.Field[Any, Any, Any, Any]]] = {
    "integer": serializers.IntegerField,
    "number": serializers.FloatField,
    "string": serializers.CharField,
    "boolean": serializers.BooleanField,
    "date": serializers.DateField,
    "date-time": serializers.DateTimeField,
}


def summary_objects(loops: QuerySet[Loop], columns: list[DimensionColumn]) -> Iterator[dict[str, Any]]:
    return exports.summary_objects(loops, columns)


def rating_objects(loops: QuerySet[Loop]) -> Iterator[dict[str, Any]]:
    return exports.rating_objects(loops)


def _field(type_: str, *, nullable: bool, description: str) -> serializers.Field[Any, Any, Any, Any]:
    options: dict[str, Any] = {"help_text": description or None}
    if nullable:
        options["allow_null"] = True
    if type_ == "string":
        options["allow_blank"] = True
    return FIELDS[type_](**options)


def row_serializer(
    name: str, columns: Sequence[Column], groups: Sequence[Group] = ()
) -> type[serializers.Serializer[Any]]:
    """A serializer class (for the schema) with a field per column, each group a nested object."""
    fields: dict[str, Any] = {}
    members: dict[str, dict[str, Any]] = {group.key: {} for group in groups}
    for column in columns:
        field = _field(column.type, nullable=column.nullable, description=column.description)
        (members.setdefault(column.group, {}) if column.group else fields)[column.json_key] = field
    for group in groups:
        if group.open_type:
            child = _field(group.open_type, nullable=group.nullable, description="")
            fields[group.key] = serializers.DictField(child=child, help_text=group.description)
        else:
            title = name.removesuffix("Serializer") + group.key.title().replace("_", "") + "Serializer"
            nested = type(title, (serializers.Serializer,), members[group.key])
            fields[group.key] = nested(help_text=group.description)
    return type(name, (serializers.Serializer,), fields)
