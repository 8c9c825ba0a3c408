"""Debian's chromium at phone size: its path and flags, phone contexts and pages, recorders of
requests and console errors, and screenshots for a person to look at."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from testkit.site import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--disable-sync", "--disable-dev-shm-usage"]
PHONE = {"width": 375, "height": 812}
# The Pyodide the pages load: the version package.json pins (sitebuild/runtime.py checks node_modules).
PYODIDE_VERSION = json.loads((ROOT / "package.json").read_text("utf-8"))["dependencies"]["pyodide"]
SCREENSHOTS = ROOT / "build" / "screenshots"


def new_phone_context(browser, **options):
    """A 375×812 touch context in Chinese, with service workers blocked."""
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                               locale="zh-CN", service_workers="block", **options)


@contextlib.contextmanager
def phone_page(browser, init_script: str | None = None, **options):
    """``(page, console errors)`` in a context of its own (``new_phone_context``), closed afterwards;
    ``init_script`` runs in every page and worker before their own scripts."""
    context = new_phone_context(browser, **options)
    try:
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        yield page, watch_console(page)
    finally:
        context.close()


def record_requests(context) -> list[str]:
    """Every URL the context requests from now on (pages and their workers)."""
    urls: list[str] = []
    context.on("request", lambda request: urls.append(request.url))
    return urls


def watch_console(page) -> list[str]:
    """Every console error and uncaught exception of ``page`` from now on."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    return errors


def screenshot(page, name: str, locator=None, full_page: bool = False) -> Path:
    """Save a screenshot as build/screenshots/<name>-<viewport width>.png, for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{page.viewport_size['width']}.png"
    if locator is not None:
        locator.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=full_page)
    return path
