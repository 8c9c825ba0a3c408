"""WCAG 2.1 A/AA with axe-core (a11y.py) on every page
and on the states that only appear after an action — a self-check result, a field error, a roster
report, an applicants report, the search dialog — in normal and 大字 mode, at 375 px and 1280 px: no serious or critical
violation. And 适老化 in 大字 mode: text of at least 18 px, tap targets of at least 44 × 44 px.
"""

from __future__ import annotations

import pytest

from testkit import ROOT, watch_console, screenshot

from a11y import WIDTHS, new_context, serious_violations
from pages import PAGES, ApplicantsPage, RosterPage, SelfCheck, fill_short_person, search

pytestmark = pytest.mark.browser

MIN_TEXT_PX = 18
MIN_TARGET_PX = 44


@pytest.fixture(params=["normal", "large"])
def phone_context(request, browser):
    """The states that need the engine (a Pyodide boot each): at phone width, in both modes."""
    context = new_context(browser, "375", request.param == "large")
    yield context
    context.close()


def open_page(context, server, path: str):
    page = context.new_page()
    errors = watch_console(page)
    page.goto(server.url + path)
    page.wait_for_load_state("networkidle", timeout=60_000)
    large = page.evaluate("() => document.documentElement.classList.contains('text-large')")
    return page, errors, large


# ---------------------------------------------------------------------------------------------
# axe on every page and state
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.strip("/") or "home")
def test_axe_finds_nothing_serious_on_the_page(a11y_context, site_server, path):
    page, errors, _ = open_page(a11y_context, site_server, path)
    assert serious_violations(page) == []
    assert errors == []


def test_axe_with_the_search_dialog_open(a11y_context, site_server):
    page, errors, _ = open_page(a11y_context, site_server, "")
    search(page, "花名册")
    assert serious_violations(page) == []
    assert errors == []


def test_axe_on_self_check_error_and_result(phone_context, site_server):
    page, errors, large = open_page(phone_context, site_server, "selfcheck/")
    sc = SelfCheck(page, site_server)
    sc.applying("senior", 2025)
    sc.activity(2025, "public_online", "三十")
    page.get_by_role("button", name="核对学时").click()
    page.locator(".sc-field-error").first.wait_for()
    assert serious_violations(page) == [], "with a field error"

    sc.clear_form()
    fill_short_person(sc)
    card = sc.check()
    assert card.get_attribute("data-status") == "not_met"
    assert serious_violations(page) == [], "with a result"
    name = f"a11y-selfcheck-result-{page.viewport_size['width']}-{'large' if large else 'normal'}"
    screenshot(page, name, card)
    assert errors == []


MARKED_CELLS_CUT_OFF = """() => {
  const box = document.querySelector(".rc-table-scroll").getBoundingClientRect();
  return [...document.querySelectorAll(".rc-sheet .rc-bad")]
    .filter((cell) => { const r = cell.getBoundingClientRect(); return r.left < box.left - 1 || r.right > box.right + 1; })
    .map((cell) => cell.dataset.cell);
}"""


def test_axe_on_a_roster_report(phone_context, site_server):
    page, errors, large = open_page(phone_context, site_server, "roster/")
    roster = RosterPage(page, site_server).pick(ROOT / "examples" / "roster-with-problems.xlsx")
    result = roster.report()
    page.locator("#rc-download-link").wait_for(timeout=60_000)
    # On a phone every marked cell of the rows shown stands inside the box: none is off to the
    # right, to be guessed at.
    assert page.evaluate(MARKED_CELLS_CUT_OFF) == []
    page.locator(".rc-kind").first.evaluate("details => { details.open = true; }")
    page.locator(".rc-sheet .rc-bad").first.click()
    assert serious_violations(page) == []
    name = f"a11y-roster-report-{page.viewport_size['width']}-{'large' if large else 'normal'}"
    screenshot(page, name, result)
    assert errors == []


def test_axe_on_an_applicants_report(phone_context, site_server):
    page, errors, large = open_page(phone_context, site_server, "applicants/")
    result = ApplicantsPage(page, site_server).pick(ROOT / "examples" / "applicants-example.xlsx").report()
    page.locator("#rc-download-link").wait_for(timeout=60_000)
    assert page.locator("#ac-table tbody tr").count() == 6
    assert serious_violations(page) == []
    name = f"a11y-applicants-report-{page.viewport_size['width']}-{'large' if large else 'normal'}"
    screenshot(page, name, result)
    assert errors == []


