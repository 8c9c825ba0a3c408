"""Phone layout at 375 px, in normal and 大字 mode, where a reviewer found text squeezed or cut:

- 表格下载: each form's column table leaves its 怎么填 text most of the screen's width, no
  table grows to screens of three characters a line, and no date is split over two lines;
- 花名册自查: the preview of the rows keeps ID numbers, phone numbers and “（空）” whole, each
  on one line (in 大字 mode they wrap, so the columns with problems still fit the screen); where the sheet is wider than its box it scrolls inside the box, which shows the
  edge shadow that says so;
- 学时自查: the frame an error draws round a choice group (性别) surrounds its label and its
  options with room to spare, instead of running through the label.
"""

from __future__ import annotations

import pytest

from testkit import SCREENSHOTS
from testkit import roster_factory as rf

from a11y import new_context
from pages import CHECK_DAY, RosterPage, SelfCheck
from workbooks import write

pytestmark = pytest.mark.browser

MODES = ["normal", "large"]

# The number of lines each text node of ``el`` takes (a line: rects whose tops lie within half a
# line of each other).
LINES_OF = """(el) => {
  const half = parseFloat(getComputedStyle(el).fontSize) / 2;
  const tops = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(walker.currentNode);
    for (const r of range.getClientRects()) {
      if (r.width > 0 && !tops.some((t) => Math.abs(t - r.top) < half)) tops.push(r.top);
    }
  }
  return tops.length;
}"""


@pytest.fixture(params=MODES)
def phone_in_mode(request, browser):
    context = new_context(browser, "375", request.param == "large")
    page = context.new_page()
    yield page, request.param
    context.close()


def _opened(page, server, path: str, clock: str | None = None):
    if clock:
        page.clock.set_fixed_time(clock)
    page.goto(server.url + path)
    page.wait_for_load_state("load")
    return page


