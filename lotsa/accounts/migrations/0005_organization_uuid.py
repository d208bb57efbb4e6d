"""Organisations get a public UUID (the HSDS organization id): added empty, filled row by row
in 0006, then made unique in 0007 (the recipe for a unique field on a table with rows)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_cache_table"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="uuid",
            field=models.UUIDField(null=True, editable=False),
        ),
    ]
