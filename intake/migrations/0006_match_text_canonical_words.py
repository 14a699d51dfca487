"""MatchText rebuilt in the words matching now compares (intake.matchtext.folded_words): numbers
in digits, comparisons as one word, function words out. Batches of BATCH claims; at a million
claims this takes minutes."""

from django.db import migrations

from intake.matchtext import folded_words

BATCH = 2000


def rebuild(apps, schema_editor):
    MatchText = apps.get_model("intake", "MatchText")
    Claim = apps.get_model("claims", "Claim")
    rows = Claim.objects.order_by("pk").values_list("pk", "text", "translation")
    batch = []
    for pk, text, translation in rows.iterator(chunk_size=BATCH):
        batch.append(
            MatchText(claim_id=pk, text=folded_words(text), translation=folded_words(translation))
        )
        if len(batch) == BATCH:
            MatchText.objects.bulk_update(batch, ["text", "translation"])
            batch = []
    MatchText.objects.bulk_update(batch, ["text", "translation"])


class Migration(migrations.Migration):
    dependencies = [("intake", "0005_article_sentence_count")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
