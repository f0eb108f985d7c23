"""Writes to the rubric library: loading fixtures and locking versions in use."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from roles.blueprints import BlueprintError, Problem, blueprint_read, rubric_hash
from roles.models import Anchor, AssessmentArea, Dimension, Exercise, Role, RubricVersion, ScaleLevel, Signal


@dataclass(frozen=True)
class LoadOutcome:
    file: str
    role: str
    version: int
    action: str  # "created", "updated", "unchanged"

    def __str__(self) -> str:
        return f"{self.file}: {self.role} rubric v{self.version} {self.action}"


def default_fixture_paths() -> list[Path]:
    return sorted(Path(settings.ROLE_FIXTURES_DIR).glob("*.json"))


def roles_load(*, paths: list[Path]) -> list[LoadOutcome]:
    """Validate every file, then load them all in one transaction, or nothing at all."""
    documents: list[tuple[str, dict]] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            documents.append((str(path), blueprint_read(path)))
        except BlueprintError as error:
            problems.extend(error.problems)
    slugs: dict[str, str] = {}
    for file, document in documents:
        slug = document["role"]["slug"]
        if slug in slugs:
            problems.append(Problem(file, "role", "slug", f'"{slug}" is also the slug of {slugs[slug]}'))
        slugs[slug] = file
    if problems:
        raise BlueprintError(problems)
    with transaction.atomic():
        return [role_load(document=document, file=file) for file, document in documents]


def role_load(*, document: dict, file: str) -> LoadOutcome:
    """Create or update one role and its rubric version from a validated document.

    Reloading an unchanged rubric changes nothing. A changed rubric replaces its
    version's content while no scorecard uses it; a locked version is refused.
    """
    data = document["role"]
    number = document["rubric"]["version"]
    content_hash = rubric_hash(document)
    role = Role.objects.filter(slug=data["slug"]).first() or Role(slug=data["slug"])
    for field in ("title", "level", "purpose", "source"):
        setattr(role, field, data[field])
    _save(role, file, "role")

    rubric = role.rubrics.filter(number=number).first()
    latest = role.rubrics.order_by("-number").values_list("number", flat=True).first()
    if rubric is None:
        if latest is not None and number < latest:
            raise BlueprintError(
                [Problem(file, "rubric", "version", f"{number} is older than the loaded version {latest}")]
            )
        rubric = RubricVersion(role=role, number=number)
        action = "created"
    elif rubric.content_hash == content_hash:
        return LoadOutcome(file, role.slug, number, "unchanged")
    elif latest is not None and number < latest:
        raise BlueprintError(
            [
                Problem(
                    file,
                    "rubric",
                    "version",
                    f"version {number} of {role.slug} is superseded by version {latest} and cannot change; "
                    f"load the changed rubric as version {latest + 1}",
                )
            ]
        )
    elif rubric.is_locked:
        raise BlueprintError(
            [
                Problem(
                    file,
                    "rubric",
                    "version",
                    f"version {number} of {role.slug} is used by scorecards (locked {rubric.locked_at:%Y-%m-%d}) "
                    f"and cannot change; load the changed rubric as version {(latest or number) + 1}",
                )
            ]
        )
    else:
        try:
            for related in (rubric.scale_levels, rubric.areas, rubric.exercises, rubric.dimensions, rubric.signals):
                related.all().delete()
        except ProtectedError as error:
            raise BlueprintError(
                [Problem(file, "rubric", "version", f"version {number} of {role.slug} is in use and cannot change")]
            ) from error
        action = "updated"
    _fill_rubric(rubric, document["rubric"], content_hash, file)
    return LoadOutcome(file, role.slug, number, action)


def _fill_rubric(rubric: RubricVersion, data: dict, content_hash: str, file: str) -> None:
    scale = data["scale"]
    rubric.scale_min, rubric.scale_max = scale["min"], scale["max"]
    rubric.scale_rationale = scale["rationale"]
    rubric.content_hash = content_hash
    _save(rubric, file, "rubric")
    for value in rubric.scale_values:
        _save(ScaleLevel(rubric=rubric, value=value, label=scale["labels"][str(value)]), file, "scale")
    for position, area in enumerate(data["areas"]):
        _save(
            AssessmentArea(rubric=rubric, position=position, name=area["name"], questions="\n".join(area["questions"])),
            file,
            f'area "{area["name"]}"',
        )
    dimensions: dict[str, Dimension] = {}
    for position, item in enumerate(data["dimensions"]):
        where = f'dimension "{item["name"]}"'
        dimension = Dimension(
            rubric=rubric,
            slug=item["slug"],
            position=position,
            name=item["name"],
            description=item["description"],
            weight=item["weight"],
        )
        _save(dimension, file, where)
        dimensions[dimension.slug] = dimension
        for anchor in item["anchors"]:
            _save(
                Anchor(dimension=dimension, level=anchor["level"], text=anchor["text"], source=anchor["source"]),
                file,
                where,
            )
    for position, item in enumerate(data["exercises"]):
        exercise = Exercise(
            rubric=rubric,
            slug=item["slug"],
            position=position,
            title=item["title"],
            format=item["format"],
            duration=item["duration"],
            optional=item["optional"],
            brief=item["brief"],
            ask_for="\n".join(item["ask_for"]),
        )
        _save(exercise, file, f'exercise "{item["title"]}"')
        exercise.dimensions.set([dimensions[slug] for slug in item["dimensions"]])
    for position, item in enumerate(data["signals"]):
        _save(Signal(rubric=rubric, kind=item["kind"], position=position, text=item["text"]), file, "signal")


def _save(instance, file: str, where: str) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise BlueprintError(
            [Problem(file, where, field, " ".join(messages)) for field, messages in error.message_dict.items()]
        ) from error
    instance.save()


def rubric_lock(*, rubric: RubricVersion) -> None:
    """Freeze a rubric version: called when a scorecard first pins it."""
    if rubric.locked_at is None:
        RubricVersion.objects.filter(pk=rubric.pk, locked_at__isnull=True).update(locked_at=timezone.now())
        rubric.refresh_from_db(fields=["locked_at"])
