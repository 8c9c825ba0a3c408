"""Build: wall time of ``make site`` from a warm environment.

Warm means what a maintainer has after the first ``make site``: the virtualenv and node_modules
exist (their stamps are up to date, so make skips them) and the browser wheels are in .cache/.
One untimed build first makes sure of that (and is reported apart); then ``runs`` timed builds,
each the whole pipeline (render, forms, mkdocs --strict, runtime copy, verification) into site/.
"""

from __future__ import annotations

import os
import subprocess
import time

from benchmarks.common import ROOT, log, summary


def make_site() -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    start = time.perf_counter()
    completed = subprocess.run(["make", "--no-print-directory", "site"], cwd=ROOT, env=env,
                               capture_output=True, text=True)
    ms = (time.perf_counter() - start) * 1000
    if completed.returncode:
        raise RuntimeError("make site failed:\n" + (completed.stdout + completed.stderr)[-3000:])
    return ms


def measure(runs: int) -> dict:
    first = make_site()
    times = [make_site() for _ in range(runs)]
    figures = summary(times)
    figures["first_build"] = first
    log(f"make site: median {figures['median'] / 1000:.2f} s over {runs} builds (first {first / 1000:.2f} s)")
    return figures
