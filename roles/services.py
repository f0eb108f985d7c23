"""Writes to the rubric library: loading fixtures, locking versions in use, recording publishes from the web."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from roles.blueprints import (
    BlueprintError,
    Problem,
    blueprint_complete,
    blueprint_read,
    blueprint_warnings,
    rubric_hash,
    rubric_hash_before_optional_fields,
)
from roles.models import (
    Anchor,
    AssessmentArea,
    Dimension,
    Exercise,
    Question,
    Role,
    RolePublication,
    RubricVersion,
    ScaleLevel,
    Signal,
)
from roles.signals import rubric_published

VERSION_WORDS = ("title", "level", "purpose", "source")


@dataclass(frozen=True)
class LoadOutcome:
    file: str
    role: str
    version: int
    action: str  # "created", "updated", "unchanged"
    warnings: tuple[Problem, ...] = ()

    def __str__(self) -> str:
        return f"{self.file}: {self.role} rubric v{self.version} {self.action}"


def default_fixture_paths() -> list[Path]:
    """Every fixture under the fixtures folder, in its subfolders too (`<role-slug>/v<N>.json`)."""
    return sorted(Path(settings.ROLE_FIXTURES_DIR).glob("**/*.json"))


def roles_load(*, paths: list[Path], retitle: bool = False) -> list[LoadOutcome]:
    """Validate every file, then load them all in one transaction, or nothing at all.

    The versions of a role are loaded in version order, whatever the order of the files. A
    file that would give a role already in the library a new title is refused unless
    `retitle` confirms it: a copied fixture whose slug was left unchanged would otherwise
    quietly become the next version of another role.
    """
    documents: list[tuple[str, dict[str, Any]]] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            documents.append((str(path), blueprint_read(path)))
        except BlueprintError as error:
            problems.extend(error.problems)
    problems.extend(_same_version_problems(documents))
    if problems:
        raise BlueprintError(problems)
    documents.sort(key=lambda item: (item[1]["role"]["slug"], item[1]["rubric"]["version"]))
    with transaction.atomic():
        if not retitle and (retitles := _retitle_problems(documents)):
            raise BlueprintError(retitles)
        return [
            replace(role_load(document=document, file=file), warnings=tuple(blueprint_warnings(document, file=file)))
            for file, document in documents
        ]


def _same_version_problems(documents: list[tuple[str, dict[str, Any]]]) -> list[Problem]:
    files: dict[tuple[str, int], str] = {}
    problems = []
    for file, document in documents:
        key = (document["role"]["slug"], document["rubric"]["version"])
        if key in files:
            problems.append(
                Problem(
                    file,
                    "rubric",
                    "version",
                    f"{key[0]} version {key[1]} is also in {files[key]}; each version of a role needs its own number",
                )
            )
        else:
            files[key] = file
    return problems


def _retitle_problems(documents: list[tuple[str, dict[str, Any]]]) -> list[Problem]:
    """Files that would become (or replace) a role's newest version under a title other than the stored one."""
    slugs = {document["role"]["slug"] for _, document in documents}
    newest: dict[str, tuple[int, str]] = {}
    for slug, number, title in (
        RubricVersion.objects.filter(role__slug__in=slugs)
        .order_by("role__slug", "-number")
        .values_list("role__slug", "number", "title")
    ):
        newest.setdefault(slug, (number, title))
    problems = []
    for file, document in documents:
        slug, title = document["role"]["slug"], document["role"]["title"]
        if slug not in newest:
            continue
        number, stored = newest[slug]
        if document["rubric"]["version"] >= number and title != stored:
            problems.append(
                Problem(
                    file,
                    "role",
                    "title",
                    f'"{title}" differs from "{stored}", the title of {slug} (version {number}). '
                    f"If this is another role, give it its own slug; "
                    f"to retitle {slug} from this version on, load it with --retitle",
                )
            )
    return problems


def rubric_unchanged(rubric: RubricVersion, document: dict[str, Any]) -> bool:
    """Whether a stored version already holds the document's words and rubric.

    A version stored before the format had optional fields carries the fingerprint of the rubric as the old
    format wrote it; that counts as the same content too."""
    document = blueprint_complete(document)
    words = {field: document["role"][field] for field in VERSION_WORDS}
    if any(getattr(rubric, key) != value for key, value in words.items()):
        return False
    return rubric.content_hash in {rubric_hash(document), rubric_hash_before_optional_fields(document)}


