"""Every message the researcher can meet exists in Danish and English, and no page mixes them.

Texts are chosen by stable codes (run problems, reasons an output stays in Orbit, why one could not be
sent, ORCID's work types, refused choices), never by reading English text. This renders the status
page with every code in both languages and fails on a code without words, on an English sentence on
the Danish page (or the reverse), and on a raw code shown as text.
"""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from orcid_sync.consent.choices import ChoiceAction, ChoiceRefused, changed_choices
from orcid_sync.consent.service import StatusView, SymbolKind, symbol_for
from orcid_sync.domain.links import LinkState, WorkLink
from orcid_sync.orbit.eligibility import IneligibilityReason
from orcid_sync.orcid.errors import RecordUnavailable
from orcid_sync.orcid.vocabulary import WORK_TYPES
from orcid_sync.store.consents import Consent, ConsentStatus, SyncChoices, SyncSummary
from orcid_sync.store.output_states import OutputState
from orcid_sync.sync.outputs import OutputProblem
from orcid_sync.sync.summary import RunProblem
from orcid_sync.web.i18n import TEXTS, Lang, text
from orcid_sync.web.kinds import KIND_NAMES
from orcid_sync.web.outputs import Group, outputs_view
from orcid_sync.web.pages import StatusExtras, status_page, when

NOW = datetime(2026, 11, 29, 13, 5, tzinfo=UTC)
ORCID = "0000-0002-1825-0097"
LANGS: tuple[Lang, Lang] = ("en", "da")


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_text_has_both_languages_with_the_same_placeholders() -> None:
    assert [
        key for key, texts in TEXTS.items() if _placeholders(texts["en"]) != _placeholders(texts["da"])
    ] == []


def test_no_sentence_is_left_in_english_on_the_danish_side() -> None:
    same = [
        key for key, texts in TEXTS.items() if texts["da"] == texts["en"] and len(texts["en"].split()) >= 3
    ]
    assert same == []


def test_every_code_the_page_can_meet_has_words_in_both_languages() -> None:
    keys = (
        [f"run.{code.value}" for code in RunProblem if code not in (RunProblem.RECORD_UNAVAILABLE,)]
        + ["run.record_merged.unknown"]
        + [
            f"run.record_unavailable.{RecordUnavailable(code).reason}"
            for code in (9018, 9036, 9044, 9011, None)
        ]
        + [f"stays.{reason.value}" for reason in IneligibilityReason]
        + [
            f"problem.{code}"
            for code in (OutputProblem.UNBUILDABLE, OutputProblem.UNREADABLE, OutputProblem.AMBIGUOUS)
        ]
        + [f"group.{group.value}" for group in Group]
        + [f"symbol.{symbol.value}" for symbol in SymbolKind]
        + [f"consent.{status.value}" for status in ConsentStatus]
        + [f"kind.{kind}" for kind in WORK_TYPES]
        + [f"month.{month}" for month in range(1, 13)]
    )
    missing = [key for key in keys if key not in TEXTS or not all(TEXTS[key].get(lang) for lang in LANGS)]
    assert missing == []
    assert set(KIND_NAMES) == set(WORK_TYPES)


@pytest.mark.parametrize(
    ("action", "target"),
    [(ChoiceAction.EXCLUDE, "nope"), (ChoiceAction.EXCLUDE_KIND, "poems"), (ChoiceAction.INCLUDE, None)],
)
def test_every_refused_choice_has_words_in_both_languages(action: ChoiceAction, target: str | None) -> None:
    with pytest.raises(ChoiceRefused) as refused:
        changed_choices(SyncChoices(), action, target)
    assert all(text(f"choice.{refused.value.problem}", lang) for lang in LANGS)
    assert all(text("choice.bad_action", lang) for lang in LANGS)
    assert all(text("choice.too_many", lang) for lang in LANGS)


