"""Research outputs for the Orbit stand-in: a seeded, DTU-like data set and its two Pure JSON shapes.

`to_ws` gives Pure Web Service 5.24 JSON (shape as in the UMN samples); `to_pure_api` gives the newer
Pure API JSON (shape as in the Aarhus sample). Identifiers carry valid check digits unless a test
breaks them on purpose.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from infra.orbit_standin.people import Researcher

TYPES = "/dk/atira/pure/researchoutput/researchoutputtypes"
ROLES = "/dk/atira/pure/researchoutput/roles"
STATUS = "/dk/atira/pure/researchoutput/status"


@dataclass(frozen=True)
class Author:
    person_uuid: str | None  # None for external persons
    first_name: str | None
    last_name: str | None
    role: str = "author"


@dataclass(frozen=True)
class ResearchOutput:
    uuid: str
    group: str
    subtype: str
    title_en: str | None
    title_da: str | None = None
    subtitle: str | None = None
    language: str = "en_GB"
    status: str = "published"
    year: int = 2024
    month: int | None = None
    day: int | None = None
    authors: tuple[Author, ...] = ()
    total_authors: int | None = None
    doi: str | None = None
    journal_title: str | None = None
    issn: str | None = None
    host_title: str | None = None
    isbns: tuple[str, ...] = ()
    abstract_html: str | None = None
    visibility: str = "FREE"
    confidential: bool = False
    workflow: str = "approved"
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    pmid: str | None = None
    # Works Pure's own ORCID export made for this output: (ORCID iD, put-code), one per author's record.
    orcid_put_codes: tuple[tuple[str, int], ...] = ()
    version: int = 1
    # When Pure last saved it (`info.modifiedDate`, `modifiedDate`); set by the stand-in on every save.
    modified: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def portal_url(self) -> str:
        return f"https://orbit.dtu.dk/en/publications/{self.uuid}"

    def changed(self, **changes: Any) -> ResearchOutput:
        """A new version of this output, as Pure bumps `version` on every save."""
        return replace(self, version=self.version + 1, **changes)


def pure_time(moment: datetime) -> str:
    """A time as Pure writes it: milliseconds and an offset without a colon (`…T04:43:27.043+0000`)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}" + moment.strftime("%z")


def _localized_ws(values: dict[str, str]) -> dict[str, Any]:
    return {"formatted": False, "text": [{"locale": k, "value": v} for k, v in values.items()]}


def _term_ws(uri: str, english: str) -> dict[str, Any]:
    return {"uri": uri, "term": _localized_ws({"en_GB": english})}


def to_ws(output: ResearchOutput) -> dict[str, Any]:
    """Pure Web Service 5.24 research output JSON."""
    title = output.title_en if output.language == "en_GB" or not output.title_da else output.title_da
    data: dict[str, Any] = {
        "pureId": abs(hash(output.uuid)) % 10**9,
        "uuid": output.uuid,
        "title": {"formatted": False, "value": title},
        "type": _term_ws(f"{TYPES}/{output.group}/{output.subtype}", output.subtype),
        "language": _term_ws(f"/dk/atira/pure/core/languages/{output.language}", output.language),
        "confidential": output.confidential,
        "visibility": {"key": output.visibility, "value": _localized_ws({"en_GB": output.visibility})},
        "workflow": {"workflowStep": output.workflow, "value": _localized_ws({"en_GB": output.workflow})},
        "publicationStatuses": [
            {
                "current": True,
                "publicationDate": _date(output),
                "publicationStatus": _term_ws(f"{STATUS}/{output.status}", output.status),
            }
        ],
        "personAssociations": [_ws_author(output, author) for author in output.authors],
        "totalNumberOfAuthors": output.total_authors or len(output.authors),
        "info": {"portalUrl": output.portal_url, "additionalExternalIds": []},
        "version": output.version,
    }
    if output.modified is not None:
        data["info"]["modifiedDate"] = pure_time(output.modified)
    if output.title_da and output.title_en:
        # Pure keeps the other-language title as a translated title.
        other = output.title_da if title == output.title_en else output.title_en
        other_locale = "da_DK" if title == output.title_en else "en_GB"
        data["translatedTitle"] = _localized_ws({other_locale: other})
    if output.subtitle:
        data["subTitle"] = {"formatted": False, "value": output.subtitle}
    if output.abstract_html:
        data["abstract"] = {"formatted": True, "text": [{"locale": "en_GB", "value": output.abstract_html}]}
    if output.doi:
        data["electronicVersions"] = [{"doi": output.doi, "versionType": {"uri": "publishersversion"}}]
    if output.journal_title:
        data["journalAssociation"] = {"title": {"value": output.journal_title}}
        if output.issn:
            data["journalAssociation"]["issn"] = {"value": output.issn}
    if output.host_title:
        data["hostPublicationTitle"] = {"value": output.host_title}
    if output.isbns:
        data["isbns"] = list(output.isbns)
    for key, value in (("volume", output.volume), ("journalNumber", output.issue), ("pages", output.pages)):
        if value:
            data[key] = value
    if output.pmid:
        data["info"]["additionalExternalIds"].append({"value": output.pmid, "idSource": "PubMed"})
    for orcid, put_code in output.orcid_put_codes:
        data["info"]["additionalExternalIds"].append(
            {"value": f"/{orcid}/work/{put_code}", "idSource": "ORCID"}
        )
    data.update(output.extra)
    return data


