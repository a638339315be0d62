import uuid

from django.db import migrations, models


def create_mark(apps, schema_editor):
    AccessMark = apps.get_model("access", "AccessMark")
    AccessMark.objects.using(schema_editor.connection.alias).create(
        id=1, token=uuid.uuid4()
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="AccessMark",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(
                        default=1, primary_key=True, serialize=False
                    ),
                ),
                ("token", models.UUIDField(default=uuid.uuid4)),
            ],
        ),
        migrations.RunPython(create_mark, migrations.RunPython.noop),
    ]
