"""axe-core (npm, pinned in package.json, injected from node_modules) and the contexts it runs in:
phone or desktop width, normal or 大字 mode. Shared by the browser tests that check a state with axe.

axe is added as an init script (run by the browser, not as an inline <script>), so the pages' CSP
stays enforced while it runs.
"""

from __future__ import annotations

from testkit import PHONE, ROOT, new_phone_context

from pages import DESKTOP

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LARGE_TEXT_KEY = "songshan-ce.text-size"  # site_src/assets/js/text-size-early.js
WIDTHS = {"375": PHONE, "1280": DESKTOP}

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map(
      (n) => n.target.join(" ") + " :: " + ((n.any[0] || n.all[0] || n.none[0] || {}).message || ""))}));
}"""


def new_context(browser, width: str, large: bool):
    """A context at ``width`` with axe loaded in every page; ``large`` = 大字 chosen on an earlier visit."""
    assert AXE_JS.is_file(), "node_modules/axe-core is missing: run `npm ci` (make test does)"
    if width == "375":
        context = new_phone_context(browser)
    else:
        context = browser.new_context(viewport=WIDTHS[width], locale="zh-CN", service_workers="block")
    context.add_init_script(path=str(AXE_JS))
    if large:
        context.add_init_script(f"try {{ localStorage.setItem('{LARGE_TEXT_KEY}', 'large'); }} catch (e) {{}}")
    return context


def serious_violations(page) -> list[dict]:
    """axe's serious and critical findings once every CSS transition has ended: Material fades
    colours in (the search field, result counts, .25 s), and a colour caught mid-fade is not what
    a person reads."""
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')",
                           timeout=10_000)
    return page.evaluate(AXE_RUN, WCAG_21_AA)
