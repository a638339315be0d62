"""Load the starter courts, deadline rules and declared holidays."""

from django.db import migrations


def load(apps, schema_editor):
    from firmdesk.scheduling.migrations import _reference

    _reference.load(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
