"""WCAG 2.1 A/AA with axe-core (a11y.py) on every page and on the states that only appear after an
action — a self-check result, a field error, a roster report, an applicants report, the search
dialog (the door's panels: test_selfcheck_door.py) — in normal and 大字 mode, at 375 px and 1280 px:
no serious or critical violation. 适老化 in 大字 mode: text of at least 18 px, tap targets of at least
44 × 44 px, on every page, in the open search dialog and after an action (a result, the what-if
after 补齐全部缺口, the door's save panel, the reports). The keyboard: Tab reaches 核对学时, the
roster's file picker and the search box, the arrow keys the search results, each stop with a ring
that stands out from its ground."""

from __future__ import annotations

import re

import pytest

from testkit import ROOT, screenshot, watch_console

from a11y import WIDTHS, new_context, serious_violations
from pages import (CHECK_DAY, PAGES, ApplicantsPage, RosterPage, SelfCheck, fill_person_with_open_gaps,
                   fill_short_person, search)

pytestmark = pytest.mark.browser

MIN_TEXT_PX = 18
MIN_TARGET_PX = 44


def open_page(context, server, path: str, clock: str | None = None):
    page = context.new_page()
    errors = watch_console(page)
    if clock:
        page.clock.set_fixed_time(clock)
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


def test_axe_on_self_check_error_and_result(a11y_context, site_server):
    page, errors, large = open_page(a11y_context, site_server, "selfcheck/")
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
    name = f"a11y-selfcheck-result-{'large' if large else 'normal'}"
    screenshot(page, name, card)
    assert errors == []


MARKED_CELLS_CUT_OFF = """() => {
  const box = document.querySelector(".rc-table-scroll").getBoundingClientRect();
  return [...document.querySelectorAll(".rc-sheet .rc-bad")]
    .filter((cell) => { const r = cell.getBoundingClientRect(); return r.left < box.left - 1 || r.right > box.right + 1; })
    .map((cell) => cell.dataset.cell);
}"""


def test_axe_on_a_roster_report(a11y_context, site_server):
    page, errors, large = open_page(a11y_context, site_server, "roster/")
    roster = RosterPage(page, site_server).pick(ROOT / "examples" / "roster-with-problems.xlsx")
    result = roster.report()
    page.locator("#rc-download-link").wait_for(timeout=60_000)
    # Every marked cell of the rows shown stands inside the box: none is off to the right, to be
    # guessed at.
    assert page.evaluate(MARKED_CELLS_CUT_OFF) == []
    page.locator(".rc-kind").first.evaluate("details => { details.open = true; }")
    page.locator(".rc-sheet .rc-bad").first.click()
    assert serious_violations(page) == []
    name = f"a11y-roster-report-{'large' if large else 'normal'}"
    screenshot(page, name, result)
    assert errors == []


def test_axe_on_an_applicants_report(a11y_context, site_server):
    page, errors, large = open_page(a11y_context, site_server, "applicants/")
    result = ApplicantsPage(page, site_server).pick(ROOT / "examples" / "applicants-example.xlsx").report()
    page.locator("#rc-download-link").wait_for(timeout=60_000)
    assert page.locator("#ac-table tbody tr").count() == 6
    assert serious_violations(page) == []
    name = f"a11y-applicants-report-{'large' if large else 'normal'}"
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
    if (!text || el.closest("script, style, svg, .md-skip") || !shown(el)) continue;
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
    if (el.closest(".md-skip, [inert]")) continue;
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


def assert_reads_and_taps_easily(page, state: str):
    assert page.evaluate(SMALL_TEXT, MIN_TEXT_PX) == [], f"text under {MIN_TEXT_PX} px {state}"
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == [], f"tap targets under {MIN_TARGET_PX} px {state}"


