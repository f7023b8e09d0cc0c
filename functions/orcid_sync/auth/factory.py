"""Builds the sign-in service from settings."""

from __future__ import annotations

from datetime import timedelta

import requests

from orcid_sync.auth.service import SignInService
from orcid_sync.config import Settings
from orcid_sync.connections import orbit_http, read_secret
from orcid_sync.oidc.client import OidcClient
from orcid_sync.orbit.persons import OrbitPersons
from orcid_sync.store.sessions import SessionStore


def build_sign_in_service(settings: Settings, session: requests.Session | None = None) -> SignInService:
    http = session or requests.Session()
    secret_name = settings.require("oidc_client_secret_name")
    return SignInService(
        sessions=SessionStore(settings.require("sessions_table")),
        oidc=OidcClient(
            settings.require("oidc_issuer"),
            settings.require("oidc_client_id"),
            lambda: read_secret(secret_name),
            scopes=settings.oidc_scopes,
            session=http,
            timeout=settings.http_timeout_seconds,
        ),
        persons=OrbitPersons(orbit_http(settings, http)),
        redirect_uri=settings.sign_in_redirect_uri,
        person_claim=settings.person_id_claim,
        idle=timedelta(minutes=settings.session_idle_minutes),
        max_age=timedelta(hours=settings.session_max_hours),
    )
