"""A task keeps only which definition-of-done items are ticked; the texts are
its playbook version's, which never change once published. The texts made a
task row about three times as wide, so lists of finished work read three times
the table pages.

On PostgreSQL the space the old column held comes back only when the table is
rewritten: see docs/operations.md (VACUUM FULL work_task, at a quiet hour)."""

from django.db import migrations, models

BATCH = 2000


def _write(rows, tasks, field):
    """Save ``field`` of the changed tasks ``tasks`` yields, BATCH at a time."""
    batch = []
    for task in tasks:
        batch.append(task)
        if len(batch) >= BATCH:
            rows.bulk_update(batch, [field])
            batch = []
    if batch:
        rows.bulk_update(batch, [field])


def to_ticked(apps, schema_editor):
    Task = apps.get_model("work", "Task")
    rows = Task._default_manager.using(schema_editor.connection.alias)

    def changed():
        for task in rows.only("pk", "checklist").iterator(BATCH):
            task.checklist_ticked = [
                i for i, item in enumerate(task.checklist) if item.get("done")
            ]
            if task.checklist_ticked:
                yield task

    _write(rows, changed(), "checklist_ticked")


def to_checklist(apps, schema_editor):
    Task = apps.get_model("work", "Task")
    rows = Task._default_manager.using(schema_editor.connection.alias)

    def changed():
        tasks = rows.filter(playbook_version__isnull=False).select_related(
            "playbook_version"
        )
        for task in tasks.iterator(BATCH):
            ticked = set(task.checklist_ticked)
            texts = task.playbook_version.definition_of_done
            task.checklist = [
                {"text": text, "done": index in ticked}
                for index, text in enumerate(texts)
            ]
            yield task

    _write(rows, changed(), "checklist")


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0003_task_closed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="checklist_ticked",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Positions of the ticked definition-of-done items, from 0.",
            ),
        ),
        migrations.RunPython(to_ticked, to_checklist),
        migrations.RemoveField(
            model_name="task",
            name="checklist",
        ),
    ]
