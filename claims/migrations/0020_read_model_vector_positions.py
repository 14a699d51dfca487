"""The read model's tsvector keeps its words' positions, so that a search ranks its candidates
from the row it matched them in (claims.search), as the claim's own vector ranks them, instead
of reading each candidate's claim row (at a million claims, 1,000 scattered rows a search).
PostgreSQL 15 cannot change a generated column's expression: the column is made anew, in one
transaction; then the table is vacuumed (outside it), or the searches' walks of the verdict
index would read every row's heap page until autovacuum came by (23-50 ms a search at 100,000
claims)."""

from django.db import migrations, transaction

_TAGS = (
    "array_to_tsvector(string_to_array(regexp_replace(btrim(tags), '(\\S+)', '~\\1', 'g'), ' '))"
)


def _vector(words: str) -> tuple[str, ...]:
    return (
        "ALTER TABLE claims_publishedclaim DROP COLUMN search_vector",
        "ALTER TABLE claims_publishedclaim ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        f"{words} || {_TAGS}) STORED",
        "CREATE INDEX readmodel_search_gin ON claims_publishedclaim USING gin (search_vector)",
    )


WITH_POSITIONS = _vector("to_tsvector('simple'::regconfig, document)")
WITHOUT_POSITIONS = _vector("strip(to_tsvector('simple'::regconfig, document))")


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with transaction.atomic(using=schema_editor.connection.alias):
                for statement in statements:
                    schema_editor.execute(statement)
            schema_editor.execute("VACUUM ANALYZE claims_publishedclaim")

    return run


class Migration(migrations.Migration):
    atomic = False  # VACUUM runs outside a transaction; the column's change is one (above)

    dependencies = [
        ("claims", "0019_read_model_search_text"),
    ]

    operations = [migrations.RunPython(_run(WITH_POSITIONS), _run(WITHOUT_POSITIONS))]
