"""What every measurement shares: summary statistics, a clock, the browser and the static server.

The browser and the server are the test suite's own (testkit/): Debian's chromium with the same
flags, and the threaded static server that logs every path it serves.
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from testkit import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]

READY_TIMEOUT_MS = 120_000  # generous: a hang is a failure of the run, not a figure


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0–100), linear between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: list[float]) -> dict:
    """{median, min, max, n, values} of one figure's runs (values kept for the JSON file)."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values), "values": [round(v, 3) for v in values]}


def ratio(a: dict, b: dict) -> float:
    """Ratio of two figures' medians."""
    return a["median"] / b["median"]


@dataclass
class Stopwatch:
    """perf_counter around a block: ``with Stopwatch() as sw: …; sw.ms``."""

    ms: float = 0.0
    _start: float = field(default=0.0, repr=False)

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.ms = (time.perf_counter() - self._start) * 1000


# ---------------------------------------------------------------------------------------------
# The browser
# ---------------------------------------------------------------------------------------------

@contextlib.contextmanager
def fresh_profile(playwright, extra_args: tuple[str, ...] = (), **options):
    """A browser with a brand-new profile (empty HTTP and code caches), closed afterwards.

    A persistent profile on disk rather than an incognito context: Chromium keeps no compiled
    wasm code cache for incognito contexts, and a real visitor's second visit has one.
    """
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args], headless=True,
            service_workers="block", locale="zh-CN", **options)
        context.profile_dir = profile  # names this browser's processes (cpu_time.py)
        try:
            yield context
        finally:
            context.close()


def chromium_version() -> str:
    """``Chromium 156.0.… built on Debian …`` as the binary prints it."""
    import subprocess

    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.strip() or "unknown"


def wait_for(page, expression: str, timeout: float = READY_TIMEOUT_MS) -> None:
    """page.wait_for_function with a *function* string (an expression string is eval'd: CSP)."""
    page.wait_for_function(f"() => {expression}", timeout=timeout)


ENGINE_PREPARED = """async () => {
  await window.selfCheck.ready;
  const data = document.getElementById("selfcheck-engine");
  if (!data || !JSON.parse(data.textContent).tools.length) return null;
  while (!performance.getEntriesByName("selfcheck-prepared").length) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.getEntriesByName("selfcheck-prepared")[0].startTime;
}"""


def wait_until_prepared(page) -> float | None:
    """Wait for ready and, on a page with tools (the roster page), for the worker's imports of
    them, which follow ready: a check timed earlier would include them. Returns when they were
    done (ms since navigation start), None on a page without tools."""
    return page.evaluate(ENGINE_PREPARED)


BYTECODE_KEPT = """async (timeoutMs) => {
  if (!self.caches) return null;
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const cache = await caches.open("selfcheck-runtime");
    if ((await cache.keys()).some((request) => request.url.endsWith("/python_stdlib.pyc.zip"))) {
      return performance.now() - started;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return null;
}"""


def wait_until_bytecode_kept(page, timeout_ms: float = 60_000) -> float | None:
    """Wait until the worker has kept the standard library's bytecode in Cache Storage, which it
    makes after a visit has booted (selfcheck-worker.js, keepBytecode), as a visitor's first visit,
    which lasts minutes, lets it. Returns the ms waited; None without Cache Storage, or when nothing was kept in time."""
    return page.evaluate(BYTECODE_KEPT, timeout_ms)
