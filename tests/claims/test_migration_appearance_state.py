"""claims 0013 turns the `awaiting_publication` flag into the appearance's state, rows and their
history alike, and back again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("claims", "0012_public_pk_index")]
AFTER = [("claims", "0013_appearance_state")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # The models as the database has them now. The other apps stay at their newest migrations,
    # but those that need the claims migration undone (sources 0007) are undone with it.
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_appearances_waiting_for_a_verdict_keep_waiting_and_the_others_are_public():
    old = migrate(BEFORE)
    claim = old.get_model("claims", "Claim").objects.create(text="A claim", language="en")
    speaker = old.get_model("claims", "Speaker").objects.create(name="S", slug="s")
    source = old.get_model("sources", "Source").objects.create(
        title="T", language="en", url_normalised=""
    )
    Appearance = old.get_model("claims", "Appearance")
    History = old.get_model("claims", "HistoricalAppearance")
    fields = {"claim": claim, "speaker": speaker, "source": source, "quote": "q"}
    waiting = Appearance.objects.create(awaiting_publication=True, quote_language="en", **fields)
    public = Appearance.objects.create(awaiting_publication=False, quote_language="en", **fields)
    for row in (waiting, public):
        History.objects.create(
            id=row.pk,
            claim_id=claim.pk,
            speaker_id=speaker.pk,
            source_id=source.pk,
            quote="q",
            quote_language="en",
            awaiting_publication=row.awaiting_publication,
            history_date="2026-01-01T00:00:00Z",
            history_type="+",
        )

    new = migrate(AFTER)
    states = dict(new.get_model("claims", "Appearance").objects.values_list("pk", "state"))
    assert states == {waiting.pk: "awaiting_publication", public.pk: "public"}
    history = dict(
        new.get_model("claims", "HistoricalAppearance").objects.values_list("id", "state")
    )
    assert history == states

    back = migrate(BEFORE)
    flags = dict(
        back.get_model("claims", "Appearance").objects.values_list("pk", "awaiting_publication")
    )
    assert flags == {waiting.pk: True, public.pk: False}
    migrate(executor_leaf())


def executor_leaf():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
