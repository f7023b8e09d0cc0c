"""Pure's value shapes as pydantic types, tolerant the way real Pure JSON needs.

Every field of a Pure record is optional in practice and its type is not to be relied on (a year can be
the template text "AWARD_DATE_YEAR", a list can be an object). So a field that does not fit its type is
read as missing (`Lenient`), a list item that is not an object is left out (`Items`), and localized text
is read from any of the shapes Pure uses across its API versions (`Localized`). Models built from these
never fail on a JSON object; the checks that do refuse input are explicit, on the record models.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    GetCoreSchemaHandler,
    PlainValidator,
    StrictBool,
    Tag,
)
from pydantic_core import CoreSchema, core_schema

T = TypeVar("T")

# Models are built on first use, not at import: a handler that never reads Pure JSON does not pay for it.
PURE_MODEL = ConfigDict(extra="ignore", frozen=True, defer_build=True)

_LOCALE_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?$")
UNLOCALIZED = ""


_BUILD_LOCK = threading.Lock()


class PureModel(BaseModel):
    """A Pure JSON object: unknown fields ignored, read-only once read."""

    model_config = PURE_MODEL

    @classmethod
    def read(cls, data: object) -> Self:
        """Validate `data`; on first use, build the schema under a lock. Pydantic's deferred build is not
        thread-safe (pydantic/pydantic#13419: another thread can validate with a half-built model) and
        the sync worker reads Orbit on several threads from its first batch on."""
        if not cls.__pydantic_complete__:
            with _BUILD_LOCK:
                if not cls.__pydantic_complete__:
                    cls.model_rebuild()
        return cls.model_validate(data)


@dataclass(frozen=True)
class _OrDefault:
    """Annotation: a value that fails validation is read as `default` instead (pydantic-core's on_error)."""

    default: Any = None
    omit: bool = False

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        if self.omit:
            return core_schema.with_default_schema(handler(source), on_error="omit")
        return core_schema.with_default_schema(handler(source), default=self.default, on_error="default")


Lenient = Annotated[T | None, _OrDefault()]
"""A field read as None when Pure's value is not of its type."""

Items = Annotated[tuple[Annotated[T, _OrDefault(omit=True)], ...], _OrDefault(())]
"""A list of objects: items that are not one are left out; a value that is no list reads as empty."""


def _pure_int(value: object) -> int | None:
    """A whole number, as a number or as decimal digits; placeholders ("AWARD_DATE_YEAR") as None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value.strip())
    return None


class _PureText:
    """Annotation: Pure's scalar as text — numbers as written, blanks and other shapes (bool, object,
    list) as None. Done by pydantic-core alone: it is the field read most often."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        text = core_schema.str_schema(strip_whitespace=True, min_length=1, coerce_numbers_to_str=True)
        return core_schema.with_default_schema(text, default=None, on_error="default")


PureStr = Annotated[str | None, _PureText()]
PureInt = Annotated[int | None, PlainValidator(_pure_int)]
PureFlag = Lenient[StrictBool]
"""True or False as JSON booleans; anything else (1, "true") is not a flag."""


def last_segment(uri: str | None) -> str | None:
    """`/dk/atira/pure/…/status/published` → `published`."""
    if uri is None:
        return None
    return uri.rstrip("/").rsplit("/", 1)[-1] or None


class Ref(PureModel):
    """A reference or classification: `{"uri": …}` or `{"uuid": …}` (both kept as written)."""

    uri: PureStr = None
    uuid: PureStr = None


# --- Localized text -------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # hashed by identity: NO_TEXT is a default inside an annotation
class Texts:
    """One text per locale, in Pure's order; a text Pure gave without a locale is keyed by ""."""

    by_locale: dict[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.by_locale.items())

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return handler.generate_schema(_SHAPES)

    def pick(self, language: str | None) -> str | None:
        """The text in `language` (ISO 639-1), else English, else the unlocalized one, else any."""
        for wanted in (language, "en"):
            for locale, text in self.by_locale.items():
                if wanted and locale.split("_")[0] == wanted:
                    return text
        return self.by_locale.get(UNLOCALIZED) or next(iter(self.by_locale.values()), None)


NO_TEXT = Texts()


class _LocaleValue(PureModel):
    locale: PureStr = None
    value: PureStr = None


class _WsText(PureModel):
    """WS 5.x: `{"formatted": false, "text": [{"locale": "en_GB", "value": "…"}]}`."""

    text: Items[_LocaleValue]

    def texts(self) -> Texts:
        by_locale: dict[str, str] = {}
        for entry in self.text:
            if entry.value:
                by_locale.setdefault(entry.locale or UNLOCALIZED, entry.value)
        return Texts(by_locale)


class _FormattedString(PureModel):
    """A formatted string without locales: `{"formatted": true, "value": "…"}`."""

    value: PureStr = None

    def texts(self) -> Texts:
        return Texts({UNLOCALIZED: self.value} if self.value else {})


def _api_texts(value: dict[str, str | None]) -> Texts:
    """Pure API: `{"en_GB": "…", "da_DK": "…"}`; keys that are not locales are not texts."""
    return Texts({key: text for key, text in value.items() if _LOCALE_RE.match(key) and text})


def _text_shape(value: Any) -> str | None:
    if isinstance(value, str):
        return "plain"
    if isinstance(value, dict):
        if isinstance(value.get("text"), list):
            return "ws"
        return "formatted" if "value" in value else "api"
    return None


_SHAPES = Annotated[
    Annotated[str, AfterValidator(lambda text: Texts({UNLOCALIZED: text})), Tag("plain")]
    | Annotated[_WsText, AfterValidator(_WsText.texts), Tag("ws")]
    | Annotated[_FormattedString, AfterValidator(_FormattedString.texts), Tag("formatted")]
    | Annotated[dict[str, PureStr], AfterValidator(_api_texts), Tag("api")],
    Discriminator(_text_shape),
]

Localized = Annotated[Texts, _OrDefault(NO_TEXT)]
"""Localized text in any of Pure's shapes; anything else reads as no text."""
