"""ORCID v3.0 enumerations that the XSD leaves as free strings but the API checks (400/9037 and kin).

A made-up work type or language code passes the schema and fails at ORCID, so the work is checked
against these sets before anything is sent. Sources: ORCID's orcid-model enums (WorkType, Relationship,
ContributorRole, CitationType, LanguageCode) as summarised in the project's ORCID notes.
"""

from __future__ import annotations

WORK_TYPES: frozenset[str] = frozenset(
    {
        "annotation",
        "artistic-performance",
        "blog-post",
        "book-chapter",
        "book-review",
        "book",
        "cartographic-material",
        "clinical-study",
        "conference-abstract",
        "conference-output",
        "conference-paper",
        "conference-poster",
        "conference-presentation",
        "conference-proceedings",
        "data-management-plan",
        "data-set",
        "design",
        "dictionary-entry",
        "disclosure",
        "dissertation-thesis",
        "edited-book",
        "encyclopedia-entry",
        "image",
        "invention",
        "journal-article",
        "journal-issue",
        "learning-object",
        "lecture-speech",
        "license",
        "magazine-article",
        "manual",
        "moving-image",
        "musical-composition",
        "newsletter-article",
        "newspaper-article",
        "online-resource",
        "other",
        "patent",
        "physical-object",
        "preprint",
        "public-speech",
        "registered-copyright",
        "report",
        "research-technique",
        "research-tool",
        "review",
        "software",
        "sound",
        "spin-off-company",
        "standards-and-policy",
        "supervised-student-publication",
        "technical-standard",
        "test",
        "trademark",
        "transcription",
        "translation",
        "website",
        "working-paper",
    }
)

RELATIONSHIPS: frozenset[str] = frozenset({"self", "part-of", "version-of", "funded-by"})

# ORCID accepts funded-by only on identifiers that can name a grant.
FUNDED_BY_ID_TYPES: frozenset[str] = frozenset({"grant-number", "proposal-id", "uri", "doi"})

# The identifier types this project sends, plus a few neighbours a deployment might add. ORCID's full
# list is at https://pub.orcid.org/v3.0/identifiers; anything outside this set is refused before sending.
EXTERNAL_ID_TYPES: frozenset[str] = frozenset(
    {"doi", "isbn", "issn", "pmid", "pmc", "arxiv", "handle", "uri", "source-work-id", "eid", "wosuid"}
)

CONTRIBUTOR_SEQUENCES: frozenset[str] = frozenset({"first", "additional"})

CONTRIBUTOR_ROLES: frozenset[str] = frozenset(
    {
        "author",
        "assignee",
        "editor",
        "chair-or-translator",
        "co-investigator",
        "co-inventor",
        "graduate-student",
        "other-inventor",
        "principal-investigator",
        "postdoctoral-researcher",
        "support-staff",
    }
)

# CRediT (NISO) roles, written the way ORCID's own write samples spell them.
CREDIT_ROLE_URIS: frozenset[str] = frozenset(
    f"http://credit.niso.org/contributor-roles/{role}/"
    for role in (
        "conceptualization",
        "data-curation",
        "formal-analysis",
        "funding-acquisition",
        "investigation",
        "methodology",
        "project-administration",
        "resources",
        "software",
        "supervision",
        "validation",
        "visualization",
        "writing-original-draft",
        "writing-review-editing",
    )
)

CITATION_TYPES: frozenset[str] = frozenset(
    {
        "formatted-unspecified",
        "bibtex",
        "formatted-apa",
        "formatted-harvard",
        "formatted-ieee",
        "formatted-mla",
        "formatted-vancouver",
        "formatted-chicago",
        "ris",
    }
)

# ORCID's LanguageCode enumeration (common-3.0.xsd lists it): ISO 639-1 with its legacy codes for
# Hebrew (iw), Indonesian (in), Yiddish (ji) and Moldavian (mo), and Chinese only as zh_CN or zh_TW.
_LANGUAGE_CODE_LINES = (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv",
    "dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha hi ho hr ht hu hy hz ia ie ig ii ik",
    "in io is it iu iw ja ji jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg",
    "mh mi mk ml mn mo mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn",
    "ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw",
    "ty ug uk ur uz ve vi vo wa wo xh yo za zu zh_CN zh_TW",
)
# Today's ISO 639-1 codes whose older code ORCID's list keeps instead.
ORCID_LANGUAGE_ALIASES: dict[str, str] = {"he": "iw", "id": "in", "yi": "ji"}
LANGUAGE_CODES: frozenset[str] = frozenset(code for line in _LANGUAGE_CODE_LINES for code in line.split())


def is_work_type(value: str) -> bool:
    return value in WORK_TYPES


def is_contributor_role(value: str) -> bool:
    """True for ORCID's own role names and for the CRediT role URIs ORCID accepts."""
    return value in CONTRIBUTOR_ROLES or value in CREDIT_ROLE_URIS


def is_language_code(value: str) -> bool:
    return value in LANGUAGE_CODES
