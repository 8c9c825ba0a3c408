"""打印或存为 PDF on 学时自查: the result card alone, from the top of page 1 on A4, with today's date in
its stamp, from a phone and from a desktop, in normal and 大字 mode. ``page.pdf()`` lays the page
out with print media, as the browser's print dialog does."""

from __future__ import annotations

import datetime
import subprocess

import pytest

from testkit import ROOT, watch_console

from a11y import new_context
from pages import SelfCheck, fill_short_person

pytestmark = pytest.mark.browser

OUT = ROOT / "build" / "screenshots"


def pdf_pages(pdf: bytes, tmp_path) -> list[str]:
    """The text of each page of ``pdf`` (poppler's pdftotext; a form feed ends each page)."""
    path = tmp_path / "result.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1]


def squeezed(text: str) -> str:
    """Layout text without the spaces pdftotext puts between glyphs and lines."""
    return "".join(text.split())


@pytest.mark.parametrize("width, large", [("375", False), ("375", True), ("1280", False), ("1280", True)],
                         ids=["375-normal", "375-large", "1280-normal", "1280-large"])
def test_the_result_card_prints_from_page_one(browser, site_server, tmp_path, width, large):
    context = new_context(browser, width, large)
    try:
        page = context.new_page()
        errors = watch_console(page)
        sc = SelfCheck(page, site_server).open()
        fill_short_person(sc)
        card = sc.check()
        assert card.get_attribute("data-status") == "not_met"
        assert page.get_by_role("button", name="打印或存为 PDF").is_visible()

        pdf = page.pdf(format="A4", print_background=True)
        name = f"print-{width}-{'large' if large else 'normal'}.pdf"
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / name).write_bytes(pdf)
        pages = pdf_pages(pdf, tmp_path)

        first = squeezed(pages[0])
        assert first.startswith("学时自查结果"), f"page 1 does not open with the card: {pages[0][:200]!r}"
        assert "尚未满足" in first, "the verdict is not on page 1"
        assert "2024年专业科目尚差15学时" in first
        whole = squeezed("".join(pages))
        today = datetime.date.today()
        assert f"自查日期{today.year}年{today.month}月{today.day}日" in whole
        assert "songshan-2025.1" in whole
        # The card alone: not the form, the buttons or the site's navigation.
        assert "核对学时" not in whole and "打印或存为PDF" not in whole and "大字" not in whole
        assert len(pages) <= 3
        assert errors == []
    finally:
        context.close()
