"""Fill the new ids, and give the vocabularies' terms the same id in every installation.

A term's id is derived from its vocabulary and code (UUID version 5 in Lotsa's namespace),
so that partners who filter by `taxonomy_term_id` can use one id for every municipality's
Lotsa, and a directory exported from one installation imports into another with its terms.
The same derivation is `lotsa.directory.models.term_uuid`."""

import uuid

from django.db import migrations

NAMESPACE = uuid.UUID("1be164c6-6c48-571b-8f0a-fa42e8d94bf6")  # uuid5(URL, "urn:lotsa:hsds")


def fill(apps, schema_editor):
    Place = apps.get_model("directory", "Place")
    Schedule = apps.get_model("directory", "Schedule")
    Term = apps.get_model("directory", "Term")
    places = list(Place.objects.filter(service_at_location_uuid__isnull=True).only("pk"))
    for place in places:
        place.service_at_location_uuid = uuid.uuid4()
    Place.objects.bulk_update(places, ["service_at_location_uuid"], batch_size=1000)
    schedules = list(Schedule.objects.filter(uuid__isnull=True).only("pk"))
    for schedule in schedules:
        schedule.uuid = uuid.uuid4()
    Schedule.objects.bulk_update(schedules, ["uuid"], batch_size=1000)
    terms = list(Term.objects.all())
    for term in terms:
        term.uuid = uuid.uuid5(NAMESPACE, f"term:{term.vocabulary}:{term.code}")
    Term.objects.bulk_update(terms, ["uuid"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_hsds_ids"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
