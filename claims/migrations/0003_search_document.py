"""Accent-folded search text on each claim, filled for existing claims, and on PostgreSQL a GIN
index over the same to_tsvector() expression that claims.search queries."""

from django.db import migrations, models

from claims.search import SEARCH_CONFIG, words

INDEX_NAME = "claim_search_document_gin"


def search_index():
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return GinIndex(SearchVector("search_document", config=SEARCH_CONFIG), name=INDEX_NAME)


def fill(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    claims = Claim.objects.select_related("published_review").prefetch_related(
        "topics", "appearances__speaker"
    )
    for claim in claims.iterator(chunk_size=500):
        parts = [claim.text, claim.translation]
        parts += [f"{t.name} {t.name_vi}" for t in claim.topics.all()]
        for a in claim.appearances.all():
            parts += [a.quote, a.quote_translation, a.speaker.name]
        if claim.published_review_id:
            parts.append(claim.published_review.summary)
        document = " ".join(words(" ".join(parts)))
        Claim.objects.filter(pk=claim.pk).update(search_document=document)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("claims", "Claim"), search_index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("claims", "Claim"), search_index())


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0002_rating_scale_and_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="search_document",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search text"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(add_index, remove_index),
    ]
