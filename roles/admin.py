from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from roles.models import (
    Anchor,
    AssessmentArea,
    Dimension,
    Exercise,
    Role,
    RoleDraft,
    RolePublication,
    RubricVersion,
    ScaleLevel,
    Signal,
)


class LockedRubricMixin(admin.ModelAdmin[Any]):
    """A rubric version in use is frozen: the admin shows it but does not change it."""

    def _locked(self, obj: Model) -> bool:
        rubric = getattr(obj, "rubric", obj)
        return bool(getattr(rubric, "locked_at", None))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not (obj is not None and self._locked(obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and self._locked(obj))


class ScaleLevelInline(admin.TabularInline[ScaleLevel, RubricVersion]):
    model = ScaleLevel
    extra = 0


class AreaInline(admin.StackedInline[AssessmentArea, RubricVersion]):
    model = AssessmentArea
    extra = 0


class DimensionInline(admin.TabularInline[Dimension, RubricVersion]):
    model = Dimension
    extra = 0
    fields = ("position", "slug", "name")
    show_change_link = True


class ExerciseInline(admin.TabularInline[Exercise, RubricVersion]):
    model = Exercise
    extra = 0
    fields = ("position", "slug", "title", "format", "duration", "optional")
    show_change_link = True


class SignalInline(admin.TabularInline[Signal, RubricVersion]):
    model = Signal
    extra = 0


class AnchorInline(admin.TabularInline[Anchor, Dimension]):
    model = Anchor
    extra = 0


class RubricVersionInline(admin.TabularInline[RubricVersion, Role]):
    """A role's versions, listed; each is changed (while unlocked) on its own page, never from here."""

    model = RubricVersion
    extra = 0
    fields = ("number", "title", "level", "scale_min", "scale_max", "locked_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin[Role]):
    list_display = ("slug",)
    search_fields = ("slug", "rubrics__title")
    inlines = [RubricVersionInline]


@admin.register(RubricVersion)
class RubricVersionAdmin(LockedRubricMixin):
    list_display = ("title", "role", "number", "level", "source", "scale_min", "scale_max", "locked_at", "loaded_at")
    list_filter = ("role",)
    search_fields = ("title", "role__slug")
    readonly_fields = ("content_hash", "locked_at", "loaded_at")
    inlines = [ScaleLevelInline, AreaInline, DimensionInline, ExerciseInline, SignalInline]


@admin.register(Dimension)
class DimensionAdmin(LockedRubricMixin):
    list_display = ("name", "rubric", "position")
    list_filter = ("rubric__role",)
    inlines = [AnchorInline]


@admin.register(Exercise)
class ExerciseAdmin(LockedRubricMixin):
    list_display = ("title", "rubric", "format", "duration", "optional")
    list_filter = ("rubric__role",)
    filter_horizontal = ("dimensions",)


@admin.register(Signal)
class SignalAdmin(LockedRubricMixin):
    list_display = ("text", "kind", "rubric")
    list_filter = ("kind", "rubric__role")


@admin.register(RoleDraft)
class RoleDraftAdmin(admin.ModelAdmin[RoleDraft]):
    """Drafts are written in the role editor; the admin lists them and may delete an abandoned one."""

    list_display = ("__str__", "role", "based_on", "revision", "updated_by", "updated_at")
    readonly_fields = ("role", "based_on", "document", "kept_slugs", "revision", "created_by", "updated_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(RolePublication)
class RolePublicationAdmin(admin.ModelAdmin[RolePublication]):
    """The record of every publish from the web: read only."""

    list_display = ("at", "summary", "actor")
    list_filter = ("rubric__role",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
