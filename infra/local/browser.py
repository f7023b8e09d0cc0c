"""A researcher's browser, scripted: a requests session that walks the consent flow as a person would.

Used by `make demo` and by the integration tests, so both drive the stack the same way. It sets nothing
a browser sets itself: it follows the redirects, keeps the cookies it is given, and submits the forms
the pages hold. (requests sends no `Origin` or `Sec-Fetch-Site`; the real browser test in tests/e2e
shows Chromium passes with them.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

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

    def sign_in(self, person_id: str, return_to: str = "/orcid/status") -> Browser:
        """Sign in at DTU's sign-in (the stand-in) as the researcher, pressing their button there."""
        answer = self.start_sign_in(return_to)
        callback = self.choose_on_sign_in_page(answer, self.stack.orbit.researchers[person_id].employee_id)
        _expect(self.open(callback), 302)
        return self

    def start_sign_in(self, return_to: str = "/orcid/status") -> requests.Response:
        """Ask for sign-in; answers the identity provider's page (the redirects followed)."""
        answer = self.session.get(f"{self.stack.base_url}/auth/sign-in", params={"return_to": return_to})
        return _expect(answer, 200)

    def choose_on_sign_in_page(self, page: requests.Response, user: str) -> str:
        """Press "Sign in as …" (or Cancel with `user=""`); returns where the provider redirects."""
        action, fields = form_of(page.text)
        answer = self.session.post(
            urljoin(page.url, action), data={**fields, "user": user}, allow_redirects=False
        )
        return str(_expect(answer, 302).headers["Location"])

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
        page = _expect(self.session.get(authorize_url), 200)
        action, form = form_of(page.text)  # the hidden fields the page carries (state, nonce, …)
        form["decision"] = decision
        if orcid is None:  # the registration form's fields, as ORCID prefilled them
            form.update(
                mode="register",
                given_names=query.get("given_names", ""),
                family_names=query.get("family_names", ""),
                email=query.get("email", ""),
            )
        else:  # signing in (on the registration form: "already have an iD? sign in")
            form.update(mode="signin", orcid=orcid)
        answer = self.session.post(urljoin(page.url, action), data=form, allow_redirects=False)
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
        return self.press("/orcid/disconnect")

    def sign_out(self) -> requests.Response:
        return self.press("/auth/sign-out")

    def press(self, action: str) -> requests.Response:
        """Press the status page's button that posts to `action`."""
        page = self.status_html()
        match = re.search(r'name="csrf" value="([^"]+)"', page.text)
        if match is None or f'action="{action}"' not in page.text:
            raise FlowError(f"the status page offers no form posting to {action}")
        return self.session.post(
            f"{self.stack.base_url}{action}", data={"csrf": match.group(1)}, allow_redirects=False
        )

    def choose(self, choice: str, target: str | None = None) -> requests.Response:
        """Press a choice's button on the status page (pause, resume, leave out, take back)."""
        page = self.status_html()
        match = re.search(r'name="csrf" value="([^"]+)"', page.text)
        wanted = f'name="choice" value="{choice}"'
        if match is None or wanted not in page.text:
            raise FlowError(f"the status page offers no {choice} button")
        if target is not None and f'name="target" value="{target}"' not in page.text:
            raise FlowError(f"the status page offers no {choice} button for {target}")
        data = {"csrf": match.group(1), "choice": choice, **({"target": target} if target else {})}
        return self.session.post(f"{self.stack.base_url}/orcid/choices", data=data, allow_redirects=False)

    def status_html(self, language: str = "en") -> requests.Response:
        return self.session.get(
            f"{self.stack.base_url}/orcid/status",
            headers={"Accept": "text/html", "Accept-Language": language},
        )


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form" and self.action is None:
            self.action, self._in_form = values.get("action", ""), True
        elif tag == "input" and self._in_form and values.get("type") == "hidden":
            self.fields[values.get("name", "")] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False


def form_of(html: str) -> tuple[str, dict[str, str]]:
    """The first form's action and hidden fields, as a browser would submit them."""
    reader = _FormReader()
    reader.feed(html)
    if reader.action is None:
        raise FlowError("the page has no form")
    return reader.action, reader.fields
