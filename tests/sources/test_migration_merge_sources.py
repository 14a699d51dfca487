"""sources 0007 merges the sources stored twice for one page into the oldest, keeping every
appearance, evidence and article import that pointed at a duplicate, and leaves a history row
for each duplicate; then one URL makes one source."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("sources", "0006_source_url_outbound_policy")]
AFTER = [("sources", "0007_merge_sources_of_one_url")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "sources"]
    return executor.loader.project_state(targets + others).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_duplicate_sources_are_merged_keeping_their_links_evidence_and_appearances():
    old = migrate(BEFORE)
    Source = old.get_model("sources", "Source")
    outlet = old.get_model("sources", "Outlet").objects.create(name="Daily", slug="daily")
    url = "https://daily.example.org/a"
    kept = Source.objects.create(title="A", url=url, url_normalised=url, language="en")
    twin = Source.objects.create(
        title="A again", url=url + "?utm_source=x", url_normalised=url, language="en"
    )
    third = Source.objects.create(
        title="A, third", url=url, url_normalised=url, language="en", outlet=outlet
    )
    alone = Source.objects.create(title="B", url="", url_normalised="", language="en")
    also_blank = Source.objects.create(title="C", url="", url_normalised="", language="en")

    claim = old.get_model("claims", "Claim").objects.create(text="A claim", language="en")
    speaker = old.get_model("claims", "Speaker").objects.create(name="S", slug="s")
    Appearance = old.get_model("claims", "Appearance")
    said = Appearance.objects.create(
        claim=claim, speaker=speaker, source=twin, quote="q", quote_language="en"
    )
    rating = old.get_model("claims", "RatingLevel").objects.first()
    author = old.get_model("auth", "User").objects.create(username="writer")
    review = old.get_model("claims", "Review").objects.create(
        claim=claim, rating=rating, author=author
    )
    cited = old.get_model("claims", "Evidence").objects.create(
        review=review, source=third, stance="supports"
    )
    job = old.get_model("intake", "ArticleImport").objects.create(
        url=url, source=twin, created_by=author
    )

    new = migrate(AFTER)
    Source = new.get_model("sources", "Source")
    assert set(Source.objects.values_list("pk", flat=True)) == {kept.pk, alone.pk, also_blank.pk}
    assert Source.objects.get(pk=kept.pk).outlet_id == outlet.pk  # filled in from a duplicate
    assert new.get_model("claims", "Appearance").objects.get(pk=said.pk).source_id == kept.pk
    assert new.get_model("claims", "Evidence").objects.get(pk=cited.pk).source_id == kept.pk
    assert new.get_model("intake", "ArticleImport").objects.get(pk=job.pk).source_id == kept.pk
    merged = new.get_model("sources", "HistoricalSource").objects.filter(history_type="-")
    assert sorted(merged.values_list("id", "history_change_reason")) == [
        (twin.pk, f"merged into source #{kept.pk} (the same URL)"),
        (third.pk, f"merged into source #{kept.pk} (the same URL)"),
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(title="again", url=url, url_normalised=url, language="en")
