"""Candidates found by name or email (hiring.search): the stored, normalised search column, filled for every
existing candidate, and on PostgreSQL a trigram index that serves "contains" searches."""

from __future__ import annotations

import sys
from typing import Any

import django.core.validators
import django.db.models.functions.text
import django.db.models.lookups
from django.db import DatabaseError, migrations, models, transaction

from hiring.search import SEARCH_TEXT_MAX, candidate_search_text

BATCH = 2_000
INDEX = "candidate_search_trgm"


def fill(apps: Any, schema_editor: Any) -> None:
    Candidate = apps.get_model("hiring", "Candidate")
    rows = Candidate.objects.using(schema_editor.connection.alias).only("pk", "name", "email").order_by("pk")
    batch = []
    for candidate in rows.iterator(chunk_size=BATCH):
        candidate.search_text = candidate_search_text(candidate.name, candidate.email)
        batch.append(candidate)
        if len(batch) == BATCH:
            Candidate.objects.using(schema_editor.connection.alias).bulk_update(batch, ["search_text"])
            batch = []
    Candidate.objects.using(schema_editor.connection.alias).bulk_update(batch, ["search_text"])


def trigram_index(apps: Any, schema_editor: Any) -> None:
    """PostgreSQL only: pg_trgm (created here when the role may) and a GIN trigram index on the column."""
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        print(
            f"\n  pg_trgm could not be created ({error}); candidate search works without its index. "
            f"As a superuser: CREATE EXTENSION pg_trgm; then CREATE INDEX {INDEX} ON hiring_candidate "
            "USING gin (search_text gin_trgm_ops);",
            file=sys.stderr,
        )
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON hiring_candidate USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("hiring", "0017_interview_of_no_exercise")]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="search_text",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="Name and email as hiring.search finds them; set on save.",
                max_length=SEARCH_TEXT_MAX,
                validators=[django.core.validators.MaxLengthValidator(SEARCH_TEXT_MAX)],
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="candidate",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("search_text"), SEARCH_TEXT_MAX
                ),
                name="candidate_search_text_length",
            ),
        ),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