# ---------------------------------------------------------------------------------------------
# 适老化 in 大字 mode: text size and tap targets
# ---------------------------------------------------------------------------------------------

# Shown on screen: a box of its own, inside the screen's width (not Material's off-canvas drawer),
# and no ancestor hidden or fully transparent.
SHOWN = """(el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= 0 || r.left >= innerWidth) return false;
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.visibility === "hidden" || cs.display === "none" || cs.opacity === "0") return false;
    }
    return true;
  }"""

# Text a person reads (the header, the page, the footer), shown on screen, smaller than the floor.
SMALL_TEXT = """(floor) => {
  const shown = SHOWN;
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.nodeValue.trim();
    const el = walker.currentNode.parentElement;
    if (!text || el.closest("script, style, svg, .md-search, .md-skip") || !shown(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < floor) small.push(`${Math.round(size * 10) / 10}px ${el.tagName.toLowerCase()}.${el.className}: ${text.slice(0, 20)}`);
  }
  return [...new Set(small)];
}""".replace("SHOWN", SHOWN)

# Every control a finger taps, shown on screen, with a box under the minimum. A radio, checkbox or
# file input is tapped through its label, so the label is its box; Material's header buttons are
# labels too. (A field's text label is not counted: its field is the target, and is measured.)
SMALL_TARGETS = """(minimum) => {
  const shown = SHOWN;
  const targets = new Set();
  for (const el of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary, label.md-header__button")) {
    if (el.closest(".md-search, .md-skip, [inert]")) continue;
    let target = el;
    if (el.matches("input[type=radio], input[type=checkbox], input[type=file]")) {
      target = el.closest("label") || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
    }
    targets.add(target);
  }
  const small = [];
  for (const el of targets) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width < minimum - 0.5 || r.height < minimum - 0.5) {
      small.push(`${Math.round(r.width)}×${Math.round(r.height)} ${el.tagName.toLowerCase()}.${el.className}: ${(el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 20)}`);
    }
  }
  return small;
}""".replace("SHOWN", SHOWN)


@pytest.fixture(params=list(WIDTHS))
def large_context(request, browser):
    context = new_context(browser, request.param, large=True)
    yield context
    context.close()


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.strip("/") or "home")
def test_large_text_mode_reads_and_taps_easily(large_context, site_server, path):
    page, errors, large = open_page(large_context, site_server, path)
    assert large
    assert page.evaluate(SMALL_TEXT, MIN_TEXT_PX) == []
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    assert errors == []


def test_large_text_mode_result_and_report(large_context, site_server):
    """The controls that appear after an action: the result's clause links, the what-if, the roster
    and applicants reports."""
    page, errors, _ = open_page(large_context, site_server, "selfcheck/")
    sc = SelfCheck(page, site_server)
    fill_short_person(sc)
    sc.check()
    assert page.evaluate(SMALL_TEXT, MIN_TEXT_PX) == []
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []

    page.goto(site_server.url + "roster/")
    RosterPage(page, site_server).pick(ROOT / "examples" / "roster-with-problems.xlsx").report()
    page.locator("#rc-download-link").wait_for(timeout=60_000)
    page.locator(".rc-kind").evaluate_all("all => all.forEach((details) => { details.open = true; })")
    assert page.evaluate(SMALL_TEXT, MIN_TEXT_PX) == []
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []

    page.goto(site_server.url + "applicants/")
    ApplicantsPage(page, site_server).pick(ROOT / "examples" / "applicants-example.xlsx").report()
    page.locator("#rc-download-link").wait_for(timeout=60_000)
    assert page.evaluate(SMALL_TEXT, MIN_TEXT_PX) == []
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    assert errors == []


def test_keyboard_reaches_the_check_with_a_visible_focus(browser, site_server):
    """Tab from the top of 学时自查 reaches 核对学时; every stop on the way shows a focus ring."""
    context = new_context(browser, "375", large=True)
    try:
        page, errors, _ = open_page(context, site_server, "selfcheck/")
        unringed, reached = [], False
        for _ in range(80):
            page.keyboard.press("Tab")
            stop = page.evaluate("""() => {
              const el = document.activeElement;
              const cs = getComputedStyle(el);
              const ring = (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== "none";
              return {text: (el.textContent || el.id || el.tagName).trim().slice(0, 20), ring};
            }""")
            if not stop["ring"]:
                unringed.append(stop["text"])
            if stop["text"] == "核对学时":
                reached = True
                break
        assert reached, "核对学时 is not reached by Tab"
        assert unringed == []
        assert errors == []
    finally:
        context.close()
