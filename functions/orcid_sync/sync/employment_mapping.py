"""Orbit staff association → ORCID employment: DTU (with its ROR id), the unit, the job title, the dates.

The employer is the same for every association (Orbit holds DTU's own units); its name, address and
disambiguated identifier come from settings (the ROR id from a template parameter).
"""

from __future__ import annotations

from orcid_sync.orbit.staff import StaffAssociation
from orcid_sync.orcid.employment import Employment, EmploymentNotSendable, Organization, validate_employment

DTU_ROR = "https://ror.org/04qtj9h94"
DTU = Organization(name="Technical University of Denmark", city="Kongens Lyngby", country="DK", ror=DTU_ROR)


def employment_from_association(
    association: StaffAssociation, employer: Organization = DTU, profile_url: str | None = None
) -> Employment:
    """The employment ORCID should show for this association. Raises EmploymentNotSendable."""
    if association.start is None:
        raise EmploymentNotSendable("Orbit gives no start date for it, and ORCID requires one")
    employment = Employment(
        association_id=association.id,
        organization=employer,
        start=association.start,
        end=association.end,
        department=association.unit_name,
        role_title=association.job_title,
        url=profile_url,
    )
    validate_employment(employment)
    return employment
