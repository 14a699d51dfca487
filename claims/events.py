"""The record's two events. The record sends them; what lives above it (and keeps data derived
from the record, or tells the world) listens. tests/claims/test_events.py pins every listener,
so that a consequence wired up elsewhere shows here first.

- `faces_changed`: the public face of some claims changed. Sent by claims.dependents inside the
  writing transaction, once it has moved their updated_at (ETag), retired the cached pages and
  refreshed (or queued) their search text; with `claim_ids` and `fields` (for an edited claim
  the names of its changed fields, "topics" included; None for other kinds). `sender` is the
  edited row's model. Listeners, in order of connection:
    1. intake.matchtext: rebuilds the match text of claims whose text or translation changed;
    2. webhooks.receivers: queues `claim.updated` (in the outbox, once per transaction) for
       published claims whose own content (slug, topics, appearances) was edited.
- `claim_announced`: one claim has news for the outside world (`event`: "claim.published",
  "claim.corrected", "claim.updated", "claim.repeated" with `appearance_id`), sent inside the
  writing transaction, after its last write, by the transition service, by the re-check sweep,
  by the confirmation of a repeat (services.appearance_confirm) and by webhooks' own
  `claim.updated` task (queued in the outbox by an edit, run after its commit). Listeners write
  in that transaction and hand their work on through the outbox (tracker.outbox), so a change
  and its announcements commit together or not at all; a listener's failure undoes the change.
  Listeners, in order of connection:
    1. webhooks.receivers: records the event and its deliveries;
    2. follows.receivers: records the news (a new verdict, a correction, a confirmed repeat)
       once, for the Celery tasks that mail the claim's, its speakers' and its topics'
       followers.
"""

from django.dispatch import Signal

faces_changed = Signal()
claim_announced = Signal()
