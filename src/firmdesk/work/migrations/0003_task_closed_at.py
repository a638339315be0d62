"""Tasks remember when they were finished, so queues can show finished work by a
window ("the last 30 days") through an index instead of reading 18 months of it."""

from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Task = apps.get_model("work", "Task")
    rows = Task._default_manager.using(schema_editor.connection.alias)
    rows.filter(status="done").update(
        closed_at=Coalesce("completed_at", "approved_at", "updated_at")
    )
    rows.filter(status="approved").update(
        closed_at=Coalesce("approved_at", "updated_at")
    )
    # A cancelled task was last changed when it was cancelled.
    rows.filter(status="cancelled").update(closed_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0002_playbooks_reviews_routing"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="closed_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When it last became approved, done or cancelled; empty while open.",
                null=True,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                fields=["firm", "status", "closed_at"],
                name="work_task_firm_id_8dde2b_idx",
            ),
        ),
        migrations.RemoveIndex(model_name="task", name="work_task_firm_id_6518d7_idx"),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                fields=["firm", "matter", "status", "closed_at"],
                name="work_task_firm_id_16d77b_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                fields=["firm", "assignee", "status", "closed_at"],
                name="work_task_firm_id_1a1275_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                fields=["firm", "engagement", "status", "function", "closed_at"],
                name="work_task_firm_id_bc1d50_idx",
            ),
        ),
    ]
