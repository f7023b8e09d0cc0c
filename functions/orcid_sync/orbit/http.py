"""HTTP access to Orbit's Pure APIs: the api-key header, timeouts, and errors turned into OrbitUnavailable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from orcid_sync.domain.errors import TryLater


class OrbitUnavailable(TryLater):
    """Orbit could not be reached or answered with an error; trying again later may work."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        # Orbit's HTTP status when it answered at all (None: no answer, or an unreadable one).
        self.status = status


class OrbitHttp:
    def __init__(
        self,
        base_url: str,
        api_key: Callable[[], str],
        *,
        session: requests.Session | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._session = session or requests.Session()
        self._timeout = timeout

    def get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any] | None:
        """JSON object at `path`, or None when Orbit says 404."""
        return self._call("GET", path, params=params)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        return self._call("POST", path, json=body)

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any] | None:
        what = path.strip("/").split("/")[-1]
        try:
            answer = self._session.request(
                method,
                self.base_url + path,
                headers={"api-key": self._api_key(), "Accept": "application/json"},
                timeout=self._timeout,
                **kwargs,
            )
        except requests.RequestException as exc:
            raise OrbitUnavailable(f"Orbit did not answer ({type(exc).__name__})") from None
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise OrbitUnavailable(
                f"Orbit answered {answer.status_code} for {method} …/{what}", status=answer.status_code
            )
        try:
            data = answer.json()
        except ValueError:
            raise OrbitUnavailable("Orbit answered with something that is not JSON") from None
        if not isinstance(data, dict):
            raise OrbitUnavailable("Orbit answered with an unexpected JSON shape")
        return data
