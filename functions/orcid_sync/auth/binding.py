"""Values bound to one browser's flow, derived from the secret in that browser's cookie.

The PKCE verifier and the nonce of a flow are computed from the cookie's secret, never stored: a code
redeemed from another browser (or with another flow's state) carries the wrong nonce and fails PKCE.
"""

from __future__ import annotations

import base64
import hashlib


def flow_value(browser_secret: str, purpose: str) -> str:
    """43 URL-safe characters (256 bits), one per purpose; a valid PKCE verifier and nonce."""
    digest = hashlib.sha256(f"{purpose}:{browser_secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