@pytest.fixture(params=list(WIDTHS))
def large_context(request, browser):
    context = new_context(browser, request.param, large=True)
    yield context
    context.close()


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.strip("/") or "home")
def test_large_text_mode_reads_and_taps_easily(large_context, site_server, path):
    page, errors, large = open_page(large_context, site_server, path)
    assert large
    assert_reads_and_taps_easily(page, "on the page")
    assert errors == []


def test_large_text_mode_with_the_search_dialog_open(large_context, site_server):
    page, errors, _ = open_page(large_context, site_server, "")
    search(page, "花名册")
    assert page.locator(".md-search-result__item").count() > 0
    assert_reads_and_taps_easily(page, "in the search dialog")
    assert errors == []


def test_large_text_mode_result_and_report(large_context, site_server):
    """The controls that appear after an action: the result's clause links, the what-if after
    补齐全部缺口, the door's save panel, the roster and applicants reports."""
    page, errors, _ = open_page(large_context, site_server, "selfcheck/", clock=CHECK_DAY)
    sc = SelfCheck(page, site_server)
    fill_person_with_open_gaps(sc)
    sc.check()
    assert_reads_and_taps_easily(page, "with a result")
    whatif = page.locator(".sc-whatif")
    whatif.get_by_role("button", name="补齐全部缺口").click()
    whatif.locator(".sc-whatif-line").wait_for()
    assert_reads_and_taps_easily(page, "with the what-if of every gap filled")
    # 2026 is outside the 核对表's years: the door says so at once; a 2025 application gets its panel.
    page.get_by_role("button", name="保存为核对表").click()
    page.locator(".sc-door-status.sc-form-error").wait_for()
    assert_reads_and_taps_easily(page, "with the door's refusal")
    sc.clear()
    fill_short_person(sc)
    sc.check()
    page.get_by_role("button", name="保存为核对表").click()
    page.locator("#sc-door-save-panel").wait_for()
    assert_reads_and_taps_easily(page, "with the door's save panel")

    page.goto(site_server.url + "roster/")
    RosterPage(page, site_server).pick(ROOT / "examples" / "roster-with-problems.xlsx").report()
    page.locator("#rc-download-link").wait_for(timeout=60_000)
    page.locator(".rc-kind").evaluate_all("all => all.forEach((details) => { details.open = true; })")
    assert_reads_and_taps_easily(page, "with a roster report")

    page.goto(site_server.url + "applicants/")
    ApplicantsPage(page, site_server).pick(ROOT / "examples" / "applicants-example.xlsx").report()
    page.locator("#rc-download-link").wait_for(timeout=60_000)
    assert_reads_and_taps_easily(page, "with an applicants report")
    assert errors == []


# ---------------------------------------------------------------------------------------------
# The keyboard: every stop shows where the focus is
# ---------------------------------------------------------------------------------------------

# Where the focus is, and whether a ring shows it: on screen (not in a closed drawer), an outline of
# 2 px or more at 3:1 or more against the ground it is drawn on (WCAG 1.4.11; the ground: the first
# opaque background behind it), or a box shadow. A visually hidden file input shows its ring on its
# label (roster.css). Material fades the search field's ground in: measured once transitions end.
FOCUS_STOP = """() => {
  const el = document.activeElement;
  const target = el.matches("input[type=file]") && el.labels.length ? el.labels[0] : el;
  const cs = getComputedStyle(target);
  const rgb = (colour) => (colour.match(/[0-9.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let ground = [255, 255, 255];
  for (let e = parseFloat(cs.outlineOffset) < 0 ? target : target.parentElement; e; e = e.parentElement) {
    const bg = rgb(getComputedStyle(e).backgroundColor);
    if (bg.length === 3 || (bg.length === 4 && bg[3] > 0.5)) { ground = bg.slice(0, 3); break; }
  }
  const [a, b] = [luminance(rgb(cs.outlineColor)), luminance(ground)];
  const contrast = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const box = target.getBoundingClientRect();
  const onScreen = box.width > 0 && box.height > 0 && box.right > 0 && box.left < innerWidth
    && getComputedStyle(target).visibility !== "hidden";
  const ring = onScreen && ((cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2 && contrast >= 3)
    || cs.boxShadow !== "none");
  return {text: (el.textContent || el.getAttribute("aria-label") || el.id || el.tagName).trim().slice(0, 20),
          ring, contrast: Math.round(contrast * 10) / 10};
}"""


