"""A handler's cold start loads what its first invocation uses, and not what only a rare path needs."""

from __future__ import annotations

import subprocess
import sys

import pytest

HANDLERS = ["http", "sync_worker", "event_router", "nightly", "feed_poller"]


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    probe = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    answer = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(answer.stdout.split())


@pytest.mark.parametrize("handler", HANDLERS)
def test_no_handler_loads_the_xray_sdk(handler: str) -> None:
    loaded = loaded_after(f"import orcid_sync.handlers.{handler}")

    assert not {m for m in loaded if m.split(".")[0] == "aws_xray_sdk"}


def test_the_http_function_loads_pyjwt_only_when_it_verifies_a_token() -> None:
    code = (
        "import orcid_sync.handlers.http\n"
        "from orcid_sync.oidc.id_token import IdTokenVerifier\n"
        "IdTokenVerifier('https://sign-in.example.org/jwks', 'https://sign-in.example.org', 'us')"
    )

    loaded = loaded_after(code)

    # (cryptography itself may come with botocore here, through the dev tools' pyOpenSSL; not in the bundle)
    assert not {m for m in loaded if m.split(".")[0] == "jwt"}
