"""The role editor in the browser without JavaScript (its forms) and with it (the autosave endpoint)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roles.drafts import draft_create, draft_save
from roles.editor import field_id
from roles.models import RoleDraft, RolePublication, RubricVersion
from tests.factories import UserFactory
from tests.roles.helpers import REAL_SLUGS

pytestmark = pytest.mark.django_db

BLUEPRINTS = Path(__file__).parent / "blueprints"


class _Form(HTMLParser):
    """The fields of the editor's form (#role-editor) as a browser would post them, untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = a.get("id") == "role-editor"
        if not self.inside or ("name" not in a and tag != "option"):
            return
        if tag == "input" and a.get("type") not in ("submit", "checkbox"):
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.fields.append((a["name"], a.get("value", "on")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields.append((a["name"], ""))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def page_form(response) -> dict[str, list[str]]:
    parser = _Form()
    parser.feed(response.content.decode())
    form: dict[str, list[str]] = {}
    for name, value in parser.fields:
        form.setdefault(name, []).append(value)
    return form


@pytest.fixture
def editor():
    return UserFactory(username="ada", first_name="Ada", last_name="Lovelace", groups=["Role editors"])


@pytest.fixture
def client(login, editor):
    return login(editor)


def _draft_url(draft: RoleDraft, name: str = "roles:draft") -> str:
    return reverse(name, args=[draft.pk])


def test_a_role_editor_creates_a_role_from_scratch_and_publishes_it(client) -> None:
    response = client.post(reverse("roles:new"), {"start": "skeleton"})
    draft = RoleDraft.objects.get()
    assert response.url == _draft_url(draft)
    form = page_form(client.get(response.url))
    form["role.title"] = ["Platform Engineer"]
    form["role.slug"] = [""]
    form["rubric.dimensions[0].name"] = ["Operating systems"]
    form["action"] = ["publish"]

    published = client.post(_draft_url(draft), form)

    assert published.url == reverse("roles:kit", args=["platform-engineer"])
    kit = client.get(published.url).content.decode()
    assert "Platform Engineer" in kit
    assert "Operating systems" in kit
    actor = RolePublication.objects.get().actor
    assert actor is not None
    assert actor.username == "ada"


def test_the_add_buttons_add_rows_without_javascript(client, editor) -> None:
    draft = draft_create(by=editor)
    form = page_form(client.get(_draft_url(draft)))

    client.post(_draft_url(draft), {**form, "action": "add-dimension"})
    form = page_form(client.get(_draft_url(draft)))
    client.post(_draft_url(draft), {**form, "action": "add-anchor-1"})
    form = page_form(client.get(_draft_url(draft)))
    form["rubric.dimensions[1].name"] = ["Debugging"]
    form["rubric.dimensions[1].anchors[0].level"] = ["4"]
    form["rubric.dimensions[1].anchors[0].level_max"] = ["5"]
    form["rubric.dimensions[1].anchors[0].text"] = ["Finds the cause, not the symptom"]
    client.post(_draft_url(draft), {**form, "action": "add-exercise"})
    form = page_form(client.get(_draft_url(draft)))
    form["rubric.exercises[0].title"] = ["Broken build"]
    form["rubric.exercises[0].dimensions"] = ["debugging"]
    form["action"] = ["publish"]
    client.post(_draft_url(draft), form)

    rubric = RubricVersion.objects.get(role__slug="new-role")  # the skeleton's title
    debugging = rubric.dimensions.get(name="Debugging")
    assert [(a.level, a.level_max, a.text) for a in debugging.anchors.all()] == [
        (4, 5, "Finds the cause, not the symptom")
    ]
    assert [d.name for d in rubric.exercises.get().dimensions.all()] == ["Debugging"]


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("rubric.dimensions[0].name", "", "is required and must not be blank"),
        ("rubric.exercises[0].dimensions", "gone", "which is not a dimension of this rubric"),
    ],
)
def test_a_refused_publish_shows_the_problem_next_to_its_field(client, editor, field, value, shown) -> None:
    draft = draft_create(by=editor)
    document = draft.document
    document["rubric"]["exercises"] = [{"slug": "chat", "title": "Chat", "format": "discussion", "dimensions": []}]
    draft = draft_save(draft=draft, by=editor, revision=draft.revision, document=document)
    form = page_form(client.get(_draft_url(draft)))
    form[field] = [value]

    response = client.post(_draft_url(draft), {**form, "action": "publish"})

    assert response.status_code == 400
    page = response.content.decode()
    error_id = "f-" + field.replace("[", "-").replace("].", "-").replace(".", "-") + "-errors"
    assert f'id="{error_id}"' in page
    assert shown in page
    assert not RubricVersion.objects.exists()
    assert RoleDraft.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize(("low", "high", "words"), [("1", "1", "a scale needs two levels"), ("0", "11", "12 levels")])
