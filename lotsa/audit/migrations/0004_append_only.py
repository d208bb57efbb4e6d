from django.db import migrations, models

from lotsa.audit import triggers


def install(apps, schema_editor):
    triggers.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    """Every event has its place in the chain; the table refuses UPDATE and DELETE."""

    dependencies = [
        ("audit", "0003_chain_existing_events"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(editable=False, unique=True),
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
