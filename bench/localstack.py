"""The local stack for benchmarks: the same stack, with moto in a process of its own.

In `LocalStack`, moto's server shares the process (and so one CPU, under one GIL) with the ORCID and
Orbit stand-ins. For the throughput benchmark that makes moto's emulation of DynamoDB, SQS and KMS
compete with the stand-ins for one core; in AWS those services run elsewhere. `BenchStack` starts
the same moto server as a separate process instead (`python -m moto.server` on a free loopback port)
and otherwise is `LocalStack` unchanged. Should `LocalStack` stop starting moto through
`_start_moto`, `BenchStack` falls back to moto in-process and says so (`moto_process` stays None).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.local.aws_resources import REGION
from infra.local.stack import LocalStack, reset_function_caches


@dataclass
class BenchStack(LocalStack):
    moto_process: subprocess.Popen[bytes] | None = field(init=False, default=None)

    def _start_moto(self) -> None:
        port = _free_port()
        self.moto_process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        _wait_for(url + "/moto-api/", self.moto_process)
        self._use_moto_at(url)

    def start(self) -> BenchStack:
        super().start()
        return self

    def __enter__(self) -> BenchStack:
        return self.start()

    def stop(self) -> None:
        super().stop()
        if self.moto_process is not None:
            self.moto_process.terminate()
            self.moto_process.wait(timeout=30)

    def moto_cpu_seconds(self) -> float | None:
        """CPU time moto's process has used so far (Linux), None when moto runs in-process."""
        return process_cpu_seconds(self.moto_process.pid) if self.moto_process is not None else None


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process, from /proc (None where there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / _clock_ticks()


def _clock_ticks() -> int:
    import os

    return int(os.sysconf("SC_CLK_TCK"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto's server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - loopback http only
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.05)
    raise RuntimeError(f"moto's server did not answer at {url} within {timeout:.0f} s")


@dataclass
class InProcessAwsStack(LocalStack):
    """The local stack with moto answering in this process, at botocore's HTTP layer (`mock_aws`).

    No moto server and no HTTP hop for AWS calls: DynamoDB, KMS and Secrets Manager cost the process
    only moto's own work, so a benchmark whose pace should be set by ORCID's and Orbit's latency is
    not set by the emulation of AWS. SQS is driven by the benchmark itself (bench/fifo.py).
    """

    _mock: Any = field(init=False, default=None)

    def _start_moto(self) -> None:
        from moto import mock_aws

        self._mock = mock_aws()
        self._mock.start()
        self._saved_env.setdefault("AWS_ENDPOINT_URL", os.environ.get("AWS_ENDPOINT_URL"))
        os.environ.pop("AWS_ENDPOINT_URL", None)
        self._set_env(
            {
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_SESSION_TOKEN": "testing",
                "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION,
            }
        )
        reset_function_caches()

    def start(self) -> InProcessAwsStack:
        super().start()
        return self

    def __enter__(self) -> InProcessAwsStack:
        return self.start()

    def stop(self) -> None:
        super().stop()
        if self._mock is not None:
            self._mock.stop()
            self._mock = None
