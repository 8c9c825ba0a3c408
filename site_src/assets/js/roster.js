// 花名册自查: the page side. A person drops or picks a filled 花名册; the shared worker
// (selfcheck-client.js → selfcheck-worker.js) checks it with rules_py.roster and this file shows
// the report: a summary first, the problems grouped by kind, the first rows with the bad cells
// marked, then the marked workbook to download. window.selfCheck.checkRoster is the same engine.
//
// Order of work, so that the person sees the report as early as possible: the check (progress in
// rows read), then the preview rows, then the marked workbook (the slowest part).
// Nothing leaves the browser; a file over the size limit never even reaches the worker.

import { fmtMB, h, IN_WECHAT, startSelfCheck } from "./selfcheck-client.js";

const root = document.getElementById("roster");
const NOTICE_ID = root?.dataset.notice;  // written by build.py from the notice (roster.md.j2)
const PREVIEW_ROWS = 10;     // rows with problems drawn as a small sheet
const LIST_PER_KIND = 50;    // problems listed per kind; the marked workbook has every one
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
// Spreadsheet-like files only, but the ones the check explains (.xls, .et, .csv) stay pickable.
const ACCEPT = [".xlsx", ".xlsm", ".xls", ".et", ".csv", XLSX_TYPE, "application/vnd.ms-excel"].join(",");

const client = startSelfCheck({
  tool: "花名册自查",
  waitHint: "可以先选择文件。",
  readyText: "✓ 检查程序已就绪：文件只在这台设备上读取，不会上传。",
  crashHint: "文件很大的，可以拆成几个文件分别检查。",
});

// Limits, codes and column names, written at build time from rules_py.roster (describe_codes).
const dataReady = (NOTICE_ID
  ? fetch(new URL(`../selfcheck/roster-${NOTICE_ID}.json`, import.meta.url), { cache: "no-cache" })
  : Promise.reject(new Error("the page names no notice (data-notice)")))
  .then((response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  });
dataReady.catch(() => {});

let run = 0;            // each chosen file starts a new run; answers for older runs are dropped
let downloadUrl = null;

// ---------------------------------------------------------------------------------------------
// The picker
// ---------------------------------------------------------------------------------------------

const input = h("input", { type: "file", id: "rc-file", class: "rc-file-input", accept: ACCEPT,
                           "aria-describedby": "rc-limits" });
const drop = h("label", { class: "rc-drop", for: "rc-file" },
  h("span", { class: "rc-drop-title" }, "选择花名册文件"),
  h("span", { class: "rc-drop-hint" }, "Excel 工作簿（.xlsx）"),
  h("span", { class: "rc-drop-hint rc-drop-hint--desktop" }, "也可以把文件拖到这里"));
const picker = h("div", { class: "rc-pick" }, input, drop);
const progress = h("div", { class: "rc-progress", id: "rc-progress", role: "status", "aria-live": "polite", hidden: true });
const result = h("section", { class: "rc-result", id: "rc-result", "aria-label": "检查结果" });

function wechatNote(where) {
  return h("p", { class: "rc-wechat", dataset: { where } },
    h("strong", {}, "您正在微信里浏览："),
    where === "top"
      ? "可以照常选择文件检查、查看问题；但微信可能不允许下载标注版。需要下载的，请先点右上角“···”，选择“在浏览器打开”。"
      : "微信可能不允许下载文件。请点右上角“···”，选择“在浏览器打开”，在浏览器里重新选择这个文件检查，再点“下载标注版工作簿”。");
}

input.addEventListener("change", () => {
  const file = input.files && input.files[0];
  input.value = ""; // choosing the same file again (after fixing it) checks it again
  if (file) checkFile(file);
});