def _ws_author(output: ResearchOutput, author: Author) -> dict[str, Any]:
    association: dict[str, Any] = {
        "personRole": _term_ws(f"{ROLES}/{output.group}/{author.role}", author.role)
    }
    if author.first_name or author.last_name:
        association["name"] = {"firstName": author.first_name or "", "lastName": author.last_name or ""}
    if author.person_uuid:
        association["person"] = {"uuid": author.person_uuid}
    else:
        association["externalPerson"] = {"uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{author}"))}
    return association


def to_pure_api(output: ResearchOutput) -> dict[str, Any]:
    """Newer Pure API research output JSON."""
    titles = {"en_GB": output.title_en} if output.title_en else {}
    title = output.title_en if output.language == "en_GB" or not output.title_da else output.title_da
    data: dict[str, Any] = {
        "uuid": output.uuid,
        "typeDiscriminator": _discriminator(output.group),
        "title": {"value": title},
        "type": {"uri": f"{TYPES}/{output.group}/{output.subtype}", "term": {"en_GB": output.subtype}},
        "language": {"uri": f"/dk/atira/pure/core/languages/{output.language}"},
        "confidential": output.confidential,
        "visibility": {"key": output.visibility, "description": {"en_GB": output.visibility}},
        "workflow": {"step": output.workflow, "description": {"en_GB": output.workflow}},
        "publicationStatuses": [
            {
                "current": True,
                "publicationStatus": {"uri": f"{STATUS}/{output.status}"},
                "publicationDate": _date(output),
            }
        ],
        "contributors": [_api_author(output, author) for author in output.authors],
        "totalNumberOfContributors": output.total_authors or len(output.authors),
        "portalUrl": output.portal_url,
        "version": str(output.version),
    }
    if output.modified is not None:
        data["modifiedDate"] = pure_time(output.modified)
    if output.title_da and output.title_en:
        other_locale = "da_DK" if title == output.title_en else "en_GB"
        data["translatedTitle"] = {
            other_locale: output.title_da if other_locale == "da_DK" else titles["en_GB"]
        }
    if output.subtitle:
        data["subTitle"] = {"value": output.subtitle}
    if output.abstract_html:
        data["abstract"] = {"en_GB": output.abstract_html}
    if output.doi:
        data["electronicVersions"] = [{"typeDiscriminator": "DoiElectronicVersion", "doi": output.doi}]
    if output.journal_title:
        data["journalAssociation"] = {"title": {"title": output.journal_title}}
        if output.issn:
            data["journalAssociation"]["issn"] = {"issn": output.issn}
    if output.host_title:
        data["hostPublicationTitle"] = {"title": output.host_title}
    if output.isbns:
        data["printISBNs"] = list(output.isbns)
    for key, value in (("volume", output.volume), ("journalNumber", output.issue), ("pages", output.pages)):
        if value:
            data[key] = value
    identifiers: list[dict[str, Any]] = []
    if output.pmid:
        identifiers.append(
            {"typeDiscriminator": "ClassifiedId", "id": output.pmid, "type": {"uri": "/dk/atira/pure/pubmed"}}
        )
    for orcid, put_code in output.orcid_put_codes:
        identifiers.append(
            {"typeDiscriminator": "PrimaryId", "idSource": "ORCID", "value": f"/{orcid}/work/{put_code}"}
        )
    if identifiers:
        data["identifiers"] = identifiers
    return data


def _api_author(output: ResearchOutput, author: Author) -> dict[str, Any]:
    role = {"uri": f"{ROLES}/{output.group}/{author.role}"}
    name = {"firstName": author.first_name or "", "lastName": author.last_name or ""}
    if author.person_uuid:
        return {
            "typeDiscriminator": "InternalContributorAssociation",
            "role": role,
            "name": name,
            "person": {"systemName": "Person", "uuid": author.person_uuid},
        }
    return {"typeDiscriminator": "ExternalContributorAssociation", "role": role, "name": name}


def _discriminator(group: str) -> str:
    return {
        "contributiontojournal": "ContributionToJournal",
        "contributiontobookanthology": "ContributionToBookAnthology",
        "bookanthology": "BookAnthology",
        "contributiontoconference": "ContributionToConference",
        "thesis": "Thesis",
        "workingpaper": "WorkingPaper",
        "nontextual": "NonTextual",
    }.get(group, "OtherContribution")


def _date(output: ResearchOutput) -> dict[str, int]:
    date = {"year": output.year}
    if output.month:
        date["month"] = output.month
        if output.day:
            date["day"] = output.day
    return date


