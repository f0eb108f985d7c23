"""A person's interviews by time, with their submission time: hiring health's interviewer table groups the
period's latencies from the index alone. It covers the (interviewer, scheduled_at) index it replaces, which goes
after it is built so that a person's lists are never without one."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0025_home_indexes"),
        ("roles", "0007_decision_rule"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="interview",
            index=models.Index(
                fields=["interviewer", "scheduled_at", "scorecard_submitted_at"], name="interview_interviewer_latency"
            ),
        ),
        migrations.RemoveIndex(
            model_name="interview",
            name="hiring_inte_intervi_266227_idx",
        ),
    ]
