"""Events sent after an editorial change commits; webhooks and caches listen to them.

Each is sent with `claim_id` and `event` ("claim.published", "claim.updated", "claim.corrected").
"""

from django.dispatch import Signal

claim_changed = Signal()
