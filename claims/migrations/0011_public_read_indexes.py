"""Indexes for the public read path at archive scale (issue 12), plain SQL both databases take.

- `claim_public_updated_idx`: the API's claim list (newest change first, published only). The
  newest claims are the ones still in the workflow, so a walk down the full (updated_at, id)
  index skipped all of them first: 50,000 rows at a million claims before the first public one.
- `claim_public_id_idx`: the sitemap index's highest public claim, and its sections' pk ranges,
  without stepping over the unpublished tail either; it holds what a section lists (slug and
  updated_at), so a section of 10,000 claims is read from the index alone, not from 10,000
  rows of a table whose rows carry the claims' texts.
- `claim_dead_evidence_idx`: the few claims whose evidence died, for claims.recheck's
  due_for_recheck() (the admin's "Due for re-check" queue), without reading every claim.
- `evidence_source_review_idx`: "cited by" on a source page, an EXISTS per claim on
  (source, review), answered from the index instead of every evidence row of each review.

Declared here rather than in the models' Meta.indexes only to keep this branch clear of the
models' split into a package (another branch); moving them to Meta later needs a
SeparateDatabaseAndState with these names.
"""

from django.db import migrations

PUBLIC = "WHERE published_review_id IS NOT NULL"
INDEXES = {
    "claim_public_updated_idx": f"claims_claim (updated_at, id) {PUBLIC}",
    "claim_public_id_idx": f"claims_claim (id, updated_at, slug) {PUBLIC}",
    "evidence_source_review_idx": "claims_evidence (source_id, review_id)",
    "claim_dead_evidence_idx": "claims_claim (id) WHERE evidence_dead_since IS NOT NULL",
}


class Migration(migrations.Migration):
    dependencies = [("claims", "0010_published_face")]

    operations = [
        migrations.RunSQL(f"CREATE INDEX {name} ON {target}", f"DROP INDEX {name}")
        for name, target in INDEXES.items()
    ]
