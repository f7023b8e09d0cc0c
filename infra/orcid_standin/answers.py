"""The member API's error answers, worded as ORCID words them (status, error code, developer message).

The 9021, 9016, 9001 and 9034 texts follow recorded ORCID answers; the others follow ORCID-Source's
message catalogue. Developer messages start with "<status> <reason>:" as ORCID's do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MORE_INFO = "https://members.orcid.org/api/resources/troubleshooting"
# ORCID's own limit (works per bulk POST, put-codes per bulk GET), kept here as a fact about ORCID and
# not imported from our client: a stand-in that followed our constant could never catch us exceeding it.
BULK_LIMIT = 100

_REASONS = {
    301: "Moved Permanently",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
}


@dataclass
class ApiError(Exception):
    """One ORCID error answer; raised inside the stand-in, rendered as XML or JSON by Accept."""

    status: int
    code: int
    developer_message: str
    user_message: str = "There was an error when updating the record. Please try again."
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status}/{self.code}: {self.developer_message}"


def _error(status: int, code: int, text: str, user: str | None = None) -> ApiError:
    message = f"{status} {_REASONS.get(status, '')}: {text}"
    return ApiError(status, code, message, user or "There was an error when updating the record.")


def invalid_body(detail: str) -> ApiError:
    return _error(
        400,
        9001,
        "There is an issue with your data or the API endpoint. 405 Method Not Allowed: Endpoint and method "
        "mismatch. 415 Unsupported Media Type: data must be in XML or JSON format. "
        f"Full validation error: {detail}",
        "ORCID could not process the data, because they were invalid.",
    )


def duplicate(put_code: int) -> ApiError:
    return _error(
        409,
        9021,
        "You have already added this activity (matched by external identifiers), please see element with "
        f"put-code {put_code}. If you are trying to edit the item, please use PUT instead of POST.",
    )


def not_found() -> ApiError:
    return _error(
        404,
        9016,
        "The resource was not found. Full validation error: No entity found for query",
        "The resource was not found.",
    )


def orcid_not_found(orcid: str) -> ApiError:
    return _error(
        404,
        9016,
        f"The resource was not found. Full validation error: ORCID iD {orcid} not found",
        "The resource was not found.",
    )


def wrong_source() -> ApiError:
    return _error(403, 9010, "You are not the source of the work, so you are not allowed to update it.")


def not_visible() -> ApiError:
    return _error(403, 9013, "The activity is private and you are not the source.")


def visibility_change() -> ApiError:
    return _error(
        403,
        9035,
        "You can't change the visibility of an item, please remove the visibility or set it to the current "
        "value",
    )


def put_code_mismatch(url_put_code: str, body_put_code: object) -> ApiError:
    return _error(
        400,
        9019,
        f"The put code in the URL was {url_put_code} whereas the one in the body was {body_put_code}.",
    )


def put_code_on_post() -> ApiError:
    return _error(
        400,
        9024,
        "Put-code is included when not expected. When posting new activities, the put code should be "
        "omitted.",
    )


def bad_put_code(text: str) -> ApiError:
    return _error(
        400,
        9034,
        f"The put code provided is not valid. Full validation error: '{text}' is not a valid put code",
    )


def too_many_in_bulk(count: int) -> ApiError:
    return _error(
        400,
        9006,
        f"Invalid parameter: {count} elements. You are allowed to add up to {BULK_LIMIT} elements per "
        "request.",
    )


def too_many_put_codes(count: int) -> ApiError:
    return _error(400, 9042, f"You asked for {count} put-codes; the maximum is {BULK_LIMIT}.")


def bad_enum(what: str, value: str, allowed: list[str]) -> ApiError:
    return _error(
        400,
        9037,
        f"Invalid {what} '{value}', valid values are: {', '.join(allowed)}.",
        "Please specify a work type.",
    )


def missing_title() -> ApiError:
    return _error(
        400, 9022, "Invalid activity: A title is required.", "Invalid activity: A title is required."
    )


def missing_external_id() -> ApiError:
    return _error(
        400,
        9023,
        "Invalid activity: an external identifier with relationship self is required.",
        "Invalid activity: an external identifier is required.",
    )


def bad_date(detail: str) -> ApiError:
    return _error(400, 9049, f"Invalid date: {detail}", "Invalid date.")


def record_locked(orcid: str) -> ApiError:
    return _error(
        409, 9018, f"The ORCID record {orcid} is locked and cannot be edited.", "The ORCID record is locked."
    )


def record_unclaimed(orcid: str) -> ApiError:
    return _error(
        409, 9036, f"The ORCID record {orcid} has not been claimed.", "This record has not been claimed"
    )


def record_deactivated(orcid: str) -> ApiError:
    return _error(409, 9044, f"The ORCID record {orcid} is deactivated.", "This record is deactivated.")


def record_merged(orcid: str, primary: str, location: str) -> ApiError:
    error = _error(
        301,
        9007,
        f"This account is deprecated. Please refer to account: {primary}",
        f"This account is deprecated. Please refer to account: {primary}",
    )
    error.headers["Location"] = location
    return error


def max_works(limit: int) -> ApiError:
    return _error(409, 9048, f"This record has reached the maximum of {limit} works.", "The record is full.")


def token_for_other_record() -> ApiError:
    return _error(401, 9017, "The client application is not authorized for this ORCID record.")


def insufficient_scope(scope: str = "/activities/update") -> ApiError:
    return _error(403, 9038, f"Insufficient or wrong scope: {scope} is required.")


def server_error(detail: str) -> ApiError:
    return _error(500, 9008, f"Something went wrong in ORCID. Full validation error: {detail}")


def unsupported_media_type(content_type: str) -> ApiError:
    return invalid_body(f"unsupported content type {content_type!r} (this stand-in takes XML bodies)")
