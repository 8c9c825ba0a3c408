"""The parts of the site build; build.py, beside this package, runs them as its list of steps.

- ``context.py``   what every page template may use: the notice's numbers and dates, links, helpers
- ``faq.py``       the FAQ of templates/faq.toml, its worked examples run through the engine
- ``calendar.py``  the key dates of the notice and their .ics file
- ``verify.py``    checks of the built site: CSP, no other host, clause anchors, self-check engines
- ``runtime.py``   the Pyodide runtime and our wheels, which the self-check pages start
- ``stdlib.py``    the trimmed standard library the runtime ships (the modules the engine imports)

This module holds what every step shares: the build's state and the error that stops it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Build:
    """Where things are, and what the steps learn along the way."""

    root: Path
    build_dir: Path
    site_dir: Path
    notice_id: str | None = None  # None: the notice mkdocs.yml names
    notice: object = None   # rules_py.Notice
    site: dict = field(default_factory=dict)
    runtime: object = None  # sitebuild.runtime.Runtime

    @property
    def docs(self) -> Path:
        return self.build_dir / "docs"

    @property
    def templates(self) -> Path:
        return self.root / "templates"


class BuildError(RuntimeError):
    """A step found something wrong; the message says what and where."""


@contextlib.contextmanager
def reproducible_environment():
    """Fix the dates mkdocs stamps (sitemap, gzip header) and quiet the banners, then restore."""
    from rules_py.blank_forms import FIXED_TIME

    saved = {k: os.environ.get(k) for k in ("SOURCE_DATE_EPOCH", "NO_MKDOCS_2_WARNING")}
    # Any fixed value works; the same one the blank forms carry, so no date here looks like a notice fact.
    os.environ["SOURCE_DATE_EPOCH"] = str(int(FIXED_TIME.replace(tzinfo=dt.timezone.utc).timestamp()))
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    with contextlib.suppress(ImportError):
        import jieba
        jieba.setLogLevel(logging.WARNING)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
