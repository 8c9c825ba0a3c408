"""Browser fixtures: build the site once, serve it from 127.0.0.1, drive Debian's chromium at phone size.

- ``built_site``: the site built by build.py into a temporary folder (once per session). Set
  ``TEST_SITE_DIR`` to an already built site/ to skip the build while iterating.
- ``site_server``: a threaded http.server on a free port that logs every path it serves, with
  ``.wasm`` sent as application/wasm. ``testkit.start_server(root, mime_types={...})``
  starts another one with other MIME types (e.g. ``{".wasm": "application/octet-stream"}``).
- ``browser``: chromium from /usr/bin/chromium (never Playwright's download). Missing → the tests
  fail, they are not skipped.
- ``engine_page``: one page with the engine loaded, shared by the tests of a module; the module
  names the page in ``ENGINE_PAGE`` ("selfcheck/", "roster/"). It checks the Python and Pyodide
  versions (package.json's pin) and that the page logged no error.
- ``a11y_context``: a fresh context with axe-core loaded (a11y.py), once at each width (375, 1280)
  in each text mode (normal, 大字): for the states that appear after an action.
- ``phone``: a fresh 375×812 touch context per test. ``testkit.record_requests(context)``
  lists every URL the context requests (page and workers), ``watch_console(page)`` every error;
  ``phone_page(browser, init_script)`` gives a page and its errors in a context of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from testkit import (CHROMIUM, CHROMIUM_ARGS, PYODIDE_VERSION, build_site, new_phone_context, phone_page,
                     start_server)

from a11y import WIDTHS, new_context

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


@pytest.fixture(params=[(w, m) for w in WIDTHS for m in ("normal", "large")], ids=lambda p: f"{p[0]}-{p[1]}")
def a11y_context(request, browser):
    width, mode = request.param
    context = new_context(browser, width, mode == "large")
    yield context
    context.close()


@pytest.fixture(scope="module")
def engine_page(request, browser, site_server):
    """One page (the module's ENGINE_PAGE) with the engine loaded, shared by the module's API tests."""
    with phone_page(browser) as (page, errors):
        page.goto(site_server.url + request.module.ENGINE_PAGE)
        info = page.evaluate("() => window.selfCheck.ready")
        assert info["python"].startswith("3.14") and info["pyodide"] == PYODIDE_VERSION
        yield page
        assert errors == []
