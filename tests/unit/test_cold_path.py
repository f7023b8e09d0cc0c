"""A handler's cold start loads what its first invocation uses, and not what only a rare path needs."""

from __future__ import annotations

import subprocess
import sys

import pytest

HANDLERS = ["http", "sync_worker", "event_router", "nightly", "feed_poller"]

SETTINGS = {
    "ORCID_CLIENT_ID": "APP-0000000000000001",
    "ORCID_CLIENT_SECRET_NAME": "orcid-secret",
    "PUBLIC_BASE_URL": "https://orbit-orcid.example.org",
    "CONSENTS_TABLE": "consents",
    "OAUTH_STATES_TABLE": "states",
    "TOKEN_KEY_ID": "alias/tokens",
    "SYNC_JOBS_QUEUE_URL": "https://sqs.example.org/jobs.fifo",
    "ORBIT_BASE_URL": "https://orbit.example.org",
    "ORBIT_API_KEY_NAME": "orbit-key",
    "WORK_LINKS_TABLE": "links",
    "FEED_CURSOR_TABLE": "cursor",
    "ORBIT_EVENTS_QUEUE_URL": "https://sqs.example.org/events",
    "ORBIT_EVENTS_DLQ_URL": "https://sqs.example.org/events-dlq",
}


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


@pytest.mark.parametrize("builder", ["build_event_router", "build_change_feed_poller"])
def test_the_router_and_the_poller_build_without_the_orcid_client_or_the_sync_service(builder: str) -> None:
    code = (
        "from orcid_sync.config import Settings\n"
        "from orcid_sync.sync import factory\n"
        f"factory.{builder}(Settings.from_env({SETTINGS!r}))"
    )

    loaded = loaded_after(code)

    assert not loaded & {"orcid_sync.orcid.client", "orcid_sync.sync.service", "orcid_sync.sync.planner"}


@pytest.mark.parametrize("handler", ["sync_worker", "event_router"])
def test_the_sqs_handlers_load_neither_powertools_batch_utility_nor_asyncio(handler: str) -> None:
    loaded = loaded_after(f"import orcid_sync.handlers.{handler}")

    assert not {m for m in loaded if m.startswith("aws_lambda_powertools.utilities.batch")}
    assert "asyncio" not in loaded


def test_the_worker_builds_its_service_without_the_employment_sync() -> None:
    code = (
        "from orcid_sync.config import Settings\n"
        "from orcid_sync.sync import factory\n"
        f"factory.build_sync_service(Settings.from_env({ {**SETTINGS, 'AFFILIATION_LINKS_TABLE': 'aff'}!r}))"
    )

    loaded = loaded_after(code)

    assert "orcid_sync.sync.service" in loaded
    assert not loaded & {
        "orcid_sync.sync.affiliations",
        "orcid_sync.orbit.staff",
        "orcid_sync.orbit.pure_person",
    }
