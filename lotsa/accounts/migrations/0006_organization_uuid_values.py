"""A UUID of its own for every existing organisation."""

import uuid

from django.db import migrations


def fill(apps, schema_editor):
    Organization = apps.get_model("accounts", "Organization")
    rows = list(Organization.objects.filter(uuid__isnull=True).only("pk"))
    for row in rows:
        row.uuid = uuid.uuid4()
    Organization.objects.bulk_update(rows, ["uuid"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_organization_uuid"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