# --- a seeded data set --------------------------------------------------------------------------

JOURNALS = (
    ("Energy & Environmental Science", "1754-5692"),
    ("Physical Review Letters", "0031-9007"),
    ("Nature Communications", "2041-1723"),
    ("Journal of Membrane Science", "0376-7388"),
    ("IEEE Transactions on Power Systems", "0885-8950"),
    ("Wind Energy", "1095-4244"),
)
TOPICS = (
    "solid oxide electrolysis cells",
    "offshore wind farm wakes",
    "protein structure prediction",
    "battery degradation models",
    "green ammonia synthesis",
    "graph neural networks for power grids",
    "microbial fermentation of lignocellulose",
    "quantum sensing with NV centres",
)
DANISH_TOPICS = ("havvindmøllers kølvand", "grøn brint i Danmark", "bæredygtige fødevaresystemer")
EXTERNAL_NAMES = (
    ("Anna", "Schmidt"),
    ("Wei", "Zhang"),
    ("Luca", "Rossi"),
    ("Emma", "Johansson"),
    ("Omar", "Haddad"),
)


def isbn13(rng: random.Random) -> str:
    digits = [9, 7, 8, 8, 7] + [rng.randrange(10) for _ in range(7)]
    check = (10 - sum(d * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits)) % 10) % 10
    return "".join(map(str, digits)) + str(check)


def _doi(rng: random.Random, uuid_: str) -> str:
    prefix = rng.choice(["https://doi.org/", "doi:", "", "https://dx.doi.org/"])
    return f"{prefix}10.{rng.randrange(1000, 9999)}/dtu.{uuid_[:8]}"


def seed_outputs(
    researchers: tuple[Researcher, ...], per_researcher: int, seed: int = 2026
) -> list[ResearchOutput]:
    """Varied outputs: every type group, Danish titles, co-authors, and some that may not go to ORCID."""
    rng = random.Random(seed)
    kinds = [
        ("contributiontojournal", "article"),
        ("contributiontojournal", "article"),
        ("contributiontojournal", "review"),
        ("contributiontoconference", "paper"),
        ("contributiontoconference", "poster"),
        ("contributiontobookanthology", "chapter"),
        ("bookanthology", "book"),
        ("bookanthology", "report"),
        ("thesis", "doc"),
        ("workingpaper", "preprint"),
        ("nontextual", "software"),
        ("nontextual", "database"),
        ("patent", "patent"),
    ]
    outputs: list[ResearchOutput] = []
    for index in range(per_researcher * len(researchers)):
        owner = researchers[index % len(researchers)]
        group, subtype = kinds[index % len(kinds)]
        output_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        co_author = researchers[(index + 1) % len(researchers)] if index % 5 == 0 else None
        authors = [Author(owner.uuid, owner.given_names, owner.family_names)]
        if co_author is not None:
            authors.append(Author(co_author.uuid, co_author.given_names, co_author.family_names))
        for first, last in rng.sample(EXTERNAL_NAMES, rng.randrange(0, 4)):
            authors.insert(rng.randrange(len(authors) + 1), Author(None, first, last))
        danish = index % 7 == 3
        topic = rng.choice(TOPICS)
        journal, issn = rng.choice(JOURNALS)
        output = ResearchOutput(
            uuid=output_uuid,
            group=group,
            subtype=subtype,
            title_en=f"On {topic}: results from DTU, part {index + 1}",
            title_da=f"Om {rng.choice(DANISH_TOPICS)}, del {index + 1}" if danish else None,
            language="da_DK" if danish and index % 2 else "en_GB",
            year=rng.randrange(2012, 2026),
            month=rng.choice([None, rng.randrange(1, 13)]),
            day=None,
            authors=tuple(authors),
            doi=_doi(rng, output_uuid) if group not in ("thesis", "patent") else None,
            journal_title=journal if group == "contributiontojournal" else None,
            issn=issn if group == "contributiontojournal" else None,
            host_title="Proceedings of the DTU Energy Conference"
            if group == "contributiontobookanthology"
            else None,
            isbns=(isbn13(rng),) if group in ("contributiontobookanthology", "bookanthology") else (),
            abstract_html=f"<p>We study <em>{topic}</em> at DTU.</p>" if index % 3 else None,
            volume=str(rng.randrange(1, 300)) if group == "contributiontojournal" else None,
            pmid=str(rng.randrange(10**7, 4 * 10**7)) if subtype == "review" else None,
        )
        if output.month:
            output = replace(output, day=rng.choice([None, rng.randrange(1, 29)]))
        # Some outputs may not go to ORCID, each for one reason.
        rule = index % 11
        if rule == 4:
            output = replace(output, confidential=True)
        elif rule == 6:
            output = replace(output, workflow="forValidation")
        elif rule == 8:
            output = replace(output, status="inpress")
        elif rule == 10:
            output = replace(output, visibility="CAMPUS")
        outputs.append(output)
    return outputs
