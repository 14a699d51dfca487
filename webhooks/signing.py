"""Signing webhook bodies: plain Python, so consumers can copy `verify()` as it is.

The signature is HMAC-SHA256, keyed with the endpoint's secret, over "<timestamp>.<body>",
sent as `Claimtrack-Signature: v1=<hex>` with `Claimtrack-Timestamp: <unix seconds>`.
"""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Claimtrack-Signature"
TIMESTAMP_HEADER = "Claimtrack-Timestamp"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    received: str,
    *,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when `received` signs `body` at `timestamp` and the timestamp is recent enough."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - sent_at) > tolerance:
        return False  # an old, replayed request
    return hmac.compare_digest(signature(secret, sent_at, body), received)
