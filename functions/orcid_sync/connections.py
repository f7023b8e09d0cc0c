"""What every factory connects with: secrets from Secrets Manager, and Orbit's HTTP client.

Kept apart from the factories so that a function builds its service without importing the others'
(the event router needs Orbit, not the consent service nor the ORCID client).
"""

from __future__ import annotations

import requests
from aws_lambda_powertools.utilities import parameters

from orcid_sync.config import Settings
from orcid_sync.orbit.http import OrbitHttp

# Secrets are cached for five minutes per execution environment, so a rotation takes effect soon.
SECRET_MAX_AGE_SECONDS = 300


def read_secret(name: str) -> str:
    value = parameters.get_secret(name, max_age=SECRET_MAX_AGE_SECONDS)
    if not isinstance(value, str) or not value:
        raise RuntimeError(f"secret {name} is empty or not text")
    return value


def orbit_http(settings: Settings, session: requests.Session) -> OrbitHttp:
    return OrbitHttp(
        str(settings.orbit_base_url),
        lambda: read_secret(settings.orbit_api_key_name),
        session=session,
        timeout=settings.http_timeout_seconds,
    )
