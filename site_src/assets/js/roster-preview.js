// 花名册自查: the first rows with problems, drawn like the sheet, bad cells in the workbook's own
// colours. On a phone the 13 columns do not fit, so at first only the row number, the name and
// the columns with a problem are drawn; one tap shows every column.

import { h } from "./dom.js";
import { groupBy, sheetsOf } from "./roster-report.js";

/** The report's problems by cell reference ("B7" -> [problem, …]); problems without a cell are left out. */
export function problemsByCell(problems) {
  return groupBy(problems.filter((problem) => problem.cell), (problem) => problem.cell);
}

/** The columns drawn at first: the name, and every column with a problem in the rows shown. */
export function compactColumns(preview, problems) {
  const shownRows = new Set(preview.rows.map((row) => row.row));
  const badLetters = new Set(problems.filter((p) => p.cell && shownRows.has(p.row)).map((p) => p.column));
  return preview.columns.filter((c) => c.key === "name" || badLetters.has(c.letter));
}

function cell(ref, value, problems, showNote) {
  if (!problems) return h("td", { dataset: { cell: ref } }, value);
  const severity = problems.some((p) => p.severity === "error") ? "error" : "warning";
  return h("td", { class: `rc-bad rc-bad--${severity}`, tabindex: "0", dataset: { cell: ref },
                   title: problems.map((p) => p.message).join("\n"),
                   onclick: () => showNote(ref, problems),
                   onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); showNote(ref, problems); } } },
    value === "" ? h("span", { class: "rc-empty" }, "（空）") : value);
}

function table(data, preview, columns, byCell, showNote) {
  const head = h("tr", {}, h("th", { class: "rc-rowno", scope: "col" }, "行"),
    columns.map((c) => h("th", { scope: "col" }, h("span", { class: "rc-letter" }, c.letter), data.columns[c.key] || c.key)));
  const body = preview.rows.map((row) => h("tr", { dataset: { row: String(row.row) } },
    h("th", { class: "rc-rowno", scope: "row" }, String(row.row)),
    columns.map((c) => {
      const ref = `${c.letter}${row.row}`;
      return cell(ref, row.cells[c.letter] ?? "", byCell.get(ref), showNote);
    })));
  return h("table", { class: "rc-sheet", dataset: { columns: String(columns.length) } },
    h("thead", {}, head), h("tbody", {}, body));
}

/** "显示全部 N 列" / "只看有问题的列", when some columns are hidden at first. */
function columnsToggle(preview, compact, draw) {
  if (compact.length >= preview.columns.length) return null;
  let all = false;
  const label = `显示全部 ${preview.columns.length} 列`;
  const toggle = h("button", { type: "button", class: "sc-link-button rc-columns", "aria-pressed": "false", onclick: () => {
    all = !all;
    draw(all ? preview.columns : compact);
    toggle.setAttribute("aria-pressed", String(all));
    toggle.textContent = all ? "只看有问题的列" : label;
  } }, label);
  return toggle;
}

export function previewTable(data, report, preview) {
  if (!preview.rows.length) return h("span");
  const byCell = problemsByCell(report.problems);
  const compact = compactColumns(preview, report.problems);
  const note = h("div", { class: "rc-cell-note", "aria-live": "polite" });
  const showNote = (ref, problems) => note.replaceChildren(
    h("p", { class: "rc-cell-note-title" }, `单元格 ${ref}`),
    h("ul", {}, problems.map((p) => h("li", {}, h("span", { class: `rc-tag rc-tag--${p.severity}` }, data.severities[p.severity]), " ",
      p.message, h("span", { class: "rc-fix" }, "改法：", p.hint)))));
  const scroller = h("div", { class: "rc-table-scroll" }, table(data, preview, compact, byCell, showNote));
  const toggle = columnsToggle(preview, compact,
    (columns) => scroller.replaceChildren(table(data, preview, columns, byCell, showNote)));
  const shown = preview.rows.length;
  const total = preview.problem_rows;
  return h("section", { class: "rc-preview", id: "rc-preview" },
    h("h3", {}, total > shown ? `有问题的行（前 ${shown} 行，共 ${total} 行）` : `有问题的行（共 ${total} 行）`),
    sheetsOf(report).length > 1
      ? h("p", { class: "rc-preview-sheet" }, `这里只画出工作表“${report.sheet}”的行；其他工作表的问题见上面的列表和标注版工作簿。`)
      : null,
    h("p", { class: "sc-hint" }, h("span", { class: "rc-swatch rc-bad--error" }), "错误 ",
      h("span", { class: "rc-swatch rc-bad--warning" }), "提醒。点标色的单元格看说明。", toggle ? " " : null, toggle),
    scroller,
    note);
}
