"""Source.url_normalised: the URL spelled like cited links, indexed, so that the API's
`appearance_url` lookup is one indexed query; filled here for the sources already stored."""

from django.db import migrations, models

from sources.linkcheck.normalize import normalize_url


def normalised_or_blank(url: str) -> str:
    try:
        return normalize_url(url)
    except ValueError:
        return ""


def fill(apps, schema_editor):
    Source = apps.get_model("sources", "Source")
    batch = []
    for source in Source.objects.exclude(url="").only("pk", "url").iterator(chunk_size=2000):
        source.url_normalised = normalised_or_blank(source.url)
        batch.append(source)
        if len(batch) == 2000:
            Source.objects.bulk_update(batch, ["url_normalised"])
            batch = []
    Source.objects.bulk_update(batch, ["url_normalised"])


class Migration(migrations.Migration):
    dependencies = [("sources", "0004_link_check_schedule")]

    operations = [
        migrations.AddField(
            model_name="source",
            name="url_normalised",
            field=models.CharField(
                blank=True,
                db_index=True,
                editable=False,
                max_length=2500,
                verbose_name="normalised URL",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
