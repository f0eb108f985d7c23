"""Loading role-blueprint fixtures into the rubric library (roles.services)."""

from __future__ import annotations

from collections import Counter

import pytest

from roles.blueprints import BlueprintError
from roles.models import Anchor, Dimension, Exercise, Role, RubricVersion, Signal
from roles.services import default_fixture_paths, roles_load, rubric_lock
from tests.factories import scale_mid
from tests.roles.helpers import (
    REAL_SLUGS,
    dimension_named,
    real_document,
    real_path,
    roles_counts,
    roles_snapshot,
    write_document,
)

pytestmark = pytest.mark.django_db

NEW_TEXT = "Frames the problem so sharply that the metric picks itself"
OLD_TEXT = "Crisp objective, metrics, constraints, and plan; anticipates risks"


def _changed_principal(version: int = 1) -> dict:
    """principal-ml-scientist with the level-5 anchor of "Problem framing" reworded."""
    document = real_document("principal-ml-scientist")
    anchor = dimension_named(document, "Problem framing")["anchors"][0]
    assert (anchor["level"], anchor["text"]) == (5, OLD_TEXT)
    anchor["text"] = NEW_TEXT
    document["rubric"]["version"] = version
    return document


def _anchor_texts(role_slug: str, number: int) -> set[str]:
    return set(
        Anchor.objects.filter(dimension__rubric__role__slug=role_slug, dimension__rubric__number=number).values_list(
            "text", flat=True
        )
    )


def _load_principal() -> RubricVersion:
    [outcome] = roles_load(paths=[real_path("principal-ml-scientist")])
    assert outcome.action == "created"
    return RubricVersion.objects.get(role__slug="principal-ml-scientist", number=1)


# --- the real fixtures ---------------------------------------------------------------------------


def test_every_real_fixture_loads_as_a_role_with_a_fully_anchored_rubric(role_fixtures):
    assert sorted((o.role, o.version, o.action) for o in role_fixtures) == [(s, 1, "created") for s in REAL_SLUGS]
    assert sorted(Role.objects.values_list("slug", flat=True)) == list(REAL_SLUGS)
    assert RubricVersion.objects.count() == len(REAL_SLUGS)
    for rubric in RubricVersion.objects.select_related("role"):
        assert rubric.dimensions.count() == len(real_document(rubric.role.slug)["rubric"]["dimensions"]), rubric
        assert list(rubric.scale_levels.values_list("value", flat=True)) == list(rubric.scale_values)
    for dimension in Dimension.objects.select_related("rubric"):
        rubric = dimension.rubric
        levels = set(dimension.anchors.values_list("level", flat=True))
        assert {rubric.scale_min, scale_mid(rubric), rubric.scale_max} <= levels, f"{rubric}: {dimension}"


@pytest.mark.parametrize(
    ("slug", "scale", "sources"),
    [
        ("principal-ml-scientist", (1, 5), {"verbatim": 24}),
        ("senior-ml-scientist", (1, 5), {"verbatim": 16, "derived": 8}),
        ("lead-ml-scientist", (1, 5), {"derived": 24}),
        ("principal-ai-research-scientist", (1, 5), {"derived": 24}),
        ("principal-research-scientist", (0, 4), {"derived": 24}),
    ],
)
def test_each_role_keeps_its_scale_and_whether_anchors_are_verbatim_or_derived(slug, scale, sources):
    roles_load(paths=[real_path(slug)])
    rubric = RubricVersion.objects.get(role__slug=slug)
    assert (rubric.scale_min, rubric.scale_max) == scale
    loaded = Anchor.objects.filter(dimension__rubric=rubric).values_list("source", flat=True)
    assert Counter(loaded) == Counter(sources)


def test_principal_research_scientist_is_anchored_at_0_2_and_4():
    roles_load(paths=[real_path("principal-research-scientist")])
    for dimension in Dimension.objects.filter(rubric__role__slug="principal-research-scientist"):
        assert sorted(dimension.anchors.values_list("level", flat=True)) == [0, 2, 4], dimension


