"""Speakers saved before slugs were transliterated may have an empty slug (a name in Chinese,
Japanese or Korean script slugified to ""): give each one a slug their page can be found at."""

from django.db import migrations

from tracker.text import unique_slug


def fill_empty_slugs(apps, schema_editor):
    Speaker = apps.get_model("claims", "Speaker")
    for speaker in Speaker.objects.filter(slug="").order_by("pk"):
        speaker.slug = unique_slug(
            Speaker, speaker.name, max_length=200, fallback=f"speaker-{speaker.pk}"
        )
        speaker.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_search_document")]

    operations = [migrations.RunPython(fill_empty_slugs, migrations.RunPython.noop)]