def test_a_scale_of_one_level_or_more_than_eleven_is_refused_and_nothing_saved(client, editor, low, high, words):
    draft = draft_create(by=editor)
    form = page_form(client.get(_draft_url(draft)))
    form["rubric.scale.min"], form["rubric.scale.max"] = [low], [high]

    response = client.post(_draft_url(draft), {**form, "action": "save"})

    assert response.status_code == 400
    assert words in response.content.decode()
    assert 'id="f-rubric-scale-max-errors"' in response.content.decode()
    stored = RoleDraft.objects.get(pk=draft.pk)
    assert (stored.revision, stored.document) == (draft.revision, draft.document)


def test_a_post_from_a_stale_page_is_refused_naming_who_saved(client, editor) -> None:
    draft = draft_create(by=editor)
    form = page_form(client.get(_draft_url(draft)))
    other = UserFactory(username="grace", first_name="Grace", last_name="Hopper", is_staff=True)
    draft_save(draft=draft, by=other, revision=draft.revision, document=draft.document)
    form["role.title"] = ["Mine"]

    response = client.post(_draft_url(draft), {**form, "action": "save"})

    assert response.status_code == 409
    assert "Grace Hopper changed this draft at" in response.content.decode()
    assert RoleDraft.objects.get(pk=draft.pk).document["role"]["title"] == "New role"


def _autosave(client, draft: RoleDraft, fields: dict[str, list[str]], revision: int):
    pairs = [[name, value] for name, values in fields.items() for value in values]
    return client.post(
        _draft_url(draft, "roles:draft_autosave"),
        json.dumps({"revision": revision, "fields": pairs}),
        content_type="application/json",
    )


def test_the_autosave_saves_the_next_revision_and_refuses_a_stale_one_with_409(client, editor) -> None:
    draft = draft_create(by=editor)
    form = page_form(client.get(_draft_url(draft)))
    form["role.title"] = ["Typed in one tab"]

    first = _autosave(client, draft, form, draft.revision)
    form["role.title"] = ["Typed in another tab"]
    second = _autosave(client, draft, form, draft.revision)

    assert first.status_code == 200
    assert first.json()["revision"] == draft.revision + 1
    assert second.status_code == 409
    assert second.json()["editor"] == "Ada Lovelace"
    assert "reload to see their changes" in second.json()["message"]
    assert RoleDraft.objects.get(pk=draft.pk).document["role"]["title"] == "Typed in one tab"


@pytest.mark.parametrize("body", ["not json", "[]", '{"revision": "x", "fields": []}', '{"revision": 1}'])
def test_the_autosave_refuses_a_malformed_request_with_400_and_saves_nothing(client, editor, body) -> None:
    draft = draft_create(by=editor)

    response = client.post(_draft_url(draft, "roles:draft_autosave"), body, content_type="application/json")

    assert response.status_code == 400
    assert RoleDraft.objects.get(pk=draft.pk).revision == draft.revision


def test_edit_and_copy_buttons_open_drafts_of_a_published_role(client, role_fixtures) -> None:
    slug = REAL_SLUGS[0]
    listing = client.get(reverse("roles:list")).content.decode()
    assert "Edit (new version)" in listing
    assert "New role" in listing

    edit = client.post(reverse("roles:draft_from_version", args=[slug]), {"as": "version"})
    copy = client.post(reverse("roles:draft_from_version", args=[slug]), {"as": "copy"})

    drafts = RoleDraft.objects.order_by("pk")
    assert [d.role.slug if d.role else None for d in drafts] == [slug, None]
    assert edit.url == _draft_url(drafts[0])
    assert copy.url == _draft_url(drafts[1])
    assert "Publish as version 2" in client.get(edit.url).content.decode()


def test_the_import_preview_opens_the_document_in_the_editor_with_its_review(client) -> None:
    name = "data-engineer-1-to-4.md"
    client.post(reverse("roles:import"), {"document": SimpleUploadedFile(name, (BLUEPRINTS / name).read_bytes())})
    preview = client.get(reverse("roles:import_preview"))
    assert "Open in the editor" in preview.content.decode()
    token = client.session["role_import"]["token"]

    response = client.post(reverse("roles:import_edit"), {"token": token, "target": ""})

    draft = RoleDraft.objects.get()
    assert response.url == _draft_url(draft)
    page = client.get(response.url).content.decode()
    assert 'id="review-heading"' in page
    assert draft.document["review"]
    assert draft.document["rubric"]["scale"]["max"] == 4


def test_a_publish_from_the_import_preview_is_recorded_too(client, editor) -> None:
    name = "data-engineer-1-to-4.md"
    client.post(reverse("roles:import"), {"document": SimpleUploadedFile(name, (BLUEPRINTS / name).read_bytes())})

    client.post(reverse("roles:import_publish"), {"token": client.session["role_import"]["token"], "target": ""})

    record = RolePublication.objects.get()
    assert (record.actor, record.rubric.number) == (editor, 1)
    assert "from an imported document" in record.summary