@pytest.mark.parametrize("slug", REAL_SLUGS)
def test_loaded_rubric_holds_exactly_what_the_fixture_says(slug):
    roles_load(paths=[real_path(slug)])
    rubric_data = real_document(slug)["rubric"]
    rubric = RubricVersion.objects.get(role__slug=slug)

    expected_anchors = {
        (d["slug"], a["level"]): (a["text"], a["source"]) for d in rubric_data["dimensions"] for a in d["anchors"]
    }
    loaded_anchors = {
        (a.dimension.slug, a.level): (a.text, a.source)
        for a in Anchor.objects.filter(dimension__rubric=rubric).select_related("dimension")
    }
    assert loaded_anchors == expected_anchors
    assert [d.name for d in rubric.dimensions.all()] == [d["name"] for d in rubric_data["dimensions"]]
    assert [(s.kind, s.text) for s in rubric.signals.all()] == [(s["kind"], s["text"]) for s in rubric_data["signals"]]
    assert [a.name for a in rubric.areas.all()] == [a["name"] for a in rubric_data["areas"]]
    for exercise, data in zip(rubric.exercises.all(), rubric_data["exercises"], strict=True):
        assert (exercise.title, exercise.brief, exercise.ask_for_list) == (
            data["title"],
            data["brief"],
            data["ask_for"],
        )
        assert sorted(exercise.dimensions.values_list("slug", flat=True)) == sorted(data["dimensions"])
    labels = {str(level.value): level.label for level in rubric.scale_levels.all()}
    assert labels == rubric_data["scale"]["labels"]


# --- reloading -----------------------------------------------------------------------------------


def test_reloading_unchanged_fixtures_reports_unchanged_and_touches_no_row(role_fixtures):
    before = roles_snapshot()
    dimension_pks = list(Dimension.objects.order_by("pk").values_list("pk", flat=True))

    outcomes = roles_load(paths=default_fixture_paths())

    assert {o.action for o in outcomes} == {"unchanged"}
    assert len(outcomes) == len(default_fixture_paths())
    after = roles_snapshot()
    assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
    assert list(Dimension.objects.order_by("pk").values_list("pk", flat=True)) == dimension_pks
    assert after == before


def test_changed_fixture_of_an_unlocked_version_is_updated_in_place(tmp_path):
    _load_principal()
    counts = roles_counts()
    changed = write_document(tmp_path, _changed_principal())

    [outcome] = roles_load(paths=[changed])

    assert (outcome.role, outcome.version, outcome.action) == ("principal-ml-scientist", 1, "updated")
    assert RubricVersion.objects.filter(role__slug="principal-ml-scientist").count() == 1
    texts = _anchor_texts("principal-ml-scientist", 1)
    assert NEW_TEXT in texts
    assert OLD_TEXT not in texts
    assert roles_counts() == counts


def test_changing_only_the_words_of_an_unlocked_version_updates_them_and_keeps_its_rubric_rows(tmp_path):
    _load_principal()
    rows = roles_snapshot()["roles_anchor"]
    document = real_document("principal-ml-scientist")
    document["role"]["level"] = "Principal (IC6)"
    document["role"]["purpose"] = "Reworded purpose."

    [outcome] = roles_load(paths=[write_document(tmp_path, document)])

    assert outcome.action == "updated"
    rubric = RubricVersion.objects.get(role__slug="principal-ml-scientist")
    assert (rubric.number, rubric.level, rubric.purpose) == (1, "Principal (IC6)", "Reworded purpose.")
    assert roles_snapshot()["roles_anchor"] == rows


def test_the_words_of_a_locked_version_cannot_change(tmp_path):
    rubric_lock(rubric=_load_principal())
    before = roles_snapshot()
    document = real_document("principal-ml-scientist")
    document["role"]["purpose"] = "Reworded after the first scorecard."

    with pytest.raises(BlueprintError, match=r"is used by scorecards .* load the changed rubric as version 2"):
        roles_load(paths=[write_document(tmp_path, document)])

    assert roles_snapshot() == before


# --- versions carry the role's words -------------------------------------------------------------


def _retitled_principal(version: int) -> dict:
    document = _changed_principal(version=version)
    document["role"].update(title="Principal Applied Scientist", level="Principal II", purpose="A new purpose.")
    return document


