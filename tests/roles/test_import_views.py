"""The web import at /roles/import/: upload, preview as the kit with the review list, publish; staff only."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roles.importing.publishing import SESSION_KEY
from roles.models import Role, RubricVersion
from tests.roles.helpers import roles_snapshot

pytestmark = pytest.mark.django_db

BLUEPRINTS = Path(__file__).parent / "blueprints"
ENGINEER = "data-engineer-1-to-4.md"
IMPORT = reverse("roles:import")
PREVIEW = reverse("roles:import_preview")
PUBLISH = reverse("roles:import_publish")


def _file(name: str = ENGINEER, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (BLUEPRINTS / name).read_bytes())


def _upload(client, name: str = ENGINEER, data: bytes | None = None):
    return client.post(IMPORT, {"document": _file(name, data)})


def _publish(client, *, target: str = "", retitle: bool = False, token: str | None = None):
    stored = client.session[SESSION_KEY]
    data = {"token": stored["token"] if token is None else token, "target": target}
    if retitle:
        data["retitle"] = "on"
    return client.post(PUBLISH, data)


def test_staff_upload_shows_the_kit_with_the_review_list_and_publishes_nothing(staff, login):
    client = login(staff)
    before = roles_snapshot()

    assert _upload(client).url == PREVIEW
    page = client.get(PREVIEW)

    text = page.content.decode()
    assert page.status_code == 200
    assert page.templates[0].name == "roles/role_import_preview.html"
    assert "roles/role_kit.html" in [template.name for template in page.templates]
    assert "Senior Data Engineer" in text
    assert "Exactly-once results under replay, with a tested recovery path" in text
    assert "Scale labels: 1 Not yet; 2 Developing; 3 Solid; 4 Outstanding." in text
    assert "No exercise assesses &quot;Collaboration&quot;: it is rated from the conversation." in text
    assert "Publish Senior Data Engineer v1" in text
    assert roles_snapshot() == before


def test_publishing_a_new_role_loads_it_and_shows_its_kit(staff, login):
    client = login(staff)
    _upload(client)

    response = _publish(client)

    assert response.url == reverse("roles:kit", kwargs={"slug": "senior-data-engineer"})
    rubric = RubricVersion.objects.get(role__slug="senior-data-engineer")
    assert (rubric.number, rubric.scale_min, rubric.scale_max) == (1, 1, 4)
    assert rubric.dimensions.count() == 4
    assert SESSION_KEY not in client.session
    assert "Published Senior Data Engineer version 1." in client.get(response.url).content.decode()


def test_a_changed_document_is_published_as_the_next_version_of_its_role(staff, login):
    client = login(staff)
    _upload(client)
    _publish(client)
    changed = (BLUEPRINTS / ENGINEER).read_bytes().replace(b"Collaborates when asked", b"Helps when asked")
    _upload(client, data=changed)

    page = client.get(PREVIEW)
    assert "Publish Senior Data Engineer v2" in page.content.decode()
    response = _publish(client, target="senior-data-engineer")

    assert response.status_code == 302
    assert list(RubricVersion.objects.filter(role__slug="senior-data-engineer").values_list("number", flat=True)) == [
        2,
        1,
    ]


def test_an_unchanged_document_is_not_published_again(staff, login):
    client = login(staff)
    _upload(client)
    _publish(client)
    _upload(client)
    before = roles_snapshot()

    page = client.get(PREVIEW)
    response = _publish(client, target="senior-data-engineer")

    assert "publishing it would change nothing" in page.content.decode()
    assert response.status_code == 400
    assert roles_snapshot() == before


def test_a_new_role_cannot_take_the_slug_of_an_existing_one(staff, login):
    client = login(staff)
    _upload(client)
    _publish(client)
    _upload(client)
    before = roles_snapshot()

    response = _publish(client, target="")

    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert 'The slug "senior-data-engineer" belongs to the role "Senior Data Engineer"' in text
    assert roles_snapshot() == before


def test_publishing_under_another_roles_title_asks_for_a_retitle_first(staff, login):
    client = login(staff)
    _upload(client)
    _publish(client)
    _upload(client, "product-analyst-meets-exceeds.txt")
    before = roles_snapshot()

    page = client.get(PREVIEW, {"as": "senior-data-engineer"})
    refused = _publish(client, target="senior-data-engineer")

    message = '"Product Analyst" differs from "Senior Data Engineer", the title of senior-data-engineer (version 1)'
    for response in (page, refused):
        text = html.unescape(response.content.decode())
        assert message in text
        assert "Publish anyway as a retitle of this role" in text
    for response in (page, refused):  # the kit is still shown beside the refusal
        assert "Ties metrics to the goal and anticipates gaming" in response.content.decode()
    assert refused.status_code == 400
    assert roles_snapshot() == before

    assert _publish(client, target="senior-data-engineer", retitle=True).status_code == 302
    newest = RubricVersion.objects.filter(role__slug="senior-data-engineer").order_by("-number").first()
    assert newest is not None
    assert (newest.number, newest.title) == (2, "Product Analyst")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.md", b"# Data Scientist\n\nWe hire data scientists.\n", "notes.md: has no rubric in it"),
        ("brackets.md", b"[" * 999_000, "brackets.md: has no rubric in it"),
        (
            "deep.json",
            b'{"content": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "deep.json: nests its JSON more than 200 levels deep",
        ),
        (
            "twice.md",
            b"# Coach\n\n## Coaching\n\n- How do you coach?\n- Why?\n\n## Coaching\n\n- Who?\n- When?\n",
            "twice.md: has two dimensions named &quot;Coaching&quot; (lines 3 and 8)",
        ),
        ("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "logo.png: is a binary file"),
        ("latin.txt", "Développeur".encode("latin-1"), "latin.txt: is not UTF-8 text"),
        (
            "page.html",
            b"<h2>19) Hiring Evaluation Criteria</h2><script>alert(1)</script>",
            "page.html: contains a &lt;script&gt; element",
        ),
    ],
)
def test_a_bad_document_is_refused_with_the_loaders_message_and_nothing_is_kept(staff, login, name, data, message):
    client = login(staff)
    before = roles_snapshot()

    response = _upload(client, name, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert SESSION_KEY not in client.session
    assert roles_snapshot() == before


def test_an_oversize_upload_is_refused(staff, login):
    client = login(staff)

    response = _upload(client, "huge.md", b"x" * 1_000_001)

    assert response.status_code == 400
    assert "huge.md: is 1.0 MB; a rubric document may be at most 1 MB" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_markup_inside_a_document_is_shown_as_text_never_run(staff, login):
    client = login(staff)
    hostile = (BLUEPRINTS / "ml-platform-engineer-0-to-4.html").read_text(encoding="utf-8")
    hostile = hostile.replace(
        "Mandates a platform without listening to its users.",
        "Mandates &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;",
    )
    _upload(client, "platform.html", hostile.encode())

    text = client.get(PREVIEW).content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)" not in text
    assert "<img src=x" not in text


def test_publish_without_an_upload_or_with_a_stale_token_publishes_nothing(staff, login):
    client = login(staff)
    assert client.post(PUBLISH, {"token": "x", "target": ""}).status_code == 400
    _upload(client)
    before = roles_snapshot()

    response = _publish(client, token="not-the-uploads-token")

    assert response.status_code == 400
    assert "No uploaded document to publish: upload it again." in response.content.decode()
    assert roles_snapshot() == before


def test_the_preview_without_an_upload_sends_staff_to_the_upload_page(staff, login):
    assert login(staff).get(PREVIEW).url == IMPORT


@pytest.mark.parametrize("persona", ["interviewer", "hiring_manager", "recruiter"])
def test_the_import_pages_are_refused_to_everyone_but_staff(request, login, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"document": _file()}).status_code == 403
    assert client.get(PREVIEW).status_code == 403
    assert client.post(PUBLISH, {"token": "x"}).status_code == 403
    assert not Role.objects.exists()


def test_the_roles_page_offers_the_import_to_staff_only(staff, interviewer, login):
    assert IMPORT in login(staff).get(reverse("roles:list")).content.decode()
    assert IMPORT not in login(interviewer).get(reverse("roles:list")).content.decode()