for (const type of ["dragenter", "dragover"]) {
  root?.addEventListener(type, (event) => {
    if (!event.dataTransfer || ![...event.dataTransfer.types].includes("Files")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    drop.classList.add("rc-drop--over");
  });
}
root?.addEventListener("dragleave", (event) => {
  if (!root.contains(event.relatedTarget)) drop.classList.remove("rc-drop--over");
});
root?.addEventListener("drop", (event) => {
  drop.classList.remove("rc-drop--over");
  const files = event.dataTransfer?.files;
  if (!files || !files.length) return;
  event.preventDefault();
  checkFile(files[0], files.length > 1);
});

// ---------------------------------------------------------------------------------------------
// One file
// ---------------------------------------------------------------------------------------------

function showProgress(text, rows = null) {
  progress.hidden = false;
  progress.dataset.rows = rows === null ? "" : String(rows);
  progress.replaceChildren(h("p", {}, text), h("progress", { class: "sc-progress" }));
}

function hideProgress() {
  progress.hidden = true;
  progress.replaceChildren();
}

function dropDownload() {
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = null;
}

async function checkFile(file, several = false) {
  const mine = ++run;
  const current = () => mine === run;
  dropDownload();
  // The last result stays, greyed, until the new one replaces it: the page does not jump.
  result.classList.add("rc-stale");
  result.setAttribute("aria-busy", "true");
  result.querySelector("#rc-download-link")?.remove();
  const name = file.name || "花名册.xlsx";
  let data;
  try {
    data = await dataReady;
  } catch (error) {
    hideProgress();
    show(h("p", { class: "sc-alert" }, "检查所需的数据未能加载，请刷新页面重试。"));
    return;
  }
  if (!current()) return;

  // Over the size limit: said at once, and the file is never read or sent to the worker.
  if (file.size > data.limits.max_file_bytes) {
    hideProgress();
    const spec = data.fatal.too_large;
    renderFatal(name, {
      code: "too_large", title: spec.title,
      message: `这个文件有 ${fmtMB(file.size)} MB，${spec.explanation}表中如有图片等无关内容，删去后文件会小很多。`,
    });
    return;
  }

  showProgress(`正在读取“${name}”……`);
  let buffer;
  try {
    buffer = await file.arrayBuffer();
  } catch (error) {
    if (!current()) return;
    hideProgress();
    renderFatal(name, { code: "unreadable", title: "无法读取文件",
      message: "浏览器没能读取这个文件。请确认文件没有在其他程序中打开或已被移动，再重新选择。" });
    return;
  }
  if (!current()) return;
  const waiting = !client.engine.info;
  showProgress(waiting ? `已选择“${name}”。检查程序还在加载，加载完成后自动开始检查……` : `正在检查“${name}”……`);
  if (waiting) client.ready.then(() => { if (current() && !progress.dataset.rows) showProgress(`正在检查“${name}”……`); }, () => {});

  let report;
  try {
    report = await client.roster.check(buffer, {
      filename: name,
      onRows: (rows) => { if (current()) showProgress(`正在检查“${name}”……已读取 ${rows} 行`, rows); },
    });
  } catch (error) {
    if (!current()) return;
    hideProgress();
    renderFatal(name, { code: "engine", title: "检查没有完成", message: error.message });
    return;
  }
  if (!current()) return;
  hideProgress();
  if (report.fatal) {
    renderFatal(report.file, report.fatal);
    return;
  }
  const parts = renderReport(data, report, several);
  if (!report.problems.length) return;
  client.roster.preview(PREVIEW_ROWS).then(
    (preview) => { if (current()) parts.preview.replaceWith(previewTable(data, report, preview)); },
    () => { if (current()) parts.preview.remove(); });
  client.roster.annotate().then(
    (answer) => { if (current()) parts.download.replaceWith(downloadBox(report, answer)); },
    (error) => { if (current()) parts.download.replaceWith(downloadBox(report, { annotation_error: error.message })); });
}

// ---------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------

function cnDate(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

function headline(report) {
  const { errors, warnings } = report.summary;
  const people = `共 ${report.rows_checked} 人`;
  if (!errors && !warnings) return `${people}，未发现问题`;
  return [people, errors ? `发现 ${errors} 个问题` : "未发现错误", warnings ? `${warnings} 条提醒` : null]
    .filter(Boolean).join("，");
}

function renderReport(data, report, several) {
  const { errors, warnings } = report.summary;
  const tone = errors ? "errors" : warnings ? "warnings" : "ok";
  const summary = h("div", { class: `rc-summary rc-summary--${tone}`, id: "rc-summary",
                             dataset: { errors: String(errors), warnings: String(warnings), rows: String(report.rows_checked) } },
    h("p", { class: "rc-headline" }, headline(report)),
    h("p", { class: "rc-file" }, `文件“${report.file}”，工作表“${report.sheet}”，表头在第 ${report.header_row} 行。`),
    errors ? h("p", {}, "错误请改正后再报备；提醒请核对，不影响报备。")
      : warnings ? h("p", {}, "没有必须改正的错误；提醒请核对，不影响报备。")
        : h("p", {}, "可以报备了。"),
    h("p", { class: "rc-deadline" }, `报备截止：${cnDate(data.deadline)}前。`),
    report.problems_omitted
      ? h("p", { class: "sc-hint" }, `问题较多，下面只列出前 ${report.problems.length} 个，另有 ${report.problems_omitted} 个未列出（已计入上面的统计）。`)
      : null,
    several ? h("p", { class: "sc-hint" }, "一次检查一个文件：这里检查的是拖入的第一个文件。") : null);

  const preview = h("div", { class: "rc-preview-slot" });
  const download = report.problems.length
    ? h("section", { class: "rc-download", id: "rc-download" }, h("h3", {}, "标注版工作簿"),
      h("p", { class: "rc-download-wait" }, "正在生成标注版工作簿……"), h("progress", { class: "sc-progress" }))
    : null;
  show(summary, report.problems.length ? kinds(data, report) : null, preview, download, againButton());
  return { preview, download: download || h("span") };
}

const SEVERITY = { error: "错误", warning: "提醒" };

function kinds(data, report) {
  const byCode = new Map();
  for (const problem of report.problems) {
    if (!byCode.has(problem.code)) byCode.set(problem.code, []);
    byCode.get(problem.code).push(problem);
  }
  const order = Object.keys(data.problems);
  const codes = Object.keys(report.summary.by_code).sort((a, b) => {
    const sa = data.problems[a]?.severity === "error" ? 0 : 1;
    const sb = data.problems[b]?.severity === "error" ? 0 : 1;
    return sa - sb || report.summary.by_code[b] - report.summary.by_code[a] || order.indexOf(a) - order.indexOf(b);
  });
  return h("section", { class: "rc-kinds", id: "rc-kinds" },
    h("h3", {}, "按问题类型"),
    codes.map((code, index) => {
      const spec = data.problems[code] || { severity: "error", title: code, explanation: "" };
      const items = byCode.get(code) || [];
      const count = report.summary.by_code[code];
      const more = count - Math.min(items.length, LIST_PER_KIND);
      return h("details", { class: `rc-kind rc-kind--${spec.severity}`, open: index === 0,
                            dataset: { code, severity: spec.severity, count: String(count) } },
        h("summary", {},
          h("span", { class: `rc-tag rc-tag--${spec.severity}` }, SEVERITY[spec.severity]),
          h("span", { class: "rc-kind-title" }, spec.title),
          h("span", { class: "rc-count" }, `${count} 处`)),
        h("p", { class: "rc-explain" }, spec.explanation, " ",
          h("a", { href: `../roster-codes/#${code}` }, "说明")),
        h("ol", { class: "rc-items" }, items.slice(0, LIST_PER_KIND).map((p) =>
          h("li", { dataset: { cell: p.cell || "", row: String(p.row ?? "") } },
            h("span", { class: "rc-message" }, p.message),
            h("span", { class: "rc-fix" }, "改法：", p.hint)))),
        more > 0 ? h("p", { class: "rc-more" }, `另有 ${more} 处未在此列出，全部见标注版工作簿的“问题汇总”工作表。`) : null);
    }));
}

// The first rows with problems, drawn like the sheet: bad cells in the workbook's own colours.
// On a phone the 13 columns do not fit, so at first only the row number, the name and the
// columns with a problem are drawn; one tap shows every column.
function previewTable(data, report, preview) {
  if (!preview.rows.length) return h("span");
  const byCell = new Map();
  for (const problem of report.problems) {
    if (!problem.cell) continue;
    if (!byCell.has(problem.cell)) byCell.set(problem.cell, []);
    byCell.get(problem.cell).push(problem);
  }
  const shownRows = new Set(preview.rows.map((row) => row.row));
  const badLetters = new Set(report.problems.filter((p) => p.cell && shownRows.has(p.row)).map((p) => p.column));
  const compact = preview.columns.filter((c) => c.key === "name" || badLetters.has(c.letter));
  const note = h("div", { class: "rc-cell-note", "aria-live": "polite" });
  const show = (cell, problems) => note.replaceChildren(
    h("p", { class: "rc-cell-note-title" }, `单元格 ${cell}`),
    h("ul", {}, problems.map((p) => h("li", {}, h("span", { class: `rc-tag rc-tag--${p.severity}` }, SEVERITY[p.severity]), " ",
      p.message, h("span", { class: "rc-fix" }, "改法：", p.hint)))));

  function table(columns) {
    const head = h("tr", {}, h("th", { class: "rc-rowno", scope: "col" }, "行"),
      columns.map((c) => h("th", { scope: "col" }, h("span", { class: "rc-letter" }, c.letter), data.columns[c.key] || c.key)));
    const body = preview.rows.map((row) => h("tr", { dataset: { row: String(row.row) } },
      h("th", { class: "rc-rowno", scope: "row" }, String(row.row)),
      columns.map((c) => {
        const ref = `${c.letter}${row.row}`;
        const problems = byCell.get(ref);
        const value = row.cells[c.letter] ?? "";
        if (!problems) return h("td", { dataset: { cell: ref } }, value);
        const severity = problems.some((p) => p.severity === "error") ? "error" : "warning";
        return h("td", { class: `rc-bad rc-bad--${severity}`, tabindex: "0", dataset: { cell: ref },
                         title: problems.map((p) => p.message).join("\n"),
                         onclick: () => show(ref, problems),
                         onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); show(ref, problems); } } },
          value === "" ? h("span", { class: "rc-empty" }, "（空）") : value);
      })));
    return h("table", { class: "rc-sheet", dataset: { columns: String(columns.length) } },
      h("thead", {}, head), h("tbody", {}, body));
  }

  const scroller = h("div", { class: "rc-table-scroll" }, table(compact));
  let all = false;
  const toggle = compact.length < preview.columns.length
    ? h("button", { type: "button", class: "sc-link-button rc-columns", "aria-pressed": "false", onclick: () => {
      all = !all;
      scroller.replaceChildren(table(all ? preview.columns : compact));
      toggle.setAttribute("aria-pressed", String(all));
      toggle.textContent = all ? "只看有问题的列" : `显示全部 ${preview.columns.length} 列`;
    } }, `显示全部 ${preview.columns.length} 列`)
    : null;
  const shown = preview.rows.length;
  const total = preview.problem_rows;
  return h("section", { class: "rc-preview", id: "rc-preview" },
    h("h3", {}, total > shown ? `有问题的行（前 ${shown} 行，共 ${total} 行）` : `有问题的行（共 ${total} 行）`),
    h("p", { class: "sc-hint" }, h("span", { class: "rc-swatch rc-bad--error" }), "错误 ",
      h("span", { class: "rc-swatch rc-bad--warning" }), "提醒。点标色的单元格看说明。", toggle ? " " : null, toggle),
    scroller,
    note);
}

