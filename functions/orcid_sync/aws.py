"""Lazily created boto3 clients, one per service per execution environment.

Created on first use, never at import: a client made at import time would escape moto in tests and
slow every cold start, even for requests that never touch that service. `AWS_ENDPOINT_URL` (read by
botocore itself) points them at the local stack's moto server.

Clients are thread-safe once made, but boto3's default session, which makes them, is not: the sync
worker runs jobs on several threads, so clients are made under one lock.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_sqs import SQSClient

_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 4},
    connect_timeout=3,
    read_timeout=10,
    # One connection per thread that may call at once (the sync worker's jobs), as botocore's default.
    max_pool_connections=10,
)
_making = threading.Lock()


@cache
def dynamodb() -> DynamoDBClient:
    with _making:
        return boto3.client("dynamodb", config=_CONFIG)


@cache
def kms() -> KMSClient:
    with _making:
        return boto3.client("kms", config=_CONFIG)


@cache
def sqs() -> SQSClient:
    with _making:
        return boto3.client("sqs", config=_CONFIG)


def reset_clients() -> None:
    """Forget the cached clients (tests that start a new moto server call this)."""
    for factory in (dynamodb, kms, sqs):
        factory.cache_clear()
