"""The full-text index table: FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL."""

from django.db import migrations


def create(apps, schema_editor):
    from lotsa.directory.search import create_table_sql

    for statement in create_table_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    from lotsa.directory.search import drop_table_sql

    for statement in drop_table_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
