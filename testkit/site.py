"""The project root and the whole site build, as the browser tests and the benchmarks run it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_site(out: Path) -> Path:
    """Run the whole build pipeline into ``out``/site (staging in ``out``/build); returns the site."""
    import build

    site, staging = out / "site", out / "build"
    status = build.main(["--site-dir", str(site), "--build-dir", str(staging)])
    assert status == 0, "build.py failed; see the log above"
    return site
