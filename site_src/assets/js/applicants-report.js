// 申报人员学时核对: the report — a summary (counts per conclusion, where the table was found, the
// engine's notes), the problems of the file itself (a missing column), then one line per person:
// name, conclusion in plain words with the hours still missing per year, the clause it rests on.
// A row with a bad cell shows its problems (cell, message, fix) and no conclusion. `data` is the
// page data (rules_py/page_data.py, applicants_data): statuses, severities, clause citations.

import { h } from "./dom.js";
import { againButton, fileLine, notesList, otherPageHint, problemItems, show, unknownHeaders } from "./roster-report.js";

/** 共 N 人：已满足 …、尚未满足 …；M 行有错误，未核对 (the status names are the page data's). */
export function headline(data, report) {
  const { by_status: byStatus, rows_without_verdict: unchecked } = report.summary;
  const counts = Object.entries(byStatus).map(([status, n]) => `${data.statuses[status] || status} ${n} 人`);
  let text = `共 ${report.rows_checked} 人`;
  if (counts.length) text += "：" + counts.join("、");
  if (unchecked) text += `${counts.length ? "；" : "："}${unchecked} 行有错误，未核对`;
  return text;
}

function clauseLinks(data, clauses) {
  return clauses.map((id) => h("a", { href: `../notice/#${id}`, class: "ac-clause", dataset: { clause: id } },
    (data.clauses[id] || id).replace(/^通知\s*/, "")));
}

/** What the 结论 cell says under the verdict: the hours missing per year, or why there is no limit. */
function verdictDetail(row) {
  const application = row.result.application;
  if (row.status === "not_met") {
    return h("ul", { class: "ac-missing" }, application.missing.map((gap) =>
      h("li", { dataset: { year: String(gap.year) } }, gap.text)));
  }
  const reasons = application.exemptions.filter((e) => e.applied).map((e) => e.text);
  return reasons.length ? h("p", { class: "ac-reason" }, reasons.join("")) : null;
}

function personRow(data, row) {
  const settled = row.status !== null;
  const errors = row.problems.filter((p) => p.severity === "error").length;
  return h("tr", { class: `ac-row ac-row--${row.status || "unchecked"}`,
                   dataset: { row: String(row.row), status: row.status || "", errors: String(errors) } },
    h("th", { scope: "row", class: "ac-name" }, row.name || "（未填姓名）",
      h("small", { class: "ac-rowno" }, `第 ${row.row} 行`)),
    h("td", { class: "ac-verdict-cell", colspan: settled ? null : 2 },
      h("strong", { class: `ac-verdict ac-verdict--${row.status || "unchecked"}` }, settled ? row.verdict : "有错误，未核对"),
      settled ? verdictDetail(row) : h("p", { class: "ac-reason" }, errors
        ? "请先改正下面的单元格，再重新核对："
        : "表头缺少必填列（见上面“表格本身的问题”），这一行未核对。"),
      row.problems.length ? problemItems(row.problems.map((p) => ({ ...p, message: p.message.replace(/^第 \d+ 行 /, "") }))) : null),
    settled ? h("td", { class: "ac-clauses" }, h("span", { class: "ac-clauses-label" }, "依据：通知 "),
      clauseLinks(data, row.result.application.clauses)) : null);
}

function peopleTable(data, report) {
  return h("section", { class: "ac-people", id: "ac-people" },
    h("h3", {}, "每人结论"),
    h("table", { class: "ac-table", id: "ac-table" },
      h("caption", { class: "ac-caption" }, `${report.rows.length} 人，按表中顺序`),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, "姓名"), h("th", { scope: "col" }, "结论"), h("th", { scope: "col" }, "依据"))),
      h("tbody", {}, report.rows.map((row) => personRow(data, row)))));
}

/** Problems of the file, not of one person (a required column missing from the header). */
function fileProblems(data, report) {
  if (!report.problems.length) return null;
  return h("section", { class: "ac-file-problems", id: "ac-file-problems" },
    h("h3", {}, "表格本身的问题"),
    problemItems(report.problems));
}

// A 花名册 (附件2) checked here by mistake: no 申报类别 column, and the roster's hour columns among
// the headers this check does not know.
function looksLikeRoster(report) {
  const noLevel = report.problems.some((p) => p.code === "missing_column" && p.field === "level");
  return noLevel && unknownHeaders(report).some((header) => /^(公需|专业)科目学时/.test(header));
}

function rosterHint() {
  return otherPageHint("ac-roster-hint", "这是培训花名册（附件2）吗？",
    "这个文件有“公需科目学时”“专业科目学时”栏目，却没有“申报类别”，这里无法逐人核对。花名册请到",
    "../roster/", "花名册自查", "检查；要核对职称申报人员，请用本页的空白核对表。");
}

function summary(data, report, several) {
  const { errors, warnings, rows_without_verdict: unchecked } = report.summary;
  const short = report.summary.by_status.not_met || 0;
  const tone = errors ? "errors" : short || warnings ? "warnings" : "ok";
  return h("div", { class: `rc-summary rc-summary--${tone}`, id: "ac-summary",
                    dataset: { errors: String(errors), rows: String(report.rows_checked), short: String(short) } },
    h("p", { class: "rc-headline" }, headline(data, report)),
    notesList(data, report),
    h("p", { class: "rc-file" }, fileLine(report)),
    unchecked || errors
      ? h("p", {}, "有错误的行没有结论：请按提示在原文件上改正后重新核对。")
      : null,
    short ? h("p", {}, "尚差学时的，各年度差多少见下面的“每人结论”；标注版工作簿的“说明”列写有每人的完整结论。") : null,
    h("p", { class: "sc-hint" }, "结论按各人审验卡上的学时和所填情形得出，供单位自查参考，以主管部门的审核为准。"),
    several ? h("p", { class: "sc-hint" }, "一次核对一个文件：这里核对的是拖入的第一个文件。") : null);
}

/** Show the report, with `download` (the marked workbook's box) after the table. */
export function renderApplicantsReport(page, data, report, several, download) {
  show(page, looksLikeRoster(report) ? rosterHint() : null, summary(data, report, several), fileProblems(data, report),
    peopleTable(data, report), download, againButton(page));
}

export const COPY_HINT = "在您的表格右侧加了“结论”“说明”两列（已满足、不作为限制性条件、不要求标绿，尚差学时标橙，" +
  "有错误未核对的标红），有错误的单元格标红并附批注；最前面的工作表“问题汇总”列出全部问题。" +
  "这是副本：请在原文件上修改，改好后再来核对一遍。";
