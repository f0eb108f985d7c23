"""Title, level, purpose and source are copied from the role to each rubric version.

Every existing version gets its role's current words, which is what every loop showed until now.
"""

from __future__ import annotations

from django.db import migrations, models

WORDS = ("title", "level", "purpose", "source")


def words_to_versions(apps, schema_editor) -> None:
    RubricVersion = apps.get_model("roles", "RubricVersion")
    for rubric in RubricVersion.objects.select_related("role"):
        for field in WORDS:
            setattr(rubric, field, getattr(rubric.role, field))
        rubric.save(update_fields=WORDS)


class Migration(migrations.Migration):
    dependencies = [("roles", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="rubricversion",
            name="title",
            field=models.CharField(default="", max_length=200),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="rubricversion",
            name="level",
            field=models.CharField(default="", max_length=60),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="rubricversion",
            name="purpose",
            field=models.TextField(default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="rubricversion",
            name="source",
            field=models.CharField(
                default="", help_text="The blueprint file this version was written from.", max_length=200
            ),
            preserve_default=False,
        ),
        migrations.RunPython(words_to_versions, migrations.RunPython.noop),
    ]