def role_load(*, document: dict[str, Any], file: str) -> LoadOutcome:
    """Create or update one role's rubric version from a validated document.

    Reloading an unchanged version changes nothing. A changed version (its words or its
    rubric) is replaced while no scorecard uses it and no newer version exists; otherwise
    it is refused, naming the version to load instead.
    """
    document = blueprint_complete(document)
    data = document["role"]
    number = document["rubric"]["version"]
    content_hash = rubric_hash(document)
    words = {field: data[field] for field in VERSION_WORDS}
    role = Role.objects.filter(slug=data["slug"]).first()
    if role is None:
        role = Role(slug=data["slug"])
        _save(role, file, "role")

    rubric = role.rubrics.filter(number=number).first()
    latest = role.rubrics.order_by("-number").values_list("number", flat=True).first()
    if rubric is not None and rubric_unchanged(rubric, document):
        if rubric.content_hash != content_hash:  # stored under the old format's fingerprint: keep the current one
            RubricVersion.objects.filter(pk=rubric.pk).update(content_hash=content_hash)
        return LoadOutcome(file, role.slug, number, "unchanged")
    if (refusal := _change_refusal(rubric, role=role, number=number, latest=latest)) is not None:
        raise BlueprintError([Problem(file, "rubric", "version", refusal)])
    action = "created" if rubric is None else "updated"
    rubric = rubric or RubricVersion(role=role, number=number)
    for field, value in words.items():
        setattr(rubric, field, value)
    if rubric.pk is not None and rubric.content_hash == content_hash:
        _save(rubric, file, "role")
        return LoadOutcome(file, role.slug, number, action)
    if rubric.pk is not None:
        try:
            for related in (
                rubric.questions,
                rubric.signals,
                rubric.scale_levels,
                rubric.areas,
                rubric.exercises,
                rubric.dimensions,
            ):
                related.all().delete()
        except ProtectedError as error:
            raise BlueprintError(
                [Problem(file, "rubric", "version", f"version {number} of {role.slug} is in use and cannot change")]
            ) from error
    _fill_rubric(rubric, document["rubric"], content_hash, file)
    return LoadOutcome(file, role.slug, number, action)


def _change_refusal(rubric: RubricVersion | None, *, role: Role, number: int, latest: int | None) -> str | None:
    """Why this version cannot be created or changed, if so: older than or superseded by a newer one, or locked."""
    if latest is None or (rubric is None and number > latest):
        return None
    if rubric is None:
        return f"{number} is older than the loaded version {latest}"
    if number < latest:
        return (
            f"version {number} of {role.slug} is superseded by version {latest} and cannot change; "
            f"load the changed rubric as version {latest + 1}"
        )
    if rubric.is_locked:
        return (
            f"version {number} of {role.slug} is used by scorecards (locked {rubric.locked_at:%Y-%m-%d}) "
            f"and cannot change; load the changed rubric as version {latest + 1}"
        )
    return None


def _fill_rubric(rubric: RubricVersion, data: dict[str, Any], content_hash: str, file: str) -> None:
    scale = data["scale"]
    rubric.scale_min, rubric.scale_max = scale["min"], scale["max"]
    rubric.scale_rationale = scale["rationale"]
    rule = data["decision_rule"] or {}
    rubric.rule_threshold = rule.get("threshold")
    rubric.rule_no_red_flag = rule.get("no_red_flag", True)
    must_have: dict[str, int] = rule.get("must_have", {})
    rubric.content_hash = content_hash
    _save(rubric, file, "rubric")
    for value in rubric.scale_values:
        level = ScaleLevel(
            rubric=rubric,
            value=value,
            label=scale["labels"][str(value)],
            definition=scale["definitions"].get(str(value), ""),
        )
        _save(level, file, "scale")
    questions: list[Question] = []
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
            optional=item["optional"],
            must_have_bar=must_have.get(item["slug"]),
        )
        _save(dimension, file, where)
        dimensions[dimension.slug] = dimension
        for anchor in item["anchors"]:
            _save(
                Anchor(
                    dimension=dimension,
                    level=anchor["level"],
                    level_max=anchor["level_max"],
                    text=anchor["text"],
                    source=anchor["source"],
                ),
                file,
                where,
            )
        questions += [Question(rubric=rubric, text=text, dimension=dimension) for text in item["questions"]]
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
        questions += [Question(rubric=rubric, text=text, exercise=exercise) for text in item["questions"]]
    questions += [Question(rubric=rubric, text=text) for text in data["questions"]]
    for position, question in enumerate(questions):
        question.position = position
        _save(question, file, "question")
    for position, item in enumerate(data["signals"]):
        listed_under = dimensions[item["dimension"]] if item["dimension"] else None
        signal = Signal(rubric=rubric, kind=item["kind"], position=position, text=item["text"], dimension=listed_under)
        _save(signal, file, "signal")


def _save(instance: models.Model, file: str, where: str) -> None:
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


def publication_record(*, rubric: RubricVersion, by: User | None, how: str) -> RolePublication:
    """The audit record of a publish from the web, and the signal other apps receive."""
    summary = f"Published {rubric.title} ({rubric.role.slug}) version {rubric.number} {how}"
    record = RolePublication(
        actor=by, rubric=rubric, summary=summary[: RolePublication._meta.get_field("summary").max_length]
    )
    record.full_clean()
    record.save()
    rubric_published.send(sender=RubricVersion, rubric=rubric, actor=by)
    return record
