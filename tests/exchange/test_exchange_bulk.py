"""A feed of 10,000 ClaimReviews is imported in bounded memory (stream-parsed, saved chunk by
chunk), with a progress bar."""

import io
import json
import tracemalloc

import pytest
from django.core.management import call_command

from exchange.models import ExternalReview
from tests.exchange_support import claim_review

ITEMS = 10_000


def write_feed(path, count: int) -> int:
    """Write a DataFeed of `count` items without holding it in memory; returns its size."""
    with path.open("w") as out:
        out.write('{"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": [')
        for n in range(count):
            element = {"@type": "DataFeedItem", "item": [claim_review(n)]}
            out.write(("," if n else "") + json.dumps(element))
        out.write("]}")
    return path.stat().st_size


@pytest.mark.django_db
def test_ten_thousand_items_are_imported_in_bounded_memory_with_a_progress_bar(tmp_path):
    path = tmp_path / "feed.json"
    size = write_feed(path, ITEMS)
    out, err = io.StringIO(), io.StringIO()

    tracemalloc.start()
    try:
        call_command("import_claimreview", str(path), stdout=out, stderr=err)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert ExternalReview.objects.count() == ITEMS
    assert (
        f"{ITEMS} read: {ITEMS} created, 0 updated, 0 unchanged, 0 repeated in the file, 0 skipped"
        in out.getvalue()
    )
    bar = err.getvalue()
    assert "Importing" in bar and "100%" in bar
    assert bar.count("%|") >= 3, "the bar moves as chunks are saved, not only at the end"
    # Parsed at once, this 6.4 MiB feed takes about 32 MiB of Python objects (json.loads, as
    # measured in bench/README.md); streamed in chunks of 500 the import peaks near 3.6 MiB.
    print(f"feed {size / 2**20:.1f} MiB, peak traced memory {peak / 2**20:.1f} MiB")
    assert peak < size
