"""Running one measurement in its own process, so that its peak memory is its own.

Examples
--------
>>> import sys
>>> from benchmarks.measure import run_child
>>> run = run_child([sys.executable, "-c", "x = bytearray(50_000_000)"], cap=60)
>>> run.returncode, run.timed_out, run.peak_mb > 50
(0, False, True)
"""

from __future__ import annotations

import os
import resource
import subprocess
import time
from dataclasses import dataclass

__all__ = ["Child", "cpu_seconds", "peak_mb", "run_child"]


@dataclass
class Child:
    """How a measuring process ended: exit code, peak resident memory, whether stopped."""

    returncode: int
    peak_mb: float
    timed_out: bool
    seconds: float


def run_child(cmd: list[str], *, cap: float | None = None) -> Child:
    """Run ``cmd``; its peak resident memory comes from ``wait4``. Stopped after ``cap`` s."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd)
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if cap is not None and time.monotonic() - start > cap:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            timed_out = True
            break
        time.sleep(0.1)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Child(proc.returncode, usage.ru_maxrss / 1024.0, timed_out, time.monotonic() - start)


def cpu_seconds() -> float:
    """CPU seconds of this process so far, over all its threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