def _shot(name: str):
    """Where a screenshot of this module goes, for a person to look at: build/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"phone-layout-{name}-375.png"


# ---------------------------------------------------------------------------------------------
# 表格下载: the column tables
# ---------------------------------------------------------------------------------------------

FORM_TABLES = """() => [...document.querySelectorAll("table.form-columns")].map((table) => {
  const box = table.closest(".table-scroll");
  const rows = [...table.tBodies[0].rows];
  return {
    form: table.dataset.form,
    height: table.getBoundingClientRect().height,
    rows: rows.length,
    boxWidth: box.clientWidth,
    overflow: box.scrollWidth - box.clientWidth,
    narrowest: Math.min(...rows.map((row) => row.cells[2].getBoundingClientRect().width)),
  };
})"""

# Each date written 2025-03-15 in the tables, with the number of lines it takes.
SPLIT_DATES = """() => {
  const split = [];
  for (const table of document.querySelectorAll("table.form-columns")) {
    const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (const m of node.nodeValue.matchAll(/\\d{4}-\\d{2}-\\d{2}/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size > 1) split.push(m[0]);
      }
    }
  }
  return split;
}"""


def test_form_tables_leave_the_description_room_on_a_phone(phone_in_mode, site_server):
    page, mode = phone_in_mode
    _opened(page, site_server, "forms/")
    tables = page.evaluate(FORM_TABLES)
    assert {t["form"] for t in tables} >= {"plan", "roster", "applicants"}
    for t in tables:
        # 怎么填 takes most of the width: at least 80 % of the box (it was 40 px, 12 %, in 大字).
        assert t["narrowest"] >= 0.8 * t["boxWidth"], t
        # Nothing to scroll sideways for: the whole row reads on the screen.
        assert t["overflow"] <= 1, t
        # About 200 px of screen a column, not the 480 px a column the squeezed 大字 table took.
        assert t["height"] <= 260 * t["rows"], t
    assert page.evaluate(SPLIT_DATES) == []
    page.locator('table[data-form="roster"]').screenshot(path=str(_shot(f"forms-roster-table-{mode}")))


# ---------------------------------------------------------------------------------------------
# 花名册自查: the preview of the rows with problems
# ---------------------------------------------------------------------------------------------

def roster_with_numbers() -> bytes:
    """Three people as the reviewer gave them: a wrong check character in row 5's ID, 三十 in
    row 6, no name and a short phone in row 7; the phones a landline (0476-8466847) and mobiles."""
    rows = rf.people(3)
    first = rows[0]["id_number"]
    rows[0]["id_number"] = first[:-1] + ("0" if first[-1] != "0" else "1")
    rows[1]["public_hours"] = "三十"
    rows[2]["name"] = None
    rows[2]["phone"] = "12345"
    return rf.from_form(rows)


# The cells of the sheet that must read whole: IDs, phone numbers, numbers, “（空）”.
WHOLE_CELLS = """(linesOf) => {
  const lines = eval(linesOf);
  return [...document.querySelectorAll(".rc-sheet tbody td")]
    .filter((td) => /^[0-9X-]{5,}$|^（空）$/.test(td.textContent.trim()))
    .map((td) => ({cell: td.dataset.cell, text: td.textContent.trim(), lines: lines(td)}));
}"""

SCROLLER = """() => {
  const box = document.querySelector(".rc-table-scroll");
  return {overflow: box.scrollWidth - box.clientWidth, background: getComputedStyle(box).backgroundImage,
          right: box.getBoundingClientRect().right, innerWidth};
}"""


def _assert_whole(page, view: str, mode: str):
    cells = page.evaluate(WHOLE_CELLS, LINES_OF)
    texts = {c["text"] for c in cells}
    assert "（空）" in texts and "0476-8466847" in texts and any(len(t) == 18 for t in texts), (view, cells)
    if mode == "normal":  # in 大字 mode fitting the screen comes first (test_accessibility.py)
        assert [c for c in cells if c["lines"] != 1] == [], view
    box = page.evaluate(SCROLLER)
    assert box["right"] <= box["innerWidth"], "the box stays on the screen"
    if box["overflow"] > 0:
        # Wider than its box: it scrolls there, and the edge shadow says so.
        assert "radial-gradient" in box["background"], box


def test_roster_preview_keeps_numbers_whole(phone_in_mode, site_server, tmp_path):
    page, mode = phone_in_mode
    rp = RosterPage(page, site_server).open().wait_ready()
    rp.pick(write(tmp_path, "花名册.xlsx", roster_with_numbers())).report()
    page.locator(".rc-sheet").wait_for()
    _assert_whole(page, "the columns with problems", mode)
    page.locator(".rc-preview").screenshot(path=str(_shot(f"roster-preview-{mode}")))
    page.get_by_role("button", name="显示全部 13 列").click()
    page.wait_for_function("() => document.querySelector('.rc-sheet').dataset.columns === '13'")
    _assert_whole(page, "all 13 columns", mode)
    page.locator(".rc-preview").screenshot(path=str(_shot(f"roster-preview-all-{mode}")))


# ---------------------------------------------------------------------------------------------
# 学时自查: the error frame round a choice group
# ---------------------------------------------------------------------------------------------

FRAME = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return {top: r.top, left: r.left, right: r.right, bottom: r.bottom}; };
  const field = document.querySelector('[data-path="sex"]');
  const style = getComputedStyle(field);
  return {
    frame: box(field),
    shadow: style.boxShadow,
    section: box(field.closest(".sc-section")),
    legend: box(field.querySelector("legend")),
    choices: [...field.querySelectorAll(".sc-choice")].map(box),
    error: box(field.querySelector(".sc-field-error")),
  };
}"""

ROOM_PX = 6  # between the frame and what it surrounds


def test_error_frame_surrounds_the_label_and_the_choices(phone_in_mode, site_server):
    page, mode = phone_in_mode
    sc = SelfCheck(_opened(page, site_server, "selfcheck/", clock=CHECK_DAY), site_server).wait_ready()
    before = page.evaluate("() => document.querySelector('[data-path=\"sex\"] legend').getBoundingClientRect().left")
    page.get_by_role("button", name="核对学时").click()
    page.locator('[data-path="sex"] .sc-field-error').wait_for(timeout=60_000)
    m = page.evaluate(FRAME)
    frame = m["frame"]
    assert m["shadow"] != "none"
    inner = [m["legend"], *m["choices"], m["error"]]
    for part in inner:
        assert part["top"] >= frame["top"] + ROOM_PX, (part, frame)
        assert part["left"] >= frame["left"] + ROOM_PX, (part, frame)
        assert part["right"] <= frame["right"] - ROOM_PX, (part, frame)
        assert part["bottom"] <= frame["bottom"] - ROOM_PX, (part, frame)
    # The frame stays inside its section, and the label does not move sideways when it appears.
    assert frame["left"] >= m["section"]["left"] + 2 and frame["right"] <= m["section"]["right"] - 2, m
    assert abs(m["legend"]["left"] - before) < 1
    page.locator('[data-path="sex"]').locator("xpath=ancestor::section[1]").screenshot(
        path=str(_shot(f"selfcheck-sex-error-{mode}")))