class _Visible(HTMLParser):
    """The text a person reads (no tags, no attributes, no style)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip = tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _visible(html: str) -> str:
    reader = _Visible()
    reader.feed(html)
    return re.sub(r"\s+", " ", " ".join(reader.parts))


def _everything(
    run_problem: str | None, args: dict[str, str]
) -> tuple[Consent, dict[str, WorkLink], dict[str, OutputState]]:
    """A researcher with an output in every state, and the given run problem."""
    states: dict[str, OutputState] = {}
    links: dict[str, WorkLink] = {}

    def output(pid: str, **fields: object) -> None:
        states[pid] = OutputState(
            person_id="p", publication_id=pid, title=f"Title {len(states)}", year=2024, **fields
        )  # type: ignore[arg-type]

    def link(pid: str, state: LinkState, **fields: object) -> None:
        links[pid] = WorkLink(
            person_id="p", publication_id=pid, state=state, orcid=ORCID, changed_at=NOW, **fields
        )  # type: ignore[arg-type]

    for kind in sorted(WORK_TYPES):
        output(f"on-{kind}", kind=kind)
        link(f"on-{kind}", LinkState.SYNCED, put_code=len(links) + 1)
    for reason in IneligibilityReason:
        output(f"stays-{reason.value}", kind="journal-article", stays=reason.value)
    for problem in (OutputProblem.UNBUILDABLE, OutputProblem.UNREADABLE, OutputProblem.AMBIGUOUS):
        output(f"problem-{problem}", kind="book", problem=problem, detail="1234, 5678")
    output("refused", kind="report")
    link("refused", LinkState.REJECTED, message="9001: invalid work")
    output("duplicate", kind="report")
    link("duplicate", LinkState.DUPLICATE_OF, duplicate_of="on-report")
    output("removed", kind="report")
    link("removed", LinkState.REMOVED_BY_RESEARCHER)
    output("waiting", kind="report")
    output("left-out", kind="report")
    output("left-out-kind", kind="newspaper-article")
    output("leaving", kind="report")
    link("leaving", LinkState.SYNCED, put_code=9999)
    summary = SyncSummary(
        last_run_at=NOW,
        on_orcid=len(WORK_TYPES) + 1,
        problem="x",
        run_problem=run_problem,
        run_problem_args=args,
        private=2,
        left_alone=3,
    )
    consent = Consent(
        person_id="p",
        status=ConsentStatus.ACTIVE,
        orcid=ORCID,
        access_token=b"ciphertext",
        changed_at=NOW,
        sync=summary,
        choices=SyncChoices(
            paused=True,
            excluded_outputs=frozenset({"left-out", "leaving"}),
            excluded_kinds=frozenset({"newspaper-article"}),
        ),
    )
    return consent, links, states


RUN_PROBLEMS = [
    (None, {}),
    (RunProblem.REVOKED.value, {}),
    (
        RunProblem.RECORD_MERGED.value,
        {"orcid": "0000-0001-5109-3700", "message": "This account is deprecated"},
    ),
    (RunProblem.RECORD_MERGED.value, {"message": "This account is deprecated"}),
    *[
        (RunProblem.RECORD_UNAVAILABLE.value, {"reason": RecordUnavailable(c).reason})
        for c in (9018, 9036, 9044, 9011, None)
    ],
    (RunProblem.ORCID_REFUSED.value, {"message": "400 Bad Request: invalid"}),
    (RunProblem.ORBIT_LIST_UNKNOWN.value, {"message": "Orbit answered 503"}),
    (RunProblem.ORBIT_LIST_INCOMPLETE.value, {"message": "an output without a uuid"}),
    (RunProblem.MASS_DELETION_HELD.value, {"count": "12"}),
]


def _english_sentences() -> dict[str, str]:
    """English texts with words of their own (several words, not the same in Danish)."""
    found = {}
    for key, texts in TEXTS.items():
        english = texts["en"]
        fixed = max(re.split(r"\{[^}]*\}", english), key=len).strip(" .:·—“”()")
        if texts["da"] != english and len(fixed.split()) >= 3:
            found[key] = fixed
    return found


def _danish_sentences() -> dict[str, str]:
    found = {}
    for key, texts in TEXTS.items():
        danish = texts["da"]
        fixed = max(re.split(r"\{[^}]*\}", danish), key=len).strip(" .:·—“”()")
        if texts["en"] != danish and len(fixed.split()) >= 3:
            found[key] = fixed
    return found


@pytest.mark.parametrize(
    ("run_problem", "args"), RUN_PROBLEMS, ids=lambda v: str(v) if not isinstance(v, dict) else ""
)
def test_the_status_page_with_every_state_speaks_one_language_only(
    run_problem: str | None, args: dict[str, str]
) -> None:
    consent, links, states = _everything(run_problem, args)
    view = outputs_view(consent, links, states)
    assert {group for group in Group} == set(view.groups)  # every state is on the page
    pages = {}
    for lang in LANGS:
        extras = StatusExtras(
            outputs=view,
            profile_url="https://orbit.example/p",
            excluded_outputs=consent.choices.excluded_outputs,
            pages={group: 1 for group in Group},
        )
        html = status_page(StatusView(symbol_for(consent), consent), lang, "token", "/c", "/r", extras=extras)
        pages[lang] = _visible(html)
    english, danish = pages["en"], pages["da"]

    assert [key for key, words in _english_sentences().items() if words in danish] == []
    assert [key for key, words in _danish_sentences().items() if words in english] == []
    codes = [*(r.value for r in IneligibilityReason), *(p.value for p in RunProblem), "unbuildable"]
    for code in [c for c in codes if "_" in c or c == "unbuildable"]:  # "confidential" is a word too
        assert not re.search(rf"\b{code}\b", danish + english), code  # no raw codes in what people read
    if run_problem is not None:
        assert any(text_ in english for text_ in _run_texts(run_problem, args, "en"))
        assert any(text_ in danish for text_ in _run_texts(run_problem, args, "da"))
    if args.get("message"):
        assert args["message"] in english and args["message"] in danish  # their words, after ours


def _run_texts(code: str, args: dict[str, str], lang: Lang) -> list[str]:
    return [
        texts[lang].split("{")[0].strip()
        for key, texts in TEXTS.items()
        if key == f"run.{code}" or key.startswith(f"run.{code}.")
    ]


def test_times_are_copenhagen_time_in_the_pages_language() -> None:
    assert when(NOW, "en") == "29 November 2026 at 14:05"
    assert when(NOW, "da") == "29. november 2026 kl. 14.05"
    assert when(datetime(2026, 7, 1, 22, 30, tzinfo=UTC), "da") == "2. juli 2026 kl. 00.30"  # summer time
