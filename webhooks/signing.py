"""The signature of a delivery: HMAC-SHA256 of "<unix time>.<body>" with the endpoint's secret.

Header: `Scorecards-Signature: t=<unix time>,v1=<hex digest>`. docs/webhook_verify.py shows a receiver's check.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Scorecards-Signature"


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
