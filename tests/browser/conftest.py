"""Browser fixtures: build the site once, serve it from 127.0.0.1, drive Debian's chromium at phone size.

- ``built_site``: the site built by build.py into a temporary folder (once per session). Set
  ``TEST_SITE_DIR`` to an already built site/ to skip the build while iterating.
- ``site_server``: a threaded http.server on a free port that logs every path it serves, with
  ``.wasm`` sent as application/wasm. ``browser_support.start_server(root, mime_types={...})``
  starts another one with other MIME types (e.g. ``{".wasm": "application/octet-stream"}``).
- ``browser``: chromium from /usr/bin/chromium (never Playwright's download). Missing → the tests
  fail, they are not skipped.
- ``phone``: a fresh 375×812 touch context per test. ``browser_support.record_requests(context)``
  lists every URL the context requests (page and workers), ``watch_console(page)`` every error.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from browser_support import CHROMIUM, CHROMIUM_ARGS, build_site, new_phone_context, start_server

# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The built site/ folder (built once per session)."""
    given = os.environ.get("TEST_SITE_DIR")
    if given:
        return Path(given).resolve()
    return build_site(tmp_path_factory.mktemp("built"))


@pytest.fixture(scope="session")
def site_server(built_site):
    server = start_server(built_site)
    yield server
    server.close()


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make system-packages); "
                    "the browser tests never skip")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def phone(browser):
    context = new_phone_context(browser)
    yield context
    context.close()