def test_the_preview_shows_the_kit_as_interviewers_will_see_it(client, editor) -> None:
    draft = draft_create(by=editor)

    response = client.get(_draft_url(draft, "roles:draft_preview"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview of a draft" in page
    assert "Dimension 1" in page
    assert not RubricVersion.objects.exists()


def test_the_preview_button_saves_what_was_typed_then_shows_it(client, editor) -> None:
    draft = draft_create(by=editor)
    form = page_form(client.get(_draft_url(draft)))
    form["rubric.dimensions[0].name"] = ["Typed just now"]

    response = client.post(_draft_url(draft), {**form, "action": "preview"})

    assert response.url == _draft_url(draft, "roles:draft_preview")
    assert "Typed just now" in client.get(response.url).content.decode()


def test_discard_deletes_the_draft(client, editor) -> None:
    draft = draft_create(by=editor)

    response = client.post(_draft_url(draft, "roles:draft_discard"), {"revision": draft.revision})

    assert response.url == reverse("roles:list")
    assert not RoleDraft.objects.exists()


@pytest.mark.parametrize("groups", [["Interviewers"], ["Recruiters"], ["Hiring managers"]])
def test_who_is_neither_staff_nor_a_role_editor_cannot_open_or_create_drafts(login, editor, groups) -> None:
    draft = draft_create(by=editor)
    client = login(UserFactory(groups=groups))

    assert client.get(_draft_url(draft)).status_code == 403
    assert client.post(reverse("roles:new"), {"start": "skeleton"}).status_code == 403
    assert client.post(_draft_url(draft, "roles:draft_discard"), {"revision": draft.revision}).status_code == 403
    assert "New role" not in client.get(reverse("roles:list")).content.decode()
    assert RoleDraft.objects.count() == 1


@pytest.mark.parametrize(
    "name", ["account-executive-hire-reconsider.md", "platform-engineer-ladder.md", "technical-writer-plain.txt"]
)
def test_an_import_with_lines_it_did_not_place_publishes_from_the_editor_unedited(client, name) -> None:
    """The review's "not placed" entries concern no field; the editor's publish took their blank field for a
    problem and refused every such document ("review item 9: field: is required")."""
    client.post(reverse("roles:import"), {"document": SimpleUploadedFile(name, (BLUEPRINTS / name).read_bytes())})
    client.post(reverse("roles:import_edit"), {"token": client.session["role_import"]["token"], "target": ""})
    draft = RoleDraft.objects.get()
    assert any(item["topic"] == "unplaced" for item in draft.document["review"])

    response = client.post(_draft_url(draft), {**page_form(client.get(_draft_url(draft))), "action": "publish"})

    assert response.status_code == 302
    assert RubricVersion.objects.get().number == 1
    assert not RoleDraft.objects.exists()


def test_assessment_areas_are_added_written_and_removed_in_the_editor_and_reach_the_kit(client, editor) -> None:
    draft = draft_create(by=editor)
    client.post(_draft_url(draft), {**page_form(client.get(_draft_url(draft))), "action": "add-area"})
    client.post(_draft_url(draft), {**page_form(client.get(_draft_url(draft))), "action": "add-area"})
    form = page_form(client.get(_draft_url(draft)))
    form["rubric.areas[0].name"] = ["Debugging under pressure"]
    form["rubric.areas[0].questions"] = ["Walk me through your last outage.\n\nWhat did you change after it?"]
    form["rubric.areas[1].name"] = ["To be removed"]
    client.post(_draft_url(draft), {**form, "action": "remove-area-1"})

    areas = RoleDraft.objects.get().document["rubric"]["areas"]
    assert areas == [
        {
            "name": "Debugging under pressure",
            "questions": ["Walk me through your last outage.", "What did you change after it?"],
        }
    ]
    preview = client.get(_draft_url(draft, "roles:draft_preview")).content.decode()
    assert "<strong>Debugging under pressure</strong>" in preview
    assert "<li>What did you change after it?</li>" in preview


def test_a_blank_area_name_is_refused_on_publish_beside_its_field_and_nothing_is_published(client, editor) -> None:
    draft = draft_create(by=editor)
    client.post(_draft_url(draft), {**page_form(client.get(_draft_url(draft))), "action": "add-area"})
    form = page_form(client.get(_draft_url(draft)))

    response = client.post(_draft_url(draft), {**form, "action": "publish"})

    assert response.status_code == 400
    assert 'id="f-rubric-areas-0-name-errors"' in response.content.decode()
    assert not RubricVersion.objects.exists()


def test_each_levels_definition_is_edited_beside_its_label_and_shown_in_the_kit(client, editor) -> None:
    draft = draft_create(by=editor)
    form = page_form(client.get(_draft_url(draft)))
    assert form["rubric.scale.definitions.3"] == [""]
    form["rubric.scale.definitions.3"] = ["Would hire at this level without reservation."]
    form["rubric.scale.definitions.5"] = ["  "]  # blank: no definition

    client.post(_draft_url(draft), {**form, "action": "save"})

    scale = RoleDraft.objects.get().document["rubric"]["scale"]
    assert scale["definitions"] == {"3": "Would hire at this level without reservation."}
    preview = client.get(_draft_url(draft, "roles:draft_preview")).content.decode()
    assert "<dd>Would hire at this level without reservation.</dd>" in preview


def test_a_post_without_the_areas_and_definitions_keeps_the_drafts(client, editor) -> None:
    """An autosave from a page opened before the editor showed them (or any partial post) keeps what the draft had."""
    draft = draft_create(by=editor)
    document = draft.document
    document["rubric"]["areas"] = [{"name": "Kept area", "questions": []}]
    document["rubric"]["scale"]["definitions"] = {"1": "Kept definition"}
    draft = draft_save(draft=draft, by=editor, revision=draft.revision, document=document)
    form = {
        name: values
        for name, values in page_form(client.get(_draft_url(draft))).items()
        if not name.startswith(("rubric.areas", "rubric.scale.definitions"))
    }

    client.post(_draft_url(draft), {**form, "action": "save"})

    rubric = RoleDraft.objects.get().document["rubric"]
    assert rubric["areas"] == [{"name": "Kept area", "questions": []}]
    assert rubric["scale"]["definitions"] == {"1": "Kept definition"}


# The decision rule (issue 28) -------------------------------------------------------------------------------


def _rule_draft(client, editor) -> tuple[RoleDraft, dict[str, list[str]]]:
    """A skeleton draft (1–5 scale, one dimension) named Platform Engineer, its form as the page shows it."""
    draft = draft_create(by=editor)
    form = page_form(client.get(_draft_url(draft)))
    form["role.title"], form["role.slug"] = ["Platform Engineer"], [""]
    form["rubric.dimensions[0].name"] = ["Operating systems"]
    return draft, form


def test_a_new_draft_offers_the_default_rule(client, editor) -> None:
    _draft, form = _rule_draft(client, editor)

    assert form["rubric.decision_rule.threshold"] == [""]
    assert form["rubric.decision_rule.no_red_flag"] == ["on"]
    assert form["rubric.dimensions[0].must_have_bar"] == [""]


def test_a_rule_typed_in_the_editor_is_published_with_the_version(client, editor) -> None:
    draft, form = _rule_draft(client, editor)
    form["rubric.decision_rule.threshold"] = ["0.7"]
    del form["rubric.decision_rule.no_red_flag"]  # unticked
    form["rubric.dimensions[0].must_have_bar"] = ["3"]

    response = client.post(_draft_url(draft), {**form, "action": "publish"})

    assert response.status_code == 302
    rubric = RubricVersion.objects.get(role__slug="platform-engineer")
    assert (rubric.rule_threshold, rubric.rule_no_red_flag) == (0.7, False)
    assert [(d.name, d.must_have_bar) for d in rubric.dimensions.all()] == [("Operating systems", 3)]


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("rubric.decision_rule.threshold", "1.5", "must be a number from 0 to 1 (the normalised scale), not 1.5"),
        (
            "rubric.decision_rule.threshold",
            "most",
            "must be a number from 0 to 1 (the normalised scale), not &#x27;most",
        ),
        ("rubric.dimensions[0].must_have_bar", "6", "the bar must be a level of the scale 1–5, not 6"),
    ],
)
def test_a_rule_off_its_scale_is_refused_beside_its_field_and_nothing_published(client, editor, field, value, shown):
    draft, form = _rule_draft(client, editor)
    form[field] = [value]

    response = client.post(_draft_url(draft), {**form, "action": "publish"})

    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="{field_id(field)}-errors"' in page
    assert shown in page
    assert not RubricVersion.objects.exists()


def test_a_rule_with_a_must_have_on_an_optional_dimension_no_exercise_assesses_is_refused(client, editor) -> None:
    draft, form = _rule_draft(client, editor)
    form["rubric.decision_rule.threshold"] = ["0.6"]
    form["rubric.dimensions[0].optional"] = ["on"]
    form["rubric.dimensions[0].must_have_bar"] = ["3"]

    response = client.post(_draft_url(draft), {**form, "action": "publish"})

    assert response.status_code == 400
    assert f'id="{field_id("rubric.dimensions[0].must_have_bar")}-errors"' in response.content.decode()
    assert "optional dimension no exercise assesses" in response.content.decode()
    assert not RubricVersion.objects.exists()
