"""ID tokens are verified with PyJWT against the issuer's JWKS, fetched over loopback from the stand-in."""

from __future__ import annotations

import time
from collections.abc import Iterator

import jwt
import pytest

from infra.local.serving import RunningServer, serve
from infra.oidc_standin.app import IdTokenFault, OidcStandIn, User
from orcid_sync.oidc.id_token import IdTokenRejected, IdTokenVerifier, JwksUnavailable

CLIENT_ID = "orcid-sync-test"
NONCE = "n-0S6_WzA2Mj"
SOFIE = User("Sofie Kjær Nielsen", "sokn@dtu.dk", "180547")


@pytest.fixture(scope="module")
def provider() -> Iterator[tuple[OidcStandIn, RunningServer]]:
    standin = OidcStandIn(directory=lambda: [SOFIE])
    server = serve(standin)
    standin.base_url = server.base_url
    yield standin, server
    server.stop()


@pytest.fixture
def standin(provider: tuple[OidcStandIn, RunningServer]) -> Iterator[OidcStandIn]:
    yield provider[0]
    provider[0].fault = None


@pytest.fixture
def verifier(standin: OidcStandIn) -> IdTokenVerifier:
    return IdTokenVerifier(f"{standin.base_url}/discovery/v2.0/keys", standin.base_url, CLIENT_ID)


def _token(standin: OidcStandIn, fault: IdTokenFault | None = None) -> str:
    standin.fault = fault
    return standin.id_token(SOFIE, CLIENT_ID, NONCE)


def test_a_genuine_token_gives_its_claims(standin: OidcStandIn, verifier: IdTokenVerifier) -> None:
    claims = verifier.verify(_token(standin), NONCE)

    assert claims["employee_id"] == "180547" and claims["aud"] == CLIENT_ID


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (IdTokenFault.FORGED, "bad signature"),
        (IdTokenFault.EXPIRED, "expired"),
        (IdTokenFault.OTHER_AUDIENCE, "another audience"),
        (IdTokenFault.WRONG_NONCE, "nonce"),
        (IdTokenFault.UNKNOWN_KEY, "key the issuer does not publish"),
    ],
)
def test_a_spoiled_token_is_refused(
    standin: OidcStandIn, verifier: IdTokenVerifier, fault: IdTokenFault, reason: str
) -> None:
    token = _token(standin, fault)

    with pytest.raises(IdTokenRejected, match=reason):
        verifier.verify(token, NONCE)


def test_the_nonce_of_another_flow_is_refused(standin: OidcStandIn, verifier: IdTokenVerifier) -> None:
    with pytest.raises(IdTokenRejected, match="nonce"):
        verifier.verify(_token(standin), "the-nonce-of-this-browser")


def test_a_token_from_another_issuer_is_refused(standin: OidcStandIn) -> None:
    verifier = IdTokenVerifier(f"{standin.base_url}/discovery/v2.0/keys", "https://other.example", CLIENT_ID)

    with pytest.raises(IdTokenRejected, match="another issuer"):
        verifier.verify(_token(standin), NONCE)


def test_unsigned_and_hmac_tokens_are_refused(standin: OidcStandIn, verifier: IdTokenVerifier) -> None:
    now = int(time.time())
    claims = {
        "iss": standin.base_url,
        "aud": CLIENT_ID,
        "sub": "x",
        "iat": now,
        "exp": now + 60,
        "nonce": NONCE,
    }
    unsigned = jwt.encode(claims, key=None, algorithm="none", headers={"kid": standin.key.kid})
    public_pem = standin.key.jwk()["n"]  # the classic confusion: the public key used as an HMAC secret
    hmac_signed = jwt.encode(claims, public_pem, algorithm="HS256", headers={"kid": standin.key.kid})

    for token in (unsigned, hmac_signed, "not.a.token"):
        with pytest.raises(IdTokenRejected):
            verifier.verify(token, NONCE)


def test_a_token_without_a_nonce_is_refused(standin: OidcStandIn, verifier: IdTokenVerifier) -> None:
    token = standin.id_token(SOFIE, CLIENT_ID, None)

    with pytest.raises(IdTokenRejected):
        verifier.verify(token, NONCE)


def test_tokens_under_unknown_keys_do_not_make_us_fetch_the_jwks_each_time(
    standin: OidcStandIn, verifier: IdTokenVerifier
) -> None:
    verifier.verify(_token(standin), NONCE)
    before = standin.calls.get("jwks", 0)

    for _ in range(5):
        with pytest.raises(IdTokenRejected):
            verifier.verify(_token(standin, IdTokenFault.UNKNOWN_KEY), NONCE)

    # PyJWKClient refetches for an unknown key id at most once per cooldown (a rotated key is found then).
    assert standin.calls["jwks"] - before <= 1


def test_an_unreachable_jwks_is_a_transient_failure(standin: OidcStandIn) -> None:
    verifier = IdTokenVerifier("http://127.0.0.1:9/keys", standin.base_url, CLIENT_ID, timeout=1)

    with pytest.raises(JwksUnavailable):
        verifier.verify(_token(standin), NONCE)
