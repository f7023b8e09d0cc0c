"""The one kind of failure every layer shares: a dependency is down or slow, and later may work."""

from __future__ import annotations


class TryLater(Exception):
    """An outside system (ORCID, Orbit, DTU's identity provider) failed in a way that may pass.

    Each adapter raises its own subclass with the details; handlers catch this one base: a queue
    message goes back with backoff, a page says "try again in a while".
    """
