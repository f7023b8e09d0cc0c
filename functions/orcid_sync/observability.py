"""One Logger and Metrics for every function, and the guard that keeps secrets out of logs.

No Tracer: Powertools' Tracer imports the X-Ray SDK, which builds a botocore session and an xray client
at import (a third of a cold start). Lambda's active tracing (`Tracing: Active` in the template) still
records every invocation's segments, and botocore passes the trace id on to AWS calls
(docs/decisions.md, 2026-11-29).
"""

from __future__ import annotations

import logging
import warnings

from aws_lambda_powertools import Logger, Metrics

SERVICE = "orcid-sync"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace="OrbitOrcidSync", service=SERVICE)

# At DEBUG, botocore logs request parameters (KMS Plaintext: a token) and urllib3 logs full URLs
# (a callback URL holds an OAuth code). Our own DEBUG must never turn those on; their INFO is noise.
for _name in ("botocore", "boto3", "urllib3", "s3transfer"):
    logging.getLogger(_name).setLevel(max(logging.WARNING, logging.getLogger(_name).level))

# Most HTTP routes publish no metric on most requests; Powertools would warn on every such invocation.
warnings.filterwarnings("ignore", message="No application metrics to publish")
