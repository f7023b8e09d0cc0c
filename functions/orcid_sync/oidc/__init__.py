"""Adapter for OpenID Connect providers (DTU's sign-in, ORCID's id_token): discovery, tokens, JWKS."""
