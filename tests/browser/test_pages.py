"""Every built page in headless Chromium at phone size: it loads, logs no error, asks no other host for
anything, carries a working CSP, fits a 375-px screen; 大字 persists (search: test_search.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from testkit import ROOT, screenshot, new_phone_context, record_requests, watch_console
from rules_py.forms import forms_for
from rules_py.notice import load_notice

from pages import PAGES, url_of

pytestmark = pytest.mark.browser

INJECT_INLINE_SCRIPT = """() => {
  const s = document.createElement("script");
  s.textContent = "window.__injected = true";
  document.head.appendChild(s);
  return window.__injected === true ? "allowed" : "blocked";
}"""


def open_page(context, server, path: str):
    """Open ``path`` and wait until the page and its first fetches (search index, …) are done."""
    page = context.new_page()
    errors = watch_console(page)
    response = page.goto(server.url + path, wait_until="load")
    page.wait_for_load_state("networkidle", timeout=60_000)
    return page, response, errors


def test_every_built_page_is_checked(built_site):
    built = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html"))
    expected = sorted((url + "index.html") if not url.endswith(".html") else url for url in PAGES)
    assert built == expected, "a page was built that the nav (and so this test) does not list"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.strip("/") or "home")
def test_page_at_phone_size(phone, site_server, path):
    requests = record_requests(phone)
    page, response, errors = open_page(phone, site_server, path)

    assert response.status == 200
    assert errors == []
    # The self-check worker imports pyodide.asm.js from a blob: URL of this origin after unpacking it.
    foreign = [url for url in requests if not url.startswith((site_server.url, "blob:" + site_server.url))]
    assert foreign == [], "requests left the local server"

    csp = page.locator('meta[http-equiv="Content-Security-Policy"]')
    assert csp.count() == 1
    policy = csp.get_attribute("content")
    assert "default-src 'self'" in policy
    assert re.search(r"script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')*;", policy)
    # The policy is enforced, not just present: an injected inline script does not run.
    assert page.evaluate(INJECT_INLINE_SCRIPT) == "blocked"

    assert page.evaluate("() => document.documentElement.lang") == "zh"
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px phone"
    footer = page.locator(".md-footer-meta").inner_text()
    assert "赤峰市松山区人力资源和社会保障局" in footer and "赤人社办发〔2024〕165号" in footer
    assert "songshan-2025" in footer  # the rules version


def test_nothing_served_is_missing(browser, site_server):
    """After every page has been opened, the server's own log shows no 404 and nothing outside the site."""
    context = new_phone_context(browser)
    site_server.clear()
    for path in PAGES:
        page, _, _ = open_page(context, site_server, path)
        page.close()
    context.close()
    assert site_server.errors() == []
    assert all(p.startswith("/") for p in site_server.paths())


def test_large_text_switch_persists(phone, site_server):
    page, _, errors = open_page(phone, site_server, "notice/")
    body_size = "() => parseFloat(getComputedStyle(document.querySelector('.md-typeset p')).fontSize)"
    normal = page.evaluate(body_size)
    toggle = page.locator("[data-text-size-toggle]")
    assert toggle.get_attribute("aria-pressed") == "false"

    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    large = page.evaluate(body_size)
    assert large >= normal * 1.3, (normal, large)

    page.reload()
    assert page.evaluate("() => document.documentElement.classList.contains('text-large')")
    page.goto(site_server.url + "faq/")
    assert page.evaluate("() => document.documentElement.classList.contains('text-large')")
    assert page.locator("[data-text-size-toggle]").get_attribute("aria-pressed") == "true"
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 375

    page.locator("[data-text-size-toggle]").click()
    page.reload()
    assert not page.evaluate("() => document.documentElement.classList.contains('text-large')")
    assert errors == []


def _says_selfcheck(path: Path) -> bool:
    """Front matter with ``selfcheck: true`` (read as text: a template's front matter holds Jinja)."""
    text = path.read_text("utf-8")
    if not text.startswith("---\n"):
        return False
    return re.search(r"^selfcheck:\s*true\s*$", text[4:text.index("\n---", 4)], re.M) is not None


# Hand-written pages and page templates (学时自查 and 花名册自查 are templates/*.md.j2).
SELFCHECK_PAGES = sorted([p.relative_to(ROOT / "site_src").as_posix() for p in (ROOT / "site_src").rglob("*.md")
                          if _says_selfcheck(p)]
                         + [p.name.removesuffix(".j2") for p in (ROOT / "templates").glob("*.md.j2") if _says_selfcheck(p)])
assert {"selfcheck.md", "roster.md"} <= set(SELFCHECK_PAGES), SELFCHECK_PAGES


@pytest.mark.parametrize("md", SELFCHECK_PAGES)
def test_self_check_pages_promise_privacy_under_the_title(phone, site_server, md):
    page, _, _ = open_page(phone, site_server, url_of(md))
    line = page.locator("article h1 + .privacy-line")
    assert line.count() == 1
    assert "不会离开这台设备" in line.inner_text()


def test_clause_link_lands_on_the_clause(phone, site_server):
    """A citation in the FAQ opens the notice scrolled to that clause."""
    page, _, errors = open_page(phone, site_server, "faq/")
    page.locator('#age ~ p a[href$="notice/#s2-5-1"]').first.click()
    page.wait_for_url(re.compile(r"notice/#s2-5-1$"))
    clause = page.locator("#s2-5-1")
    assert "男满55周岁" in clause.inner_text()
    box = clause.bounding_box()
    assert 0 <= box["y"] < 812, box
    assert errors == []


def test_downloads_are_served(phone, site_server, built_site):
    page, _, _ = open_page(phone, site_server, "forms/")
    links = page.locator("a[download]")
    assert links.count() == len(forms_for(load_notice()))  # 附件1, 附件2 and our 申报人员学时核对表
    for href in links.evaluate_all("els => els.map(e => e.href)"):
        response = page.request.get(href)
        assert response.status == 200
        assert response.body()[:2] == b"PK"  # an .xlsx is a zip
    page.goto(site_server.url + "dates/")
    ics = page.locator('a[href$=".ics"]').evaluate("e => e.href")
    response = page.request.get(ics)
    assert response.status == 200 and response.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in response.body()


@pytest.mark.parametrize("path", ["", "notice/", "faq/", "forms/"], ids=["home", "notice", "faq", "forms"])
def test_screenshot_for_review(phone, site_server, path):
    """Full-page screenshots at 375 px into build/screenshots/, for a person to look at."""
    page, _, _ = open_page(phone, site_server, path)
    out = screenshot(page, path.strip("/") or "home", full_page=True)
    assert out.stat().st_size > 10_000
