"""The ids HSDS needs: a place's service_at_location id and the id of a location several
offerings share, and a schedule's id. Added empty, filled in 0006, made unique in 0007."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_organization_uuid_unique"),
        ("directory", "0004_offering_referral_teams"),
    ]

    operations = [
        migrations.AddField(
            model_name="place",
            name="location_uuid",
            field=models.UUIDField(blank=True, db_index=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="place",
            name="service_at_location_uuid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="schedule",
            name="uuid",
            field=models.UUIDField(null=True, editable=False),
        ),
    ]
