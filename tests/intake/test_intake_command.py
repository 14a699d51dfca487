"""manage.py extract_claims as docs/contract.md describes it: JSON on stdout, progress on stderr."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db
SEED = Path(__file__).resolve().parents[2] / "demo" / "article-vi.txt"


def test_the_seed_is_listed_best_first_as_json_with_repeats(make_claim):
    repeated = make_claim("published", text="Trung Quốc chậm hơn Mỹ từ 2-3 năm.")
    out, err = io.StringIO(), io.StringIO()

    call_command("extract_claims", str(SEED), "--json", stdout=out, stderr=err)

    rows = json.loads(out.getvalue())  # the progress bar went to stderr
    assert "Looking for repeats" in err.getvalue()
    assert rows and all({"text", "score", "reasons", "speaker", "matches"} <= set(r) for r in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    seed = SEED.read_text()
    assert all(r["text"] in seed for r in rows)
    lag = next(r for r in rows if r["text"].startswith("Bà cũng ước tính Trung Quốc chậm hơn"))
    assert lag["speaker"] == "Jenny Xiao"  # named before it, in the same paragraph or earlier
    assert lag["matches"][0]["claim"] == repeated.pk


def test_a_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="There is no file at"):
        call_command("extract_claims", "/no/such/article.txt", "--no-progress")
