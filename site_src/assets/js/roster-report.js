// 花名册自查: the report — a summary first (with the engine's notes on how the file was read, as
// 说明, and every sheet checked), the problems grouped by kind (and by sheet when there are several),
// the slot for the first rows (roster-preview.js), the marked workbook to download, preceded by
// what the copy cannot keep (report.annotation_lacks). `page` is roster.js's state; `data`
// the page data (rules_py/page_data.py: codes, severities, columns, the deadline worded).

import { h } from "./dom.js";

export const LIST_PER_KIND = 50;    // problems listed per kind; the marked workbook has every one
export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** items by key: Map(key -> [item, …]), in the items' order. */
export function groupBy(items, keyOf) {
  const groups = new Map();
  for (const item of items) {
    const key = keyOf(item);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  return groups;
}

export function headline(report) {
  const { errors, warnings } = report.summary;
  const people = `共 ${report.rows_checked} 人`;
  if (!errors && !warnings) return `${people}，未发现问题`;
  return [people, errors ? `发现 ${errors} 个问题` : "未发现错误", warnings ? `${warnings} 条提醒` : null]
    .filter(Boolean).join("，");
}

/** The codes of the report in the order shown: errors first, then the most frequent, then the catalogue's order. */
export function codeOrder(data, report) {
  const order = Object.keys(data.problems);
  const rank = (code) => (data.problems[code]?.severity === "error" ? 0 : 1);
  const count = report.summary.by_code;
  return Object.keys(count).sort((a, b) => rank(a) - rank(b) || count[b] - count[a] || order.indexOf(a) - order.indexOf(b));
}

export function downloadName(file) {
  const stem = String(file || "花名册").replace(/\.[^.]*$/, "") || "花名册";
  return `${stem}（标注版）.xlsx`;
}

export function wechatNote(where) {
  return h("p", { class: "rc-wechat", dataset: { where } },
    h("strong", {}, "您正在微信里浏览："),
    where === "top"
      ? "可以照常选择文件检查、查看问题；但微信可能不允许下载标注版。需要下载的，请先点右上角“···”，选择“在浏览器打开”。"
      : "微信可能不允许下载文件。请点右上角“···”，选择“在浏览器打开”，在浏览器里重新选择这个文件检查，再点“下载标注版工作簿”。");
}

/** Put a new result on the page and bring its top into view (only if it is not in view already). */
export function show(page, ...parts) {
  const result = page.result;
  result.replaceChildren(...parts.filter(Boolean));
  result.classList.remove("rc-stale");
  result.removeAttribute("aria-busy");
  const top = result.getBoundingClientRect().top;
  if (top < 56 || top > window.innerHeight * 0.6) result.scrollIntoView({ block: "start", behavior: "smooth" });
}

export function againButton(page) {
  return h("p", { class: "rc-again" }, h("button", { type: "button", class: "md-button", onclick: () => page.input.click() },
    "检查另一个文件"));
}

/** The sheets checked (report.sheets; older reports name only report.sheet). */
export function sheetsOf(report) {
  return report.sheets?.length ? report.sheets : [{ sheet: report.sheet, header_row: report.header_row, rows_checked: report.rows_checked }];
}

export function problemItems(items) {
  return h("ol", { class: "rc-items" }, items.map((p) =>
    h("li", { dataset: { cell: p.cell || "", row: String(p.row ?? ""), sheet: p.sheet || "" } },
      h("span", { class: "rc-message" }, p.message),
      h("span", { class: "rc-fix" }, "改法：", p.hint))));
}

/** One list, or — when several sheets were checked — one list per sheet under the sheet's name. */
function itemsBySheet(report, items) {
  if (sheetsOf(report).length < 2) return problemItems(items);
  return [...groupBy(items, (p) => p.sheet || report.sheet)].map(([sheet, ofSheet]) =>
    h("div", { class: "rc-sheet-group", dataset: { sheet } },
      h("p", { class: "rc-sheet-name" }, `工作表“${sheet}”`), problemItems(ofSheet)));
}

function kindSection(data, report, code, items, open) {
  const spec = data.problems[code] || { severity: "error", title: code, explanation: "" };
  const count = report.summary.by_code[code];
  const more = count - Math.min(items.length, LIST_PER_KIND);
  return h("details", { class: `rc-kind rc-kind--${spec.severity}`, open, dataset: { code, severity: spec.severity, count: String(count) } },
    h("summary", {},
      h("span", { class: `rc-tag rc-tag--${spec.severity}` }, data.severities[spec.severity]),
      h("span", { class: "rc-kind-title" }, spec.title),
      h("span", { class: "rc-count" }, `${count} 处`)),
    h("p", { class: "rc-explain" }, spec.explanation, " ", h("a", { href: `../roster-codes/#${code}` }, "说明")),
    itemsBySheet(report, items.slice(0, LIST_PER_KIND)),
    more > 0 ? h("p", { class: "rc-more" }, `另有 ${more} 处未在此列出，全部见标注版工作簿的“问题汇总”工作表。`) : null);
}

function kinds(data, report) {
  const byCode = groupBy(report.problems, (problem) => problem.code);
  return h("section", { class: "rc-kinds", id: "rc-kinds" },
    h("h3", {}, "按问题类型"),
    codeOrder(data, report).map((code, index) => kindSection(data, report, code, byCode.get(code) || [], index === 0)));
}

/** Where the table was found: the sheet and header row, or every sheet checked. */
export function fileLine(report) {
  const sheets = sheetsOf(report);
  if (sheets.length < 2) return `文件“${report.file}”，工作表“${report.sheet}”，表头在第 ${report.header_row} 行。`;
  const each = sheets.map((s) => `“${s.sheet}”（${s.rows_checked} 人，表头在第 ${s.header_row} 行）`).join("、");
  return `文件“${report.file}”，检查了 ${sheets.length} 个工作表：${each}。`;
}

/** The headers a report's columns_unknown notes name: what shows a workbook meant for the other page. */
export function unknownHeaders(report) {
  return (report.notes || []).filter((note) => note.code === "columns_unknown").flatMap((note) => note.headers || []);
}

/** "这是…吗？" above a report whose file looks meant for the other page, with the way there. */
export function otherPageHint(id, question, text, href, label, tail) {
  return h("p", { class: "rc-lacks", id }, h("strong", {}, question), text, h("a", { href }, label), tail);
}

/** How the file was read (rows, columns, sheets skipped; what the marked copy lacks): 说明, never a problem. */
export function notesList(data, report) {
  const notes = report.notes || [];
  if (!notes.length) return null;
  const several = sheetsOf(report).length > 1;
  return h("ul", { class: "rc-notes", id: "rc-notes" }, notes.map((note) =>
    h("li", { class: "rc-note", dataset: { code: note.code, sheet: note.sheet || "" } },
      h("span", { class: "rc-tag rc-tag--info" }, data.severities[note.severity || "info"]), " ",
      several && note.sheet ? h("span", { class: "rc-note-sheet" }, `工作表“${note.sheet}”：`) : null,
      note.title ? h("strong", { class: "rc-note-title" }, `${note.title}。`) : null,
      note.message)));
}

function summary(data, report, several) {
  const { errors, warnings } = report.summary;
  const tone = errors ? "errors" : warnings ? "warnings" : "ok";
  return h("div", { class: `rc-summary rc-summary--${tone}`, id: "rc-summary",
                    dataset: { errors: String(errors), warnings: String(warnings), rows: String(report.rows_checked) } },
    h("p", { class: "rc-headline" }, headline(report)),
    notesList(data, report),
    h("p", { class: "rc-file" }, fileLine(report)),
    errors ? h("p", {}, "错误请改正后再报备；提醒请核对，不影响报备。")
      : warnings ? h("p", {}, "没有必须改正的错误；提醒请核对，不影响报备。")
        : h("p", {}, "可以报备了。"),
    h("p", { class: "rc-deadline" }, `报备截止：${data.deadline_text}前。`),
    report.problems_omitted
      ? h("p", { class: "sc-hint" }, `问题较多，下面只列出前 ${report.problems.length} 个，另有 ${report.problems_omitted} 个未列出（已计入上面的统计）。`)
      : null,
    several ? h("p", { class: "sc-hint" }, "一次检查一个文件：这里检查的是拖入的第一个文件。") : null);
}

/** Show the report; returns the slots the preview and the download fill in later. */
export function renderReport(page, data, report, several) {
  const preview = h("div", { class: "rc-preview-slot" });
  const download = report.problems.length
    ? h("section", { class: "rc-download", id: "rc-download" }, h("h3", {}, "标注版工作簿"),
      h("p", { class: "rc-download-wait" }, "正在生成标注版工作簿……"), h("progress", { class: "sc-progress" }))
    : null;
  show(page, summary(data, report, several), report.problems.length ? kinds(data, report) : null, preview, download, againButton(page));
  return { preview, download: download || h("span") };
}

const ROSTER_COPY_HINT = "有错误的单元格标红、有提醒的标黄，并附批注；最前面的工作表“问题汇总”列出全部问题" +
  "（原文件已有同名工作表的，名为“问题汇总(2)”），点单元格地址可跳到该单元格。这是副本：请在原文件上修改，改好后再来检查一遍。";

export function dropDownload(page) {
  if (page.downloadUrl) URL.revokeObjectURL(page.downloadUrl);
  page.downloadUrl = null;
}

// Files read into an .xlsx before the check (rules_py/roster/file_formats.py): their copy is a new .xlsx.
const SOURCE_NAMES = { xls: "旧版 Excel 工作簿（.xls）", et: "WPS 表格（.et）", csv: "CSV 文本" };

/** The download of the marked workbook; `hint` says what the copy holds (the roster's marks by default). */
export function downloadBox(page, report, answer, hint = ROSTER_COPY_HINT) {
  const box = h("section", { class: "rc-download", id: "rc-download" }, h("h3", {}, "标注版工作簿"));
  if (!answer.annotated_xlsx) {
    box.append(h("p", { class: "sc-alert" }, answer.annotation_error || "未能生成标注版工作簿，请按上面的问题列表逐项修改。"));
    return box;
  }
  dropDownload(page);
  page.downloadUrl = URL.createObjectURL(new Blob([answer.annotated_xlsx], { type: XLSX_TYPE }));
  const lacks = Object.values(report.annotation_lacks || {});
  if (lacks.length) {
    box.append(h("p", { class: "rc-lacks", id: "rc-lacks" }, h("strong", {}, "请注意："),
      `标注版里没有原文件的${lacks.join("、")}。请以标注版为指引，在原文件上修改，不要用标注版代替原文件报备。`));
  }
  const source = SOURCE_NAMES[report.source_format];
  if (source) {
    box.append(h("p", { class: "rc-converted", id: "rc-converted" },
      `原文件是${source}，标注版是按其中数据新建的 .xlsx 工作簿，问题所在的行号、列号与原文件相同。`));
  }
  box.append(
    h("p", {}, h("a", { class: "md-button md-button--primary rc-download-link", id: "rc-download-link",
                        href: page.downloadUrl, download: downloadName(report.file) }, "下载标注版工作簿")),
    h("p", { class: "sc-hint" }, hint),
  );
  if (page.inWechat) box.append(wechatNote("download"));
  return box;
}

export function renderFatal(page, file, fatal) {
  show(page, h("div", { class: "rc-summary rc-summary--fatal", id: "rc-fatal", role: "alert", dataset: { fatal: fatal.code } },
    h("p", { class: "rc-headline" }, `无法检查“${file}”：${fatal.title}`),
    h("p", {}, fatal.message),
    h("p", { class: "sc-hint" }, fatal.code === "engine"
      ? (/刷新/.test(fatal.message) ? null : "请刷新页面后重试。")  // the engine's own messages say it
      : ["处理好以后，重新选择文件即可再检查。", h("a", { href: "../roster-codes/#fatal" }, "哪些文件无法检查")])),
    againButton(page));
}
