import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0006_hsds_id_values"),
    ]

    operations = [
        migrations.AlterField(
            model_name="place",
            name="service_at_location_uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="schedule",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
