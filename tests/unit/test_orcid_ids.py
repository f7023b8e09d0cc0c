from __future__ import annotations

import pytest

from orcid_sync.domain.orcid_ids import (
    InvalidOrcidId,
    is_valid_orcid_id,
    normalize_orcid_id,
    orcid_check_character,
)


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X", "0000-0001-2345-6789"]
)
def test_published_example_ids_pass_the_checksum(orcid: str) -> None:
    assert normalize_orcid_id(orcid) == orcid


def test_the_url_form_and_a_lowercase_x_are_accepted() -> None:
    assert normalize_orcid_id(" https://orcid.org/0000-0002-1694-233x ") == "0000-0002-1694-233X"


@pytest.mark.parametrize("orcid", ["0000-0002-1825-0098", "0000-0002-1694-2339", "0000-0002-1825-009", "abc"])
def test_a_wrong_check_character_or_shape_is_refused(orcid: str) -> None:
    with pytest.raises(InvalidOrcidId):
        normalize_orcid_id(orcid)
    assert not is_valid_orcid_id(orcid)


def test_the_check_character_is_x_for_a_remainder_of_ten() -> None:
    assert orcid_check_character("000000021694233") == "X"