def test_each_version_keeps_the_title_level_and_purpose_it_was_loaded_with(tmp_path):
    version_1 = _load_principal()
    rubric_lock(rubric=version_1)
    original = real_document("principal-ml-scientist")["role"]

    roles_load(paths=[write_document(tmp_path, _retitled_principal(2))], retitle=True)

    words = {
        number: (title, level, purpose, source)
        for number, title, level, purpose, source in RubricVersion.objects.filter(
            role__slug="principal-ml-scientist"
        ).values_list("number", "title", "level", "purpose", "source")
    }
    assert words == {
        1: (original["title"], original["level"], original["purpose"], original["source"]),
        2: ("Principal Applied Scientist", "Principal II", "A new purpose.", original["source"]),
    }
    assert Role.objects.filter(slug="principal-ml-scientist").count() == 1


def test_a_new_title_for_a_stored_role_is_refused_naming_both_titles_and_changes_nothing(tmp_path):
    _load_principal()
    before = roles_snapshot()
    path = write_document(tmp_path, _retitled_principal(2), "v2.json")

    with pytest.raises(BlueprintError) as raised:
        roles_load(paths=[path])

    [problem] = raised.value.problems
    assert (problem.file, problem.obj, problem.field) == (str(path), "role", "title")
    assert problem.message.startswith(
        '"Principal Applied Scientist" differs from "Principal Machine Learning Scientist", '
        "the title of principal-ml-scientist (version 1)."
    )
    assert "give it its own slug" in problem.message
    assert "--retitle" in problem.message
    assert roles_snapshot() == before


def test_a_copied_fixture_with_its_slug_left_unchanged_is_refused_even_as_the_same_version(tmp_path):
    _load_principal()
    before = roles_snapshot()
    copied = real_document("principal-ml-scientist")
    copied["role"]["title"] = "Staff Data Scientist"

    with pytest.raises(BlueprintError, match='"Staff Data Scientist" differs from "Principal Machine Learning'):
        roles_load(paths=[write_document(tmp_path, copied, "staff-data-scientist.json")])

    assert roles_snapshot() == before


def test_reloading_every_version_after_a_confirmed_retitle_needs_no_confirmation(tmp_path):
    first = write_document(tmp_path, real_document("principal-ml-scientist"), "v1.json")
    second = write_document(tmp_path, _retitled_principal(2), "v2.json")
    roles_load(paths=[first])
    roles_load(paths=[second], retitle=True)

    outcomes = roles_load(paths=[second, first])

    assert [(o.version, o.action) for o in outcomes] == [(1, "unchanged"), (2, "unchanged")]


def test_a_fresh_library_loads_a_role_history_with_a_retitled_version_without_confirmation(tmp_path):
    """The fixtures folder holds the role's history as it was confirmed; a new database takes it as it is."""
    first = write_document(tmp_path, real_document("principal-ml-scientist"), "v1.json")
    second = write_document(tmp_path, _retitled_principal(2), "v2.json")

    outcomes = roles_load(paths=[second, first])

    assert [(o.version, o.action) for o in outcomes] == [(1, "created"), (2, "created")]
    titles = RubricVersion.objects.filter(role__slug="principal-ml-scientist").order_by("number")
    assert list(titles.values_list("title", flat=True)) == [
        "Principal Machine Learning Scientist",
        "Principal Applied Scientist",
    ]


# --- locked versions -----------------------------------------------------------------------------


def test_rubric_lock_sets_locked_at_once_and_keeps_the_first_time():
    rubric = _load_principal()
    assert not rubric.is_locked

    rubric_lock(rubric=rubric)
    first = rubric.locked_at
    rubric_lock(rubric=RubricVersion.objects.get(pk=rubric.pk))

    assert first is not None
    assert RubricVersion.objects.get(pk=rubric.pk).locked_at == first


def test_changed_rubric_under_a_locked_version_is_refused_and_nothing_changes(tmp_path):
    rubric_lock(rubric=_load_principal())
    before = roles_snapshot()
    changed = write_document(tmp_path, _changed_principal(version=1))

    with pytest.raises(BlueprintError) as raised:
        roles_load(paths=[changed])

    message = str(raised.value)
    assert message.startswith(f"{changed}: rubric: version: ")
    assert "version 1 of principal-ml-scientist is used by scorecards" in message
    assert "load the changed rubric as version 2" in message
    assert roles_snapshot() == before