function downloadName(file) {
  const stem = String(file || "花名册").replace(/\.[^.]*$/, "") || "花名册";
  return `${stem}（标注版）.xlsx`;
}

function downloadBox(report, answer) {
  const box = h("section", { class: "rc-download", id: "rc-download" }, h("h3", {}, "标注版工作簿"));
  if (!answer.annotated_xlsx) {
    box.append(h("p", { class: "sc-alert" }, answer.annotation_error || "未能生成标注版工作簿，请按上面的问题列表逐项修改。"));
    return box;
  }
  dropDownload();
  downloadUrl = URL.createObjectURL(new Blob([answer.annotated_xlsx], { type: XLSX_TYPE }));
  box.append(
    h("p", {}, h("a", { class: "md-button md-button--primary rc-download-link", id: "rc-download-link",
                        href: downloadUrl, download: downloadName(report.file) }, "下载标注版工作簿")),
    h("p", { class: "sc-hint" }, "有错误的单元格标红、有提醒的标黄，并附批注；第一个工作表“问题汇总”列出全部问题，",
      "点单元格地址可跳到该单元格。这是副本：请在原文件上修改，改好后再来检查一遍。"),
  );
  if (IN_WECHAT) box.append(wechatNote("download"));
  return box;
}

function againButton() {
  return h("p", { class: "rc-again" }, h("button", { type: "button", class: "md-button", onclick: () => input.click() },
    "检查另一个文件"));
}

