"""ORCID's v3.0 XSDs, loaded once per process from the shared reference folder (never copied here).

When the folder is absent the stand-in still works, without schema validation, and says so once in
the log. Loading takes about half a second, so schemas are cached per folder and file.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import xmlschema

log = logging.getLogger(__name__)

# infra/orcid_standin/schemas.py -> the repository root is parents[2]; shared/ sits beside it.
DEFAULT_XSD_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "orcid-model"

WORK = "record_3.0/work-3.0.xsd"
BULK = "record_3.0/bulk-3.0.xsd"
ACTIVITIES = "record_3.0/activities-3.0.xsd"
ERROR = "record_3.0/error-3.0.xsd"
EMPLOYMENT = "record_3.0/employment-3.0.xsd"
RESEARCHER_URL = "record_3.0/researcher-url-3.0.xsd"

_cache: dict[tuple[Path, str], Any] = {}
_lock = threading.Lock()
_warned: set[Path] = set()


def schema(xsd_dir: Path, name: str) -> Any:
    """The compiled schema `name` (one of the names above) from `xsd_dir`."""
    key = (xsd_dir.resolve(), name)
    with _lock:
        if key not in _cache:
            _cache[key] = xmlschema.XMLSchema(str(key[0] / name))
        return _cache[key]


def available(xsd_dir: Path | None) -> bool:
    """True when the schemas can be used; logs once per folder when they cannot."""
    if xsd_dir is None:
        return False
    if (xsd_dir / WORK).is_file():
        return True
    with _lock:
        if xsd_dir not in _warned:
            _warned.add(xsd_dir)
            log.warning(
                "ORCID XSDs not found at %s: the member API stand-in skips schema validation", xsd_dir
            )
    return False


def validation_error(xsd_dir: Path, name: str, document: bytes) -> str | None:
    """None when `document` is valid against schema `name`; otherwise the validator's message."""
    try:
        error = next(iter(schema(xsd_dir, name).iter_errors(document.decode("utf-8"))), None)
    except UnicodeDecodeError:
        return "the document is not UTF-8"
    except Exception as exc:  # a parse error is a validation failure like any other
        return f"{type(exc).__name__}: {exc}"
    if error is None:
        return None
    reason = getattr(error, "reason", None) or str(error).splitlines()[0]
    path = getattr(error, "path", None)
    return f"{reason} (at {path})" if path else str(reason)
