"""How a receiver checks a Scorecards webhook (standard library only; copy it into your receiver).

    ok = verify(secret="whsec_…", header=request.headers["Scorecards-Signature"], body=request.body)

`body` is the raw request body, exactly as received (before any JSON parsing).
"""

from __future__ import annotations

import hashlib
import hmac
import time


def verify(*, secret: str, header: str, body: bytes, tolerance: int = 300, now: float | None = None) -> bool:
    """True when the header signs this body with this secret, less than `tolerance` seconds ago."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False  # too old (or from the future): a replay
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))
