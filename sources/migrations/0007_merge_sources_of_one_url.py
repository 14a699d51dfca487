"""One source per normalised URL. Sources filed twice for one page (a double-click, three
parallel adds, intake's `.first()` picking either) are merged into the oldest before the
unique constraint is added: every row pointing at a duplicate (appearances, evidence, article
imports) points at the one kept, the kept one takes an outlet, a date or a link health row
only a duplicate had, and each duplicate leaves a history row saying where it went. Rows of
history keep the ids they recorded."""

from django.db import migrations, models
from django.db.models import Count
from django.utils import timezone

FILLED_IN = ("outlet_id", "published_on", "link_id")


def merge_duplicates(apps, schema_editor):
    Source = apps.get_model("sources", "Source")
    HistoricalSource = apps.get_model("sources", "HistoricalSource")
    pointing = [  # foreign keys to a source, hidden ones too; rows of history keep their ids
        rel
        for rel in Source._meta.get_fields(include_hidden=True)
        if rel.auto_created
        and not rel.concrete
        and (rel.one_to_many or rel.one_to_one)
        and not rel.related_model._meta.model_name.startswith("historical")
    ]
    history_fields = {field.attname for field in HistoricalSource._meta.concrete_fields}
    shared = (
        Source.objects.exclude(url_normalised="")
        .values("url_normalised")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("url_normalised", flat=True)
    )
    for url in list(shared):
        kept, *duplicates = Source.objects.filter(url_normalised=url).order_by("id")
        ids = [duplicate.pk for duplicate in duplicates]
        for rel in pointing:
            rel.related_model._base_manager.filter(**{f"{rel.field.name}_id__in": ids}).update(
                **{f"{rel.field.name}_id": kept.pk}
            )
        filled = {
            name: next((getattr(d, name) for d in duplicates if getattr(d, name)), None)
            for name in FILLED_IN
            if getattr(kept, name) is None
        }
        Source.objects.filter(pk=kept.pk).update(
            **{name: value for name, value in filled.items() if value is not None}
        )
        for duplicate in duplicates:
            HistoricalSource.objects.create(
                **{
                    field.attname: getattr(duplicate, field.attname)
                    for field in Source._meta.concrete_fields
                    if field.attname in history_fields
                },
                history_date=timezone.now(),
                history_type="-",
                history_change_reason=f"merged into source #{kept.pk} (the same URL)",
            )
        Source.objects.filter(pk__in=ids).delete()
    if schema_editor.connection.vendor == "postgresql":
        # Fire the deferred foreign key checks now: PostgreSQL builds no index on a table
        # with trigger events pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0006_source_url_outbound_policy"),
        # The rows that point at sources, re-pointed at the one kept.
        ("claims", "0013_appearance_state"),
        ("intake", "0005_article_sentence_count"),
    ]

    operations = [
        migrations.RunPython(merge_duplicates, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="source",
            constraint=models.UniqueConstraint(
                condition=models.Q(("url_normalised", ""), _negated=True),
                fields=("url_normalised",),
                name="source_unique_normalised_url",
                violation_error_message="A source with this URL is in the catalogue already.",
            ),
        ),
    ]