def unringed_stop(page) -> str | None:
    """The focused element's text and ring contrast when no ring shows it, else None."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')", timeout=10_000)
    stop = page.evaluate(FOCUS_STOP)
    return None if stop["ring"] else f"{stop['text']} ({stop['contrast']}:1)"


def tab_to(page, selector: str, limit: int = 120) -> list[str]:
    """Press Tab until the focus is on ``selector``; returns the stops on the way (and that one)
    that showed no ring."""
    unringed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        unringed.append(unringed_stop(page))
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return [stop for stop in unringed if stop]
    raise AssertionError(f"{selector} is not reached by Tab")


def test_keyboard_reaches_the_check_with_a_visible_focus(browser, site_server):
    """Tab from the top of 学时自查 reaches 核对学时; every stop on the way shows a focus ring."""
    context = new_context(browser, "375", large=True)
    try:
        page, errors, _ = open_page(context, site_server, "selfcheck/")
        assert tab_to(page, "button.sc-submit") == []
        assert page.evaluate("() => document.activeElement.textContent.trim()") == "核对学时"
        assert errors == []
    finally:
        context.close()


KEYBOARD = [("375", True), ("1280", False)]
KEYBOARD_IDS = ["375-large", "1280-normal"]


@pytest.mark.parametrize("width, large", KEYBOARD, ids=KEYBOARD_IDS)
def test_keyboard_picks_a_roster_file_with_a_visible_focus(browser, site_server, width, large):
    """Tab reaches 花名册自查's file picker, its ring shows on the box people see, and Enter opens
    the file chooser; the picked file is checked."""
    context = new_context(browser, width, large)
    try:
        page, errors, _ = open_page(context, site_server, "roster/")
        # Listening from the start: expect_file_chooser() turns Chromium's interception on while
        # Enter is already on its way, and one run in four the dialog opened unseen.
        choosers = []
        page.on("filechooser", lambda chooser: choosers.append(chooser))
        assert tab_to(page, "#rc-file") == []
        page.keyboard.press("Enter")
        for _ in range(100):
            if choosers:
                break
            page.wait_for_timeout(100)
        assert choosers, "Enter on the file picker opened no file chooser"
        choosers[0].set_files(str(ROOT / "examples" / "roster-with-problems.xlsx"))
        RosterPage(page, site_server).report()
        assert "roster-with-problems.xlsx" in page.locator("#rc-summary .rc-file").inner_text()
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("width, large", KEYBOARD, ids=KEYBOARD_IDS)
def test_keyboard_searches_and_opens_a_result_with_a_visible_focus(browser, site_server, width, large):
    """Tab reaches the search box, typing searches, the arrow keys walk the results with a ring,
    Enter opens one."""
    context = new_context(browser, width, large)
    try:
        page, errors, _ = open_page(context, site_server, "notice/")
        assert tab_to(page, "input.md-search__input") == []
        page.keyboard.type("破格")
        page.keyboard.press("End")  # typed Chinese comes as text input; Material searches on a key event
        page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0", timeout=15_000)
        unringed = []
        for _ in range(4):
            page.keyboard.press("ArrowDown")
            unringed.append(unringed_stop(page))
            if page.evaluate("() => /#/.test(document.activeElement.getAttribute('href') || '')"):
                break
        assert [stop for stop in unringed if stop] == []
        target = page.evaluate("() => document.activeElement.getAttribute('href')")
        assert "/faq/" in target, target
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/faq/"))
        assert "破格" in page.locator("article").inner_text()
        assert errors == []
    finally:
        context.close()
