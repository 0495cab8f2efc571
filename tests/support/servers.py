"""Waiting for a JupyterLab server a test started."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest


def wait_until_serving(base: str, token: str, server: subprocess.Popen, *, timeout: float,
                       explain: Callable[[], str]) -> None:
    """Return once ``base`` answers; fail the test with ``explain()`` if the server dies first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(explain())
            time.sleep(0.3)
