"""Bibliographic identifiers: recognise, check and normalize DOI, ISBN, ISSN, PubMed id and arXiv id.

Each `normalize_*` function returns the identifier in the one form we send to ORCID, or None when the
text is not a well-formed identifier of that kind (wrong shape or wrong check digit). Pure data has DOIs
as URLs, ISBNs where ISSNs belong and the reverse, so the adapter and the work builder both lean on these.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

# A DOI is "10." + registrant code + "/" + suffix (ISO 26324). The suffix may hold almost anything but
# whitespace; real DOIs in Pure arrive as https://doi.org/…, http://dx.doi.org/…, "doi:…" or bare.
_DOI_RE = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")
_DOI_PREFIX_RE = re.compile(
    r"^(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/|doi:\s*|info:doi/|urn:doi:)", re.IGNORECASE
)
_ISBN_PREFIX_RE = re.compile(r"^ISBN(?:-1[03])?:?\s*", re.IGNORECASE)
_ISSN_PREFIX_RE = re.compile(r"^e?ISSN:?\s*", re.IGNORECASE)
_SEPARATORS_RE = re.compile(r"[\s\-‐‑‒–—]")
_PMID_RE = re.compile(r"^(?:PMID:?\s*)?(\d{1,9})$", re.IGNORECASE)
# arXiv ids since 2007: YYMM.NNNN (to 2014) or YYMM.NNNNN, optionally with a version; before 2007:
# archive(.SUBJECT-CLASS)/YYMMNNN.
_ARXIV_NEW_RE = re.compile(r"^(\d{2}(?:0[1-9]|1[0-2])\.\d{4,5})(v\d+)?$")
_ARXIV_OLD_RE = re.compile(r"^([a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{2}(?:0[1-9]|1[0-2])\d{3})(v\d+)?$")
_ARXIV_PREFIX_RE = re.compile(
    r"^(?:arxiv:\s*|(?:https?://)?(?:www\.)?arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE
)


def normalize_doi(value: str) -> str | None:
    """Return the DOI as lowercase bare `10.xxxx/…`, accepting URL and `doi:` forms; None if not a DOI.

    Lowercase because DOIs are case-insensitive and ORCID compares them lowercased when grouping.
    """
    text = value.strip()
    prefix = _DOI_PREFIX_RE.match(text)
    if prefix is not None:
        text = text[prefix.end() :]
        # Only the URL form is percent-encoded; a bare DOI may legitimately contain "%".
        if "doi.org" in prefix.group(0).lower():
            text = unquote(text)
    text = text.strip()
    if not _DOI_RE.match(text):
        return None
    return text.lower()


def _isbn10_check(digits: str) -> str:
    total = sum((10 - index) * int(digit) for index, digit in enumerate(digits[:9]))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def _isbn13_check(digits: str) -> str:
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(digits[:12]))
    return str((10 - total % 10) % 10)


def normalize_isbn(value: str) -> str | None:
    """Return the ISBN-10 or ISBN-13 without separators (check digit verified); None if not valid."""
    text = _SEPARATORS_RE.sub("", _ISBN_PREFIX_RE.sub("", value.strip())).upper()
    if len(text) == 10 and text[:9].isdigit() and (text[9].isdigit() or text[9] == "X"):
        return text if _isbn10_check(text) == text[9] else None
    if len(text) == 13 and text.isdigit() and text.startswith(("978", "979")):
        return text if _isbn13_check(text) == text[12] else None
    return None


def normalize_issn(value: str) -> str | None:
    """Return the ISSN as `NNNN-NNNC` (check digit verified, ISO 3297); None if not valid."""
    text = _SEPARATORS_RE.sub("", _ISSN_PREFIX_RE.sub("", value.strip())).upper()
    if len(text) != 8 or not text[:7].isdigit() or not (text[7].isdigit() or text[7] == "X"):
        return None
    total = sum((8 - index) * int(digit) for index, digit in enumerate(text[:7]))
    check = (11 - total % 11) % 11
    expected = "X" if check == 10 else str(check)
    return f"{text[:4]}-{text[4:]}" if expected == text[7] else None


def normalize_pmid(value: str) -> str | None:
    """Return a PubMed id as its digits without leading zeros (accepting `PMID:`); None if not one."""
    match = _PMID_RE.match(value.strip())
    if match is None:
        return None
    digits = match.group(1).lstrip("0")
    return digits or None


def normalize_arxiv_id(value: str) -> str | None:
    """Return an arXiv id (`2101.00001`, `hep-th/9901001`, version kept), accepting `arXiv:` and URLs."""
    text = _ARXIV_PREFIX_RE.sub("", value.strip()).strip()
    if text.lower().endswith(".pdf"):
        text = text[:-4]
    for pattern in (_ARXIV_NEW_RE, _ARXIV_OLD_RE):
        match = pattern.match(text)
        if match is not None:
            return match.group(1) + (match.group(2) or "")
    return None


def is_valid_isbn(value: str) -> bool:
    return normalize_isbn(value) is not None


def is_valid_issn(value: str) -> bool:
    return normalize_issn(value) is not None


_NORMALIZERS = {
    "doi": normalize_doi,
    "isbn": normalize_isbn,
    "issn": normalize_issn,
    "pmid": normalize_pmid,
    "arxiv": normalize_arxiv_id,
}


def external_id_key(id_type: str, value: str) -> tuple[str, str] | None:
    """(type, normalized value) by which two works' identifiers are the same one; None if unusable.

    DOIs, ISBNs, ISSNs, PubMed and arXiv ids are normalized as above (an arXiv version is dropped, so
    v1 and v2 are one paper); any other type is compared trimmed and lowercased.
    """
    kind = id_type.strip().lower()
    normalize = _NORMALIZERS.get(kind)
    text = normalize(value) if normalize else (value.strip().lower() or None)
    if text is None:
        return None
    if kind == "arxiv":
        text = re.sub(r"v\d+$", "", text)
    return kind, text


# Orbit (Pure) uuids: the one pattern every reader of Orbit ids uses.
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_UUID_RE = re.compile(UUID_PATTERN)


def is_uuid(value: str) -> bool:
    return bool(_UUID_RE.match(value))
