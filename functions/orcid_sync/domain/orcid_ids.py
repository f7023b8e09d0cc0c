"""ORCID iDs: format and ISO 7064 MOD 11-2 checksum."""

from __future__ import annotations

import re

_ORCID_RE = re.compile(
    r"^(?:https?://(?:sandbox\.)?orcid\.org/)?(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$", re.IGNORECASE
)


class InvalidOrcidId(ValueError):
    """The text is not an ORCID iD, or its check character is wrong."""


def orcid_check_character(base_digits: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character for the first 15 digits of an iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize_orcid_id(value: str) -> str:
    """Return the iD as `0000-0000-0000-000X`, accepting the URL form; raise InvalidOrcidId otherwise."""
    match = _ORCID_RE.match(value.strip())
    if match is None:
        raise InvalidOrcidId(f"{value!r} is not in the form 0000-0000-0000-000X")
    digits = "".join(match.groups()).upper()
    if orcid_check_character(digits[:15]) != digits[15]:
        raise InvalidOrcidId(f"{value!r} has a wrong check character (ISO 7064 MOD 11-2)")
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def is_valid_orcid_id(value: str) -> bool:
    try:
        normalize_orcid_id(value)
    except InvalidOrcidId:
        return False
    return True