def test_unchanged_fixture_under_a_locked_version_still_reloads():
    rubric = _load_principal()
    rubric_lock(rubric=rubric)
    before = roles_snapshot()

    [outcome] = roles_load(paths=[real_path("principal-ml-scientist")])

    assert outcome.action == "unchanged"
    assert roles_snapshot() == before


def test_changed_rubric_loaded_as_version_2_leaves_the_locked_version_1_as_it_was(tmp_path):
    version_1 = _load_principal()
    rubric_lock(rubric=version_1)
    locked_at = version_1.locked_at
    v1_rows = {
        "anchors": sorted(Anchor.objects.filter(dimension__rubric=version_1).values_list("pk", "level", "text")),
        "dimensions": sorted(Dimension.objects.filter(rubric=version_1).values_list("pk", "name")),
    }

    [outcome] = roles_load(paths=[write_document(tmp_path, _changed_principal(version=2))])

    assert (outcome.version, outcome.action) == (2, "created")
    version_1.refresh_from_db()
    assert version_1.locked_at == locked_at
    assert OLD_TEXT in _anchor_texts("principal-ml-scientist", 1)
    assert NEW_TEXT not in _anchor_texts("principal-ml-scientist", 1)
    assert v1_rows == {
        "anchors": sorted(Anchor.objects.filter(dimension__rubric=version_1).values_list("pk", "level", "text")),
        "dimensions": sorted(Dimension.objects.filter(rubric=version_1).values_list("pk", "name")),
    }
    version_2 = RubricVersion.objects.get(role__slug="principal-ml-scientist", number=2)
    assert not version_2.is_locked
    assert NEW_TEXT in _anchor_texts("principal-ml-scientist", 2)
    assert version_2.dimensions.count() == version_1.dimensions.count()


def test_locked_refusal_suggests_the_version_after_the_newest_one(tmp_path):
    rubric_lock(rubric=_load_principal())
    roles_load(paths=[write_document(tmp_path, _changed_principal(version=2), "v2.json")])
    document = _changed_principal(version=1)
    dimension_named(document, "Modeling depth")["description"] = "Yet another wording."

    with pytest.raises(BlueprintError, match="load the changed rubric as version 3"):
        roles_load(paths=[write_document(tmp_path, document, "v1-again.json")])


def test_version_older_than_the_loaded_one_is_refused(tmp_path):
    roles_load(paths=[write_document(tmp_path, _changed_principal(version=3), "v3.json")])
    before = roles_snapshot()
    document = real_document("principal-ml-scientist")
    document["rubric"]["version"] = 2
    older = write_document(tmp_path, document, "v2.json")

    with pytest.raises(BlueprintError) as raised:
        roles_load(paths=[older])

    assert str(raised.value) == f"{older}: rubric: version: 2 is older than the loaded version 3"
    assert roles_snapshot() == before


def test_a_superseded_version_is_frozen_even_when_no_loop_uses_it(tmp_path):
    _load_principal()
    roles_load(paths=[write_document(tmp_path, _changed_principal(version=2), "v2.json")])
    before = roles_snapshot()

    with pytest.raises(BlueprintError, match=r"superseded by version 2 .* as version 3"):
        roles_load(paths=[write_document(tmp_path, _changed_principal(version=1), "v1-changed.json")])

    assert roles_snapshot() == before


# --- all or nothing ------------------------------------------------------------------------------


def test_a_bad_file_among_good_ones_loads_nothing(tmp_path):
    bad_document = real_document("senior-ml-scientist")
    bad_document["rubric"]["signals"][0]["kind"] = "amazing"
    bad = write_document(tmp_path, bad_document, "bad.json")

    with pytest.raises(BlueprintError) as raised:
        roles_load(paths=[real_path("principal-ml-scientist"), bad])

    assert str(raised.value).startswith(f"{bad}: signal 1: kind: ")
    assert Role.objects.count() == 0
    assert RubricVersion.objects.count() == 0


