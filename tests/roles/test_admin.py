"""The Django admin cannot change a version's words from the role page: a version is changed only on its own page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import RubricVersionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_role_page_lists_its_versions_without_fields_to_change_them(login):
    rubric = RubricVersionFactory(title="Data Scientist", locked_at=timezone.now())
    client = login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:roles_role_change", args=[rubric.role.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Data Scientist" in html
    assert 'name="rubrics-0-title"' not in html
    assert 'name="rubrics-0-scale_min"' not in html


def test_a_locked_version_cannot_be_changed_on_its_own_page(login):
    rubric = RubricVersionFactory(title="Data Scientist", locked_at=timezone.now())
    client = login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:roles_rubricversion_change", args=[rubric.pk])

    client.post(url, {"title": "Renamed", "level": "x", "purpose": "y", "source": "z", "number": 1})

    rubric.refresh_from_db()
    assert rubric.title == "Data Scientist"
