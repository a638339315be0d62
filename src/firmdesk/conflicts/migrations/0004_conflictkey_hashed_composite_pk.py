# The conflict index stores each key as an 8-byte hash, and its primary key is
# (firm, key, contact): no id column, no separate unique index. The old rows
# cannot be converted (they hold the key text, the new ones its hash), so the
# table is recreated and every firm's index rebuilt here, in the migration's
# transaction: a firm that upgrades never searches a half-old index.

import django.db.models.deletion
from django.db import migrations, models


def rebuild_every_index(apps, schema_editor):
    from firmdesk.conflicts.services import index_rebuild_all

    index_rebuild_all(
        apps.get_model("matters", "Contact"),
        apps.get_model("matters", "ContactAlias"),
        conn=schema_editor.connection,
    )


def vacuum_often(apps, schema_editor):
    """PostgreSQL: vacuum and analyze the key table after 1 % of its rows
    change, not the default 20 %. A search reads the index only when the
    visibility map is current; at 20 million rows the default waits for four
    million changes (docs/conflicts.md, PostgreSQL settings for large firms)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE conflicts_conflictkey SET ("
            "autovacuum_vacuum_scale_factor = 0.01, "
            "autovacuum_vacuum_insert_scale_factor = 0.01, "
            "autovacuum_analyze_scale_factor = 0.02)"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('conflicts', '0003_conflictcheck_kind'),
        ('matters', '0005_contact_sensitive_fields'),
        ('orgs', '0002_usersession'),
    ]

    operations = [
        migrations.DeleteModel(name='ConflictKey'),
        migrations.CreateModel(
            name='ConflictKey',
            fields=[
                ('pk', models.CompositePrimaryKey('firm', 'key', 'contact', blank=True, editable=False, primary_key=True, serialize=False)),
                ('firm', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.organization')),
                ('key', models.BigIntegerField()),
                ('contact', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='matters.contact')),
            ],
        ),
        migrations.RunPython(vacuum_often, migrations.RunPython.noop),
        migrations.RunPython(rebuild_every_index, migrations.RunPython.noop),
    ]
