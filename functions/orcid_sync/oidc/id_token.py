"""ID tokens (OpenID Connect), verified with PyJWT: signature by a key from the issuer's JWKS, issuer,
audience, expiry and the nonce of this browser's flow. Used for DTU's sign-in and ORCID's `openid` scope.

No crypto is written here: PyJWT checks the signature, the time claims, `iss` and `aud`; we add the nonce.
PyJWT and cryptography are imported when a token is first verified (a sign-in's or ORCID's callback), not
when the HTTP function starts: most cold starts serve a page that verifies nothing, and the two cost about
a tenth of a second to import.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from orcid_sync.domain.errors import TryLater

if TYPE_CHECKING:
    from jwt import PyJWKClient

# Entra ID and ORCID both sign with RS256; accepting only what we expect rules out "none" and HS256 tricks.
ALGORITHMS = ("RS256",)
# Clock skew tolerated between us and the issuer.
LEEWAY_SECONDS = 60
REQUIRED_CLAIMS = ("iss", "aud", "exp", "iat", "sub", "nonce")


class IdTokenRejected(Exception):
    """The ID token cannot be trusted; the message says why (never the token itself)."""


class JwksUnavailable(TryLater):
    """The issuer's JWKS could not be fetched; trying again later may work."""


class IdTokenVerifier:
    """Verifies ID tokens of one issuer for one audience. Keys are fetched once and cached by PyJWKClient;
    a token signed with a key id it does not know makes it fetch the JWKS again (key rotation)."""

    def __init__(self, jwks_url: str, issuer: str, audience: str, *, timeout: float = 10.0) -> None:
        self._jwks_url = jwks_url
        self._timeout = int(max(1, timeout))
        self._jwks: PyJWKClient | None = None
        self._issuer = issuer
        self._audience = audience

    def _keys(self) -> PyJWKClient:
        if self._jwks is None:
            from jwt import PyJWKClient

            self._jwks = PyJWKClient(self._jwks_url, cache_keys=True, lifespan=3600, timeout=self._timeout)
        return self._jwks

    def verify(self, token: str, nonce: str) -> dict[str, Any]:
        """The token's claims, or IdTokenRejected. `nonce` is what this browser's flow sent."""
        import jwt

        try:
            key = self._keys().get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError:
            raise JwksUnavailable("the issuer's JWKS could not be fetched") from None
        except jwt.PyJWKClientError:
            raise IdTokenRejected("signed with a key the issuer does not publish") from None
        except jwt.PyJWTError as exc:
            raise IdTokenRejected(f"malformed ({type(exc).__name__})") from None
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=list(ALGORITHMS),
                audience=self._audience,
                issuer=self._issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError:
            raise IdTokenRejected("expired") from None
        except jwt.InvalidAudienceError:
            raise IdTokenRejected("issued for another audience") from None
        except jwt.InvalidIssuerError:
            raise IdTokenRejected("issued by another issuer") from None
        except jwt.InvalidSignatureError:
            raise IdTokenRejected("bad signature") from None
        except jwt.PyJWTError as exc:
            raise IdTokenRejected(f"invalid ({type(exc).__name__})") from None
        if not hmac.compare_digest(str(claims["nonce"]).encode(), nonce.encode()):
            raise IdTokenRejected("nonce does not match this sign-in")
        return claims
