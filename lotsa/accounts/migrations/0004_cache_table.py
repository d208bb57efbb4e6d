"""The cache table that rate limits count in (CACHES: dbcache://lotsa_cache by default).

`make demo` and deployments run `migrate`, not `createcachetable`: this creates the table of
every database cache configured when it runs (nothing for another cache backend). A database
cache configured later needs `manage.py createcachetable` (it is idempotent)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_key"),
    ]

    operations = [
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=True),
    ]
