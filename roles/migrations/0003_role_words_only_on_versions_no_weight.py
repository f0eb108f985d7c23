"""The role keeps only its slug (its words now live on each version); dimensions lose `weight`.

Fixtures never stated a weight (every dimension had 1), and a weighted mean would be a second
definition of every mean the debrief, pipeline and exports show.
"""

from __future__ import annotations

from django.db import migrations, models

WORDS = ("title", "level", "purpose", "source")


def words_to_roles(apps, schema_editor) -> None:
    """Going back: each role gets the words of its newest version."""
    Role = apps.get_model("roles", "Role")
    for role in Role.objects.all():
        newest = role.rubrics.order_by("-number").first()
        if newest is not None:
            for field in WORDS:
                setattr(role, field, getattr(newest, field))
            role.save(update_fields=WORDS)


class Migration(migrations.Migration):
    dependencies = [("roles", "0002_rubric_version_carries_role_words")]

    operations = [
        migrations.RemoveConstraint(model_name="role", name="role_title_not_blank"),
        migrations.RemoveConstraint(model_name="role", name="role_purpose_not_blank"),
        migrations.RunPython(migrations.RunPython.noop, words_to_roles),
        # Defaults first, only so that going back can add the columns to existing rows again.
        migrations.AlterField(model_name="role", name="title", field=models.CharField(default="", max_length=200)),
        migrations.AlterField(model_name="role", name="level", field=models.CharField(default="", max_length=60)),
        migrations.AlterField(model_name="role", name="purpose", field=models.TextField(default="")),
        migrations.AlterField(model_name="role", name="source", field=models.CharField(default="", max_length=200)),
        migrations.RemoveField(model_name="role", name="title"),
        migrations.RemoveField(model_name="role", name="level"),
        migrations.RemoveField(model_name="role", name="purpose"),
        migrations.RemoveField(model_name="role", name="source"),
        migrations.AlterModelOptions(name="role", options={"ordering": ["slug"]}),
        migrations.AlterModelOptions(name="rubricversion", options={"ordering": ["role__slug", "-number"]}),
        migrations.AddConstraint(
            model_name="rubricversion",
            constraint=models.CheckConstraint(condition=~models.Q(title=""), name="rubric_title_not_blank"),
        ),
        migrations.AddConstraint(
            model_name="rubricversion",
            constraint=models.CheckConstraint(condition=~models.Q(purpose=""), name="rubric_purpose_not_blank"),
        ),
        migrations.RemoveConstraint(model_name="dimension", name="dimension_weight_positive"),
        migrations.RemoveField(model_name="dimension", name="weight"),
    ]
