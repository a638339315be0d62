"""A task keeps only which definition-of-done items are ticked; the texts are
its playbook version's, which never change once published (tasks were only ever
given their version's texts). The texts made a task row about twice as wide (839
bytes against 400 in the queue bench), so lists of finished work read twice the
table pages.

On PostgreSQL the space the old column held comes back only when the table is
rewritten: see docs/operations.md (VACUUM FULL work_task, at a quiet hour)."""

from django.db import migrations, models

BATCH = 2000

# One statement, in the database: for the queue bench's million tasks on
# PostgreSQL the migration took 3.5 minutes this way, 11.7 row by row through
# Python (the rows stay locked until it ends).
TICKED_SQL = {
    "postgresql": """
        UPDATE work_task SET checklist_ticked = (
            SELECT jsonb_agg(e.ord - 1 ORDER BY e.ord)
            FROM jsonb_array_elements(work_task.checklist)
                WITH ORDINALITY AS e(item, ord)
            WHERE e.item -> 'done' = 'true'::jsonb
        )
        WHERE checklist @> '[{"done": true}]'::jsonb
    """,
    "sqlite": """
        UPDATE work_task SET checklist_ticked = (
            SELECT json_group_array(key) FROM (
                SELECT key FROM json_each(work_task.checklist)
                WHERE json_extract(value, '$.done') IS 1 ORDER BY key
            )
        )
        WHERE EXISTS (
            SELECT 1 FROM json_each(work_task.checklist)
            WHERE json_extract(value, '$.done') IS 1
        )
    """,
}


def to_ticked(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(TICKED_SQL[schema_editor.connection.vendor])


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

    batch = []
    for task in changed():
        batch.append(task)
        if len(batch) >= BATCH:
            rows.bulk_update(batch, ["checklist"])
            batch = []
    if batch:
        rows.bulk_update(batch, ["checklist"])


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