function renderFatal(file, fatal) {
  show(h("div", { class: "rc-summary rc-summary--fatal", id: "rc-fatal", role: "alert",
                                    dataset: { fatal: fatal.code } },
    h("p", { class: "rc-headline" }, `无法检查“${file}”：${fatal.title}`),
    h("p", {}, fatal.message),
    h("p", { class: "sc-hint" }, fatal.code === "engine"
      ? (/刷新/.test(fatal.message) ? null : "请刷新页面后重试。")  // the engine's own messages say it
      : ["处理好以后，重新选择文件即可再检查。", h("a", { href: "../roster-codes/#fatal" }, "哪些文件无法检查")])),
    againButton());
}

/** Put a new result on the page and bring its top into view (only if it is not in view already). */
function show(...parts) {
  result.replaceChildren(...parts.filter(Boolean));
  result.classList.remove("rc-stale");
  result.removeAttribute("aria-busy");
  const top = result.getBoundingClientRect().top;
  if (top < 56 || top > window.innerHeight * 0.6) result.scrollIntoView({ block: "start", behavior: "smooth" });
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

if (root) {
  const limits = document.getElementById("rc-limits");
  root.insertBefore(picker, limits);
  if (IN_WECHAT) root.insertBefore(wechatNote("top"), picker);
  root.append(progress, result);
  root.classList.add("rc-loaded");
}
