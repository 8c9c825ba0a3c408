// The roster report's pure parts (roster-report.js, roster-preview.js) on a report and preview of
// the engine's own, for examples/roster-with-problems.xlsx.
import assert from "node:assert/strict";
import { test } from "node:test";
import { pageModule, python, rosterData } from "./python.mjs";

const data = rosterData();
const { report, preview } = python({
  imports: "from pathlib import Path\nfrom rules_py.roster import check_roster\nfrom rules_py.roster.preview import preview_rows\n"
    + "raw = Path('examples/roster-with-problems.xlsx').read_bytes()\nreport = check_roster(raw, 'roster-with-problems.xlsx')\n"
    + "report.pop('annotated_xlsx', None)",
  value: "{'report': report, 'preview': preview_rows(raw, report, 10)}",
});
const { codeOrder, downloadName, groupBy, headline, sheetsOf } = await pageModule("roster-report.js");
const { compactColumns, problemsByCell } = await pageModule("roster-preview.js");

test("the example has problems of several codes, errors and warnings", () => {
  assert.ok(report.summary.errors > 0 && report.summary.warnings > 0);
});

test("the headline counts people, problems and reminders", () => {
  const { errors, warnings } = report.summary;
  assert.equal(headline(report), `共 ${report.rows_checked} 人，发现 ${errors} 个问题，${warnings} 条提醒`);
  const clean = { rows_checked: 3, summary: { errors: 0, warnings: 0 } };
  assert.equal(headline(clean), "共 3 人，未发现问题");
  assert.equal(headline({ rows_checked: 3, summary: { errors: 0, warnings: 2 } }), "共 3 人，未发现错误，2 条提醒");
});

test("kinds are shown errors first, then by count, then in the catalogue's order", () => {
  const order = codeOrder(data, report);
  assert.deepEqual(new Set(order), new Set(Object.keys(report.summary.by_code)));
  const severity = order.map((code) => data.problems[code].severity);
  assert.deepEqual(severity, [...severity].sort((a, b) => (a === "error" ? 0 : 1) - (b === "error" ? 0 : 1)));
  for (let i = 1; i < order.length; i += 1) {
    if (severity[i] !== severity[i - 1]) continue;
    assert.ok(report.summary.by_code[order[i - 1]] >= report.summary.by_code[order[i]], `${order[i - 1]} before ${order[i]}`);
  }
});

test("grouping keeps every item once, in order", () => {
  const groups = groupBy(report.problems, (p) => p.code);
  assert.deepEqual([...groups.values()].flat().length, report.problems.length);
  for (const [code, items] of groups) assert.ok(items.every((p) => p.code === code));
  const byCell = problemsByCell(report.problems);
  assert.equal([...byCell.values()].flat().length, report.problems.filter((p) => p.cell).length);
});

test("the compact preview shows the name and exactly the columns with a problem in the rows shown", () => {
  const columns = compactColumns(preview, report.problems);
  const shown = new Set(preview.rows.map((r) => r.row));
  const bad = new Set(report.problems.filter((p) => p.cell && shown.has(p.row)).map((p) => p.column));
  assert.deepEqual(columns.filter((c) => c.key !== "name").map((c) => c.letter), preview.columns.filter((c) => bad.has(c.letter)).map((c) => c.letter));
  assert.ok(columns.some((c) => c.key === "name"));
  assert.ok(columns.length < preview.columns.length);
});

for (const [file, expected] of [["花名册.xlsx", "花名册（标注版）.xlsx"], ["a.b.xlsx", "a.b（标注版）.xlsx"],
  [".xlsx", "花名册（标注版）.xlsx"], [undefined, "花名册（标注版）.xlsx"]]) {
  test(`the marked copy of ${file} is called ${expected}`, () => {
    assert.equal(downloadName(file), expected);
  });
}

test("the page data words the deadline and names the severities", () => {
  assert.match(data.deadline_text, /^\d{4}年\d{1,2}月\d{1,2}日$/);
  assert.deepEqual(Object.keys(data.severities).sort(), ["error", "info", "warning"]);
  assert.equal(data.severities.info, "说明");  // the notes on how the file was read
});

test("the sheets checked come from the report, or its one sheet for a report without them", () => {
  assert.deepEqual(sheetsOf(report).map((s) => s.sheet), report.sheets.map((s) => s.sheet));
  const older = { sheet: "花名册", header_row: 3, rows_checked: 2, problems: [] };
  assert.deepEqual(sheetsOf(older), [{ sheet: "花名册", header_row: 3, rows_checked: 2 }]);
});
