"""CPU time a visit costs the browser, which contention on a shared machine barely inflates.

Wall-clock figures on a busy two-core machine say more about the other work than about the page;
the CPU time all the browser's processes spend on a visit (utime + stime from /proc, the browser
process and every descendant) does not wait for the other work. Each page: a first visit and a
second one in a brand-new profile, pages alternating run by run; the localhost pages use Cache
Storage, the plain-http ones (HOST mapped to 127.0.0.1, not a secure context) cannot.

    python -m benchmarks.cpu_time SITE [RUNS]       prints the medians (seconds) as JSON
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import bench_site
from benchmarks.common import fresh_profile, log
from testkit import start_server
from benchmarks.engine_ready import visit

HOST = "jxjy.test"
TICK = os.sysconf("SC_CLK_TCK")
SETTLE_S = 2.0


def _processes() -> dict[int, tuple[int, float, str]]:
    """{pid: (parent pid, cpu seconds with its ended children, command line)} of every process."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        # utime + stime, and cutime + cstime: the time of children that ended (a page's renderer
        # goes away with the page) is added to the parent that waited for them.
        found[int(entry)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / TICK, cmdline)
    return found


def browser_cpu(profile_marker: str) -> float:
    """CPU seconds so far of the browser whose command line names ``profile_marker`` and of all its
    descendants (renderers, GPU and network services, zygotes). Read SETTLE_S after the last page
    closed, so that its renderer has ended and been counted with its parent."""
    time.sleep(SETTLE_S)
    processes = _processes()
    roots = {pid for pid, (_, _, cmd) in processes.items() if profile_marker in cmd and "--type=" not in cmd}
    family, grew = set(roots), True
    while grew:
        children = {pid for pid, (parent, _, _) in processes.items() if parent in family} - family
        family |= children
        grew = bool(children)
    return sum(processes[pid][1] for pid in family)


def measure(playwright, tree: Path, runs: int) -> dict:
    server = start_server(tree)
    port = server.url.rsplit(":", 1)[1].strip("/")
    bases = {"localhost": server.url + "shipped/", "plain_http": f"http://{HOST}:{port}/shipped/"}
    cases = [("selfcheck", "localhost"), ("bare", "localhost"), ("selfcheck", "plain_http"), ("bare", "plain_http")]
    raw: dict[str, list] = {f"{page}_{where}": [] for page, where in cases}
    try:
        for run in range(runs):
            for page, where in cases if run % 2 == 0 else list(reversed(cases)):
                with fresh_profile(playwright, (f"--host-resolver-rules=MAP {HOST} 127.0.0.1",)) as context:
                    for blank in context.pages:
                        blank.close()
                    marker = f"--user-data-dir={context.profile_dir}"
                    start = browser_cpu(marker)
                    cold = visit(context, server, bases[where], page)
                    middle = browser_cpu(marker)
                    warm = visit(context, server, bases[where], page)
                    end = browser_cpu(marker)
                entry = {"cold_cpu": middle - start, "warm_cpu": end - middle, "cold_ms": cold["ms"], "warm_ms": warm["ms"]}
                raw[f"{page}_{where}"].append(entry)
                log(f"cpu run {run + 1}/{runs} {page} {where}: cold {entry['cold_cpu']:.2f} s CPU "
                    f"({cold['ms']:.0f} ms), warm {entry['warm_cpu']:.2f} s CPU ({warm['ms']:.0f} ms)")
    finally:
        server.close()
    return {key: {name: statistics.median(v[name] for v in visits) for name in visits[0]}
            for key, visits in raw.items()}


if __name__ == "__main__":
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as folder, sync_playwright() as p:
        bench_site.copy_site(Path(sys.argv[1]), Path(folder))
        print(json.dumps(measure(p, Path(folder), int(sys.argv[2]) if len(sys.argv) > 2 else 3), indent=1))
