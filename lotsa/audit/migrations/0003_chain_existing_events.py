from django.db import migrations

from lotsa.audit import chain


def chain_existing_events(apps, schema_editor):
    """Chain the events written before the chain existed, in the order they were written."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    db = schema_editor.connection.alias
    sequence, previous = 0, chain.GENESIS
    batch = []
    for event in AuditEvent.objects.using(db).order_by("pk").iterator(chunk_size=2000):
        sequence += 1
        event.sequence = sequence
        event.previous_hash = previous
        event.hash = previous = chain.compute_hash(event)
        batch.append(event)
        if len(batch) == 2000:
            AuditEvent.objects.using(db).bulk_update(batch, ["sequence", "previous_hash", "hash"])
            batch = []
    AuditEvent.objects.using(db).bulk_update(batch, ["sequence", "previous_hash", "hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_chain_fields"),
    ]

    operations = [
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop, elidable=False),
    ]