def test_a_file_failing_while_saving_rolls_back_the_files_saved_before_it(tmp_path):
    """Validation passes, but the database refuses the second file: the first must not stay loaded."""
    document = real_document("senior-ml-scientist")
    document["rubric"]["dimensions"][0]["name"] = "N" * 201  # longer than Dimension.name allows
    too_long = write_document(tmp_path, document, "too-long.json")

    with pytest.raises(BlueprintError) as raised:
        roles_load(paths=[real_path("principal-ml-scientist"), too_long])

    assert f"{too_long}: dimension " in str(raised.value)
    assert ": name: " in str(raised.value)
    assert Role.objects.count() == 0
    assert sum(roles_counts().values()) == 0


def test_a_locked_conflict_in_one_file_rolls_back_the_other_files(tmp_path):
    rubric_lock(rubric=_load_principal())
    before = roles_snapshot()
    changed = write_document(tmp_path, _changed_principal(version=1))

    with pytest.raises(BlueprintError, match="cannot change"):
        roles_load(paths=[real_path("senior-ml-scientist"), changed])

    assert not Role.objects.filter(slug="senior-ml-scientist").exists()
    assert roles_snapshot() == before


def test_two_files_with_the_same_role_and_version_are_refused_naming_both(tmp_path):
    first = write_document(tmp_path, real_document("principal-ml-scientist"), "first.json")
    second_document = real_document("senior-ml-scientist")
    second_document["role"]["slug"] = "principal-ml-scientist"
    second = write_document(tmp_path, second_document, "second.json")

    with pytest.raises(BlueprintError) as raised:
        roles_load(paths=[first, second])

    assert str(raised.value) == (
        f"{second}: rubric: version: principal-ml-scientist version 1 is also in {first}; "
        "each version of a role needs its own number"
    )
    assert Role.objects.count() == 0


def test_versions_of_a_role_in_several_files_load_in_version_order_whatever_the_file_order(tmp_path):
    files = {}
    for version in (3, 1, 2):
        document = _changed_principal(version=version)
        dimension_named(document, "Modeling depth")["description"] = f"Wording of version {version}."
        files[version] = write_document(tmp_path, document, f"v{version}.json")

    outcomes = roles_load(paths=list(files.values()))

    assert [(o.file, o.version, o.action) for o in outcomes] == [
        (str(files[1]), 1, "created"),
        (str(files[2]), 2, "created"),
        (str(files[3]), 3, "created"),
    ]
    descriptions = Dimension.objects.filter(rubric__role__slug="principal-ml-scientist", slug="modeling-depth")
    assert sorted(descriptions.values_list("rubric__number", "description")) == [
        (1, "Wording of version 1."),
        (2, "Wording of version 2."),
        (3, "Wording of version 3."),
    ]


def test_every_problem_of_every_file_is_reported_at_once(tmp_path):
    one = real_document("principal-ml-scientist")
    one["role"]["title"] = ""
    one["rubric"]["signals"][0]["kind"] = "amazing"
    two = real_document("senior-ml-scientist")
    del two["rubric"]["scale"]["labels"]["3"]
    path_one = write_document(tmp_path, one, "one.json")
    path_two = write_document(tmp_path, two, "two.json")

    with pytest.raises(BlueprintError) as raised:
        roles_load(paths=[path_one, path_two])

    assert {(p.file, p.obj, p.field) for p in raised.value.problems} == {
        (str(path_one), "role", "title"),
        (str(path_one), "signal 1", "kind"),
        (str(path_two), "scale", "labels"),
    }


def test_loading_keeps_positions_and_links_between_exercises_and_dimensions():
    _load_principal()
    exercise = Exercise.objects.get(rubric__role__slug="principal-ml-scientist", position=0)
    assert exercise.slug == "end-to-end-ml-feature-design"
    assert set(exercise.dimensions.values_list("slug", flat=True)) == {
        "problem-framing",
        "modeling-depth",
        "production-ml",
        "responsible-ai",
    }
    assert all(d.rubric_id == exercise.rubric_id for d in exercise.dimensions.all())
    assert list(Signal.objects.filter(rubric=exercise.rubric).values_list("position", flat=True)) == list(range(16))
