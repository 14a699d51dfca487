"""On PostgreSQL: pg_trgm and unaccent, an IMMUTABLE intake_fold() (lower(unaccent())) that
indexes may use, and GIN trigram indexes over the folded claim text and translation, which
intake.matching queries. SQLite skips all of it: matching there runs in Python (rapidfuzz)."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() is only STABLE (its dictionary could change); naming the dictionary in a SQL
    # function we declare IMMUTABLE is the documented way to index it.
    "CREATE OR REPLACE FUNCTION intake_fold(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$",
    "CREATE INDEX IF NOT EXISTS claim_text_fold_trgm ON claims_claim "
    "USING gin (intake_fold(text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS claim_translation_fold_trgm ON claims_claim "
    "USING gin (intake_fold(translation) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS claim_translation_fold_trgm",
    "DROP INDEX IF EXISTS claim_text_fold_trgm",
    "DROP FUNCTION IF EXISTS intake_fold(text)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_article_import"),
        ("claims", "0003_search_document"),
    ]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
