"""Search in Chinese, offline, at phone and desktop width: a typed word finds the pages that hold it,
a result opens its page, and nothing is asked of another host. The index is cut into words by jieba
at build time (mkdocs.yml, plugins.search); the browser cuts the query against that index."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from testkit import new_phone_context, record_requests, watch_console

from pages import DESKTOP, RESULT_LINKS, search

pytestmark = pytest.mark.browser

# A word a visitor types, and a page that must be among the hits.
SEARCHES = [
    ("花名册", "roster/"),
    ("审验卡", "notice/"),
    ("破格", "faq/"),
    ("学时", "selfcheck/"),
    ("公需科目", "notice/"),
]


@pytest.fixture(params=["phone", "desktop"])
def context(request, browser):
    if request.param == "phone":
        context = new_phone_context(browser)
    else:
        context = browser.new_context(viewport=DESKTOP, locale="zh-CN", service_workers="block")
    yield context
    context.close()


@pytest.mark.parametrize("term, expected_page", SEARCHES)
def test_a_chinese_word_finds_its_pages(context, site_server, term, expected_page):
    requests = record_requests(context)
    page = context.new_page()
    errors = watch_console(page)
    page.goto(site_server.url)
    hits = search(page, term)
    assert any(urlsplit(href).path.endswith("/" + expected_page) for href in hits), hits
    # The word is marked in what the results show.
    marks = page.locator(".md-search-result mark").all_inner_texts()
    assert any(part in term or term in part for part in marks), marks
    assert errors == []
    assert [url for url in requests if not url.startswith(site_server.url)] == []


@pytest.mark.parametrize("term, tool", [("花名册", "roster/"), ("学时自查", "selfcheck/"), ("申报人员", "applicants/")])
def test_a_tool_comes_first_for_its_name_and_its_snippet_is_its_own_words(context, site_server, term, tool):
    """The reference page of check codes (boosted down) and the no-JavaScript fallback (kept out
    of the index) once led the results for 花名册 with "python -m rules_py" and "JavaScript"."""
    page = context.new_page()
    page.goto(site_server.url)
    hits = search(page, term)
    assert urlsplit(hits[0]).path.endswith("/" + tool), hits
    first = page.locator(".md-search-result__item").first.inner_text()
    assert term in first.replace("\u200b", "") and "JavaScript" not in first


def test_a_result_opens_its_page(context, site_server):
    page = context.new_page()
    errors = watch_console(page)
    page.goto(site_server.url + "notice/")
    hits = search(page, "破格")
    first_faq = next(i for i, href in enumerate(hits) if "faq/" in href)
    page.locator(RESULT_LINKS).nth(first_faq).click()
    page.wait_for_url(re.compile(r"/faq/"))
    assert "破格" in page.locator("article").inner_text()
    # search.highlight: the word is marked on the opened page too.
    assert "破格" in page.locator("article mark").first.inner_text()
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= page.viewport_size["width"]
    assert errors == []


def test_the_index_is_fetched_only_when_the_search_is_used(context, site_server):
    """Every page used to fetch the 0.12 MB index as it opened; it now waits for the person to go
    to the search (site_src/assets/js/early.js), and a word typed at once still finds its pages."""
    requests = record_requests(context)
    page = context.new_page()
    errors = watch_console(page)
    page.goto(site_server.url + "notice/")
    page.wait_for_load_state("networkidle")
    index = [url for url in requests if url.endswith("/search/search_index.json")]
    assert index == []
    hits = search(page, "花名册")
    assert any(urlsplit(href).path.endswith("/roster/") for href in hits), hits
    assert len([url for url in requests if url.endswith("/search/search_index.json")]) == 1
    assert errors == []
