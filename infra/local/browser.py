"""A researcher's browser, scripted: a requests session that walks the consent flow as a person would.

Used by `make demo` and by the integration tests, so both drive the stack the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import requests

from infra.local.stack import LocalStack


class FlowError(AssertionError):
    """A step of the flow did not answer as a browser expects (kept an AssertionError for pytest)."""


def _expect(answer: requests.Response, status: int) -> requests.Response:
    if answer.status_code != status:
        raise FlowError(f"{answer.request.method} {answer.url} answered {answer.status_code}, not {status}")
    return answer


@dataclass
class Browser:
    stack: LocalStack
    session: requests.Session = field(default_factory=requests.Session)

    def sign_in(self, person_id: str) -> Browser:
        answer = self.session.get(
            f"{self.stack.base_url}/local/sign-in", params={"person": person_id}, allow_redirects=False
        )
        _expect(answer, 302)
        return self

    def connect(self, **params: str) -> str:
        """Press "Authorize export to ORCID" in Orbit; returns ORCID's authorize URL."""
        answer = self.session.get(
            f"{self.stack.base_url}/orcid/connect", params=params, allow_redirects=False
        )
        return str(_expect(answer, 302).headers["Location"])

    def decide_on_orcid(self, authorize_url: str, orcid: str | None, decision: str = "authorize") -> str:
        """Sign in on the ORCID stand-in as `orcid` (or register when None) and press a button.

        Returns the callback URL ORCID redirects back to.
        """
        query = {key: values[0] for key, values in parse_qs(urlsplit(authorize_url).query).items()}
        _expect(self.session.get(authorize_url), 200)
        form = {key: query[key] for key in ("client_id", "redirect_uri", "scope", "state")}
        form["decision"] = decision
        if orcid is None:
            form.update(
                mode="register",
                given_names=query.get("given_names", ""),
                family_names=query.get("family_names", ""),
                email=query.get("email", ""),
            )
        else:
            form.update(mode="signin", orcid=orcid)
        answer = self.session.post(
            f"{self.stack.orcid_url}/oauth/authorize", data=form, allow_redirects=False
        )
        return str(_expect(answer, 302).headers["Location"])

    def open(self, url: str) -> requests.Response:
        return self.session.get(url, allow_redirects=False)

    def connect_fully(self, orcid: str | None) -> requests.Response:
        return self.open(self.decide_on_orcid(self.connect(), orcid))

    def status_json(self) -> dict[str, object]:
        answer = self.session.get(
            f"{self.stack.base_url}/orcid/status", headers={"Accept": "application/json"}
        )
        data: dict[str, object] = _expect(answer, 200).json()
        return data

    def disconnect(self) -> requests.Response:
        """Press "Disconnect" on the status page (the form carries its anti-forgery token)."""
        page = self.status_html()
        match = re.search(r'name="csrf" value="([^"]+)"', page.text)
        if match is None:
            raise FlowError("the status page offers no disconnect form")
        return self.session.post(
            f"{self.stack.base_url}/orcid/disconnect",
            data={"csrf": match.group(1)},
            headers={"Origin": self.stack.base_url},
            allow_redirects=False,
        )

    def status_html(self, language: str = "en") -> requests.Response:
        return self.session.get(
            f"{self.stack.base_url}/orcid/status",
            headers={"Accept": "text/html", "Accept-Language": language},
        )
