"""Events about claims; webhooks and caches listen to them.

- `claim_changed` is sent after an editorial change commits, with `claim_id` and `event`
  ("claim.published", "claim.updated", "claim.corrected").
- `claims_changed` is sent by claims.dependents inside the writing transaction, with
  `claim_ids` (the claims whose public face an edit changed: their updated_at, cached pages and
  search text are already refreshed) and `fields` (for an edited claim, the names of its changed
  fields, "topics" included; None for other objects). `sender` is the edited object's model.
"""

from django.dispatch import Signal

claim_changed = Signal()
claims_changed = Signal()
