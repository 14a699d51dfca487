"""The read model holds each public claim's search text, and on PostgreSQL one tsvector of its
words and its filter tags under one GIN index, so that a search with any filters is answered
by one index (claims.search.search_published)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

# The words' lexemes without their positions (a search matches words, and ranks by the
# claim's own vector: a row a third smaller), and each tag as the lexeme `~<tag>`. The parser
# never makes a lexeme with `~`, so no word can match a tag, nor a tag a word's prefix.
VECTOR = (
    "ALTER TABLE claims_publishedclaim ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "strip(to_tsvector('simple'::regconfig, document)) || array_to_tsvector(string_to_array("
    "regexp_replace(btrim(tags), '(\\S+)', '~\\1', 'g'), ' '))) STORED",
    "CREATE INDEX readmodel_search_gin ON claims_publishedclaim USING gin (search_vector)",
    "DROP INDEX IF EXISTS readmodel_tags_gin",
    "ANALYZE claims_publishedclaim",
)
NO_VECTOR = (
    "CREATE INDEX readmodel_tags_gin ON claims_publishedclaim "
    "USING gin (to_tsvector('simple'::regconfig, tags))",
    "ALTER TABLE claims_publishedclaim DROP COLUMN search_vector",
)


def fill(apps, schema_editor):
    """Each row's search text is its claim's (claims.search keeps the claim's search_document
    as the public face's words; `manage.py rebuild_read_model --check` confirms it): one
    UPDATE."""
    Claim = apps.get_model("claims", "Claim")
    PublishedClaim = apps.get_model("claims", "PublishedClaim")
    text = Claim.objects.filter(pk=OuterRef("claim_id")).values("search_document")[:1]
    PublishedClaim.objects.update(document=Coalesce(Subquery(text), Value("")))


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0018_published_claim_payload"),
    ]

    operations = [
        migrations.AddField(
            model_name="publishedclaim",
            name="document",
            field=models.TextField(default="", verbose_name="search text"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(_run(VECTOR), _run(NO_VECTOR)),
    ]
