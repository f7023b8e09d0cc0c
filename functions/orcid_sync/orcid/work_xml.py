"""ORCID v3.0 work XML (single and bulk), and the content hash that tells whether a work changed.

Elements are written in the XSD's sequence order (ORCID rejects out-of-order XML with 400/9001). Every
work is validated once, as its element is built, so nothing ORCID would refuse can leave through here.
The put-code of a PUT is set on the element as it is built, never spliced into a finished document.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from orcid_sync.orcid.work import Contributor, PublicationDate, Work, WorkNotSendable, validate_work

WORK_NS = "http://www.orcid.org/ns/work"
COMMON_NS = "http://www.orcid.org/ns/common"
BULK_NS = "http://www.orcid.org/ns/bulk"
ORCID_HOST = "orcid.org"
# ORCID answers 400/9006 to more works in one bulk call. The one copy in our code: the client refuses
# longer lists and the sync chunks by it. (The ORCID stand-in keeps its own, as a fact about ORCID.)
BULK_LIMIT = 100

# Registered once so documents read `work:` and `common:` rather than ns0/ns1.
ET.register_namespace("work", WORK_NS)
ET.register_namespace("common", COMMON_NS)
ET.register_namespace("bulk", BULK_NS)

_HASH_VERSION = "orcid-work-v1"


def _w(name: str) -> str:
    return f"{{{WORK_NS}}}{name}"


def _c(name: str) -> str:
    return f"{{{COMMON_NS}}}{name}"


def _add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


@dataclass(frozen=True)
class BulkDocument:
    """A `bulk:bulk` document of the works ORCID can take, and why each other work was left out."""

    xml: bytes | None  # None when every work was left out
    sent: tuple[int, ...]  # the positions (in the given list) of the works in `xml`, in order
    refused: Mapping[int, WorkNotSendable]  # position → why that work was left out


def work_to_xml(work: Work, put_code: int | None = None) -> bytes:
    """The work as an ORCID v3.0 `work:work` document (UTF-8); `put_code` set on the root for a PUT.

    Raises WorkNotSendable if the work is not one ORCID would accept, and ValueError for a put-code
    that is not a positive integer.
    """
    return _serialize(_checked_element(work, put_code))


def bulk_document(works: Sequence[Work]) -> BulkDocument:
    """1–100 works as one ORCID `bulk:bulk` document for `POST /works`, in the given order.

    Each work is validated once; a work ORCID would refuse is left out and `refused` says why.
    Raises ValueError for no works or more than `BULK_LIMIT`.
    """
    if not works:
        raise ValueError("a bulk document needs at least one work")
    if len(works) > BULK_LIMIT:
        raise ValueError(f"ORCID takes at most {BULK_LIMIT} works per bulk call; got {len(works)}")
    root = ET.Element(f"{{{BULK_NS}}}bulk")
    sent: list[int] = []
    refused: dict[int, WorkNotSendable] = {}
    for position, work in enumerate(works):
        try:
            root.append(_checked_element(work))
        except WorkNotSendable as reason:
            refused[position] = reason
            continue
        sent.append(position)
    return BulkDocument(xml=_serialize(root) if sent else None, sent=tuple(sent), refused=refused)


def content_hash(work: Work) -> str:
    """sha256 hex of the work's canonical form: equal works hash equal, across runs and Python versions.

    The canonical form is sorted-key ASCII JSON of the fields that are set, so adding an optional field
    to the model later does not change the hash of works that do not use it (no mass re-sync).
    """
    canonical = json.dumps(
        [_HASH_VERSION, _without_empty(work.model_dump(mode="json"))],
        sort_keys=True,
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _serialize(root: ET.Element) -> bytes:
    document: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return document


def _without_empty(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _without_empty(item)
            for key, item in value.items()
            if item is not None and item != [] and item != ()
        }
    if isinstance(value, list | tuple):
        return [_without_empty(item) for item in value]
    return value


def _checked_element(work: Work, put_code: int | None = None) -> ET.Element:
    """The validated work's `work:work` element, with `put_code` on it when given."""
    validate_work(work)
    root = _work_element(work)
    if put_code is not None:
        if isinstance(put_code, bool) or not isinstance(put_code, int) or put_code < 1:
            raise ValueError(f"put-code must be a positive integer, not {put_code!r}")
        root.set("put-code", str(put_code))
    return root


def _work_element(work: Work) -> ET.Element:
    root = ET.Element(_w("work"))
    title = _add(root, _w("title"))
    _add(title, _c("title"), work.title)
    if work.subtitle is not None:
        _add(title, _c("subtitle"), work.subtitle)
    if work.translated_title is not None:
        translated = _add(title, _c("translated-title"), work.translated_title.title)
        translated.set("language-code", work.translated_title.language_code)
    if work.journal_title is not None:
        _add(root, _w("journal-title"), work.journal_title)
    if work.short_description is not None:
        _add(root, _w("short-description"), work.short_description)
    if work.citation is not None:
        citation = _add(root, _w("citation"))
        _add(citation, _w("citation-type"), work.citation.type)
        _add(citation, _w("citation-value"), work.citation.value)
    _add(root, _w("type"), work.type)
    if work.publication_date is not None:
        _add_date(root, work.publication_date)
    external_ids = _add(root, _c("external-ids"))
    for external_id in work.external_ids:
        element = _add(external_ids, _c("external-id"))
        _add(element, _c("external-id-type"), external_id.type)
        _add(element, _c("external-id-value"), external_id.value)
        if external_id.url is not None:
            _add(element, _c("external-id-url"), external_id.url)
        _add(element, _c("external-id-relationship"), external_id.relationship)
    if work.url is not None:
        _add(root, _c("url"), work.url)
    if work.contributors:
        contributors = _add(root, _w("contributors"))
        for contributor in work.contributors:
            _add_contributor(contributors, contributor)
    if work.language_code is not None:
        _add(root, _c("language-code"), work.language_code)
    return root


def _add_date(root: ET.Element, date: PublicationDate) -> None:
    element = _add(root, _c("publication-date"))
    _add(element, _c("year"), f"{date.year:04d}")
    # ORCID wants two digits ("06"), though the XSD's integer type would accept "6".
    if date.month is not None:
        _add(element, _c("month"), f"{date.month:02d}")
        if date.day is not None:
            _add(element, _c("day"), f"{date.day:02d}")


def _add_contributor(parent: ET.Element, contributor: Contributor) -> None:
    element = _add(parent, _w("contributor"))
    if contributor.orcid is not None:
        orcid = _add(element, _c("contributor-orcid"))
        _add(orcid, _c("uri"), f"https://{ORCID_HOST}/{contributor.orcid}")
        _add(orcid, _c("path"), contributor.orcid)
        _add(orcid, _c("host"), ORCID_HOST)
    if contributor.credit_name is not None:
        _add(element, _w("credit-name"), contributor.credit_name)
    if contributor.sequence is not None or contributor.role is not None:
        attributes = _add(element, _w("contributor-attributes"))
        if contributor.sequence is not None:
            _add(attributes, _w("contributor-sequence"), contributor.sequence)
        if contributor.role is not None:
            _add(attributes, _w("contributor-role"), contributor.role)
