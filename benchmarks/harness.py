"""Timing, memory and load helpers shared by the benchmark workloads."""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Timing:
    median_s: float
    runs: list[float]
    peak_mb: float


def measure(fn: Callable[[], Any], runs: int = 5, warmup: int = 1) -> Timing:
    """Median wall time of ``runs`` calls after ``warmup``, and the tracemalloc peak of one call."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Timing(statistics.median(times), times, peak / 1e6)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 4, port: int | None = None):
    """Serve ganbu with gunicorn on loopback; yields the base URL."""
    port = port or free_port()
    cmd = [sys.executable, "-m", "gunicorn", "ganbu.wsgi:application", "-b", f"127.0.0.1:{port}",
           "-w", str(workers), "--worker-class", "sync", "--log-level", "warning",
           "--pythonpath", str(ROOT / "src")]
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=ROOT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{url}/login/", timeout=1)
                break
            except Exception:
                if proc.poll() is not None:
                    raise RuntimeError("gunicorn exited") from None
                time.sleep(0.3)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)


WRK_LINE = re.compile(r"Requests/sec:\s+([\d.]+)")


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(url: str, script: Path, connections: int, seconds: int, threads: int = 2,
        env: dict[str, str] | None = None) -> dict[str, float]:
    """Run wrk with a Lua script; returns requests/s, p50 and p99 in ms, and non-2xx count."""
    out = subprocess.run(
        ["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{seconds}s", "--latency",
         "-s", str(script), url],
        capture_output=True, text=True, check=True, env={**os.environ, **(env or {})},
    ).stdout
    rps = float(WRK_LINE.search(out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)", out, re.MULTILINE))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"requests_per_s": rps, "p50_ms": _ms(lat.get("50", "nan")), "p99_ms": _ms(lat.get("99", "nan")),
            "non_2xx": int(bad.group(1)) if bad else 0, "raw": out}
