"""The times a speaker's public claims were said, and said after their verdict, kept beside the
speaker's record (claims.stats) instead of counted on each view of the speaker's page."""

from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import GreaterThan


def count_said(apps, schema_editor):
    """claims.stats._counts as of this migration, for the rows already there."""
    Claim = apps.get_model("claims", "Claim")
    SpeakerRecord = apps.get_model("claims", "SpeakerRecord")
    said_on = Coalesce("appearances__said_on", "appearances__source__published_on")
    rows = (
        Claim.objects.filter(published_review__isnull=False, appearances__state="public")
        .order_by()
        .values_list("appearances__speaker_id", "published_review__rating_id")
        .annotate(
            n=Count("pk", distinct=True),
            said=Count("appearances", distinct=True),
            after=Count(
                "appearances",
                distinct=True,
                filter=GreaterThan(said_on, TruncDate("first_published_at")),
            ),
        )
    )
    SpeakerRecord.objects.bulk_create(
        [
            SpeakerRecord(speaker_id=s, rating_id=r, claims=n, said=said, said_after_check=after)
            for s, r, n, said, after in rows.iterator(chunk_size=5000)
        ],
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["speaker", "rating"],
        update_fields=["claims", "said", "said_after_check"],
    )


def analyze(apps, schema_editor):
    """The read model's tables were filled by 0015 and 0016 and the records here: without
    statistics PostgreSQL plans the biggest speaker's page as a scan (289 ms at 105,000 claims,
    34 ms for the whole page after ANALYZE), until autovacuum gets round to them."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ANALYZE claims_publishedclaim, claims_publishedfacet, claims_speakerrecord"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0016_read_model_filter_tags"),
    ]

    operations = [
        migrations.AddField(
            model_name="speakerrecord",
            name="said",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="speakerrecord",
            name="said_after_check",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_said, migrations.RunPython.noop),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
