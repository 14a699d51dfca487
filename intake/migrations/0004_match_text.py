"""MatchText: each claim's text and translation folded once, where intake.matching reads them,
filled here for the claims already stored. On PostgreSQL also `words`, a generated tsvector of
both with a GIN index (the rare-word prefilter) and a statistics target high enough that
pg_stats knows the frequency of the 10,000 commonest words; the expression indexes of 0002,
which folded every row at query time, are dropped."""

import django.db.models.deletion
from django.db import migrations, models

from intake.matchtext import folded_words

BATCH = 2000

FORWARD = [
    "ALTER TABLE intake_matchtext ADD COLUMN words tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, text || ' ' || translation)) STORED",
    "CREATE INDEX intake_matchtext_words_gin ON intake_matchtext USING gin (words)",
    "ALTER TABLE intake_matchtext ALTER COLUMN words SET STATISTICS 1000",
    "DROP INDEX IF EXISTS claim_text_fold_trgm",
    "DROP INDEX IF EXISTS claim_translation_fold_trgm",
    "ANALYZE intake_matchtext",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS claim_text_fold_trgm ON claims_claim "
    "USING gin (intake_fold(text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS claim_translation_fold_trgm ON claims_claim "
    "USING gin (intake_fold(translation) gin_trgm_ops)",
]


def fill(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    MatchText = apps.get_model("intake", "MatchText")
    batch = []
    rows = Claim.objects.values_list("pk", "text", "translation").iterator(chunk_size=BATCH)
    for pk, text, translation in rows:
        batch.append(
            MatchText(claim_id=pk, text=folded_words(text), translation=folded_words(translation))
        )
        if len(batch) == BATCH:
            MatchText.objects.bulk_create(batch)
            batch = []
    MatchText.objects.bulk_create(batch)


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0009_speaker_record_and_read_indexes"),
        ("intake", "0003_group_permissions"),
    ]

    operations = [
        migrations.CreateModel(
            name="MatchText",
            fields=[
                (
                    "claim",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="match_text",
                        serialize=False,
                        to="claims.claim",
                    ),
                ),
                ("text", models.TextField(blank=True)),
                ("translation", models.TextField(blank=True)),
            ],
            options={"verbose_name": "match text", "verbose_name_plural": "match texts"},
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
