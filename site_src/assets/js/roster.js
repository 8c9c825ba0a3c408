// 花名册自查: the page side. A person drops or picks a filled 花名册; the shared worker
// (selfcheck-client.js → selfcheck-worker.js) checks it with rules_py.roster and roster-report.js
// shows the report, roster-preview.js the first rows. window.selfCheck.checkRoster is the same engine.
//
// Order of work, so that the person sees the report as early as possible: the check (progress in
// rows read), then the preview rows, then the marked workbook (the slowest part).
// Nothing leaves the browser; a file over the size limit never even reaches the worker.

import { fmtMB, h, IN_WECHAT, startSelfCheck } from "./selfcheck-client.js";
import { previewTable } from "./roster-preview.js";
import { downloadBox, dropDownload, renderFatal, renderReport, show, wechatNote, XLSX_TYPE } from "./roster-report.js";

const PREVIEW_ROWS = 10;     // rows with problems drawn as a small sheet
// Spreadsheet-like files only, but the ones the check explains (.xls, .et, .csv) stay pickable.
const ACCEPT = [".xlsx", ".xlsm", ".xls", ".et", ".csv", XLSX_TYPE, "application/vnd.ms-excel"].join(",");

const client = startSelfCheck({
  tool: "花名册自查",
  waitHint: "可以先选择文件。",
  readyText: "✓ 检查程序已就绪：文件只在这台设备上读取，不会上传。",
  crashHint: "文件很大的，可以拆成几个文件分别检查。",
});

// Limits, codes, severities and column names: the page data (rules_py/page_data.py), written by
// the build as selfcheck/roster-<notice id>.json; the notice id is the page's data-notice.
function loadData(noticeId) {
  const loaded = (noticeId
    ? fetch(new URL(`../selfcheck/roster-${noticeId}.json`, import.meta.url), { cache: "no-cache" })
    : Promise.reject(new Error("the page names no notice (data-notice)")))
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    });
  loaded.catch(() => {});
  return loaded;
}

function showProgress(page, text, rows = null) {
  page.progress.hidden = false;
  page.progress.dataset.rows = rows === null ? "" : String(rows);
  page.progress.replaceChildren(h("p", {}, text), h("progress", { class: "sc-progress" }));
}

function hideProgress(page) {
  page.progress.hidden = true;
  page.progress.replaceChildren();
}

/** The file's bytes, or null (the reason shown) when it is too large or cannot be read. */
async function readFile(page, data, file, name, current) {
  // Over the size limit: said at once, and the file is never read or sent to the worker.
  if (file.size > data.limits.max_file_bytes) {
    hideProgress(page);
    const spec = data.fatal.too_large;
    renderFatal(page, name, { code: "too_large", title: spec.title,
      message: `这个文件有 ${fmtMB(file.size)} MB，${spec.explanation}表中如有图片等无关内容，删去后文件会小很多。` });
    return null;
  }
  showProgress(page, `正在读取“${name}”……`);
  try {
    return await file.arrayBuffer();
  } catch (error) {
    if (!current()) return null;
    hideProgress(page);
    renderFatal(page, name, { code: "unreadable", title: "无法读取文件",
      message: "浏览器没能读取这个文件。请确认文件没有在其他程序中打开或已被移动，再重新选择。" });
    return null;
  }
}

/** The engine's report of the file, or null (the reason shown) when the check did not finish. */
async function runCheck(page, buffer, name, current) {
  const checking = `正在检查“${name}”……`;
  const waiting = !client.engine.info;
  showProgress(page, waiting ? `已选择“${name}”。检查程序还在加载，加载完成后自动开始检查……` : checking);
  if (waiting) client.ready.then(() => { if (current() && !page.progress.dataset.rows) showProgress(page, checking); }, () => {});
  try {
    return await client.roster.check(buffer, {
      filename: name,
      onRows: (rows) => { if (current()) showProgress(page, `${checking}已读取 ${rows} 行`, rows); },
    });
  } catch (error) {
    if (current()) {
      hideProgress(page);
      renderFatal(page, name, { code: "engine", title: "检查没有完成", message: error.message });
    }
    return null;
  }
}

/** After the report: the preview rows, then the marked workbook, each into its slot. */
function fillSlots(page, data, report, parts, current) {
  client.roster.preview(PREVIEW_ROWS).then(
    (preview) => { if (current()) parts.preview.replaceWith(previewTable(data, report, preview)); },
    () => { if (current()) parts.preview.remove(); });
  client.roster.annotate().then(
    (answer) => { if (current()) parts.download.replaceWith(downloadBox(page, report, answer)); },
    (error) => { if (current()) parts.download.replaceWith(downloadBox(page, report, { annotation_error: error.message })); });
}

async function checkFile(page, file, several = false) {
  const mine = ++page.run; // each chosen file starts a new run; answers for older runs are dropped
  const current = () => mine === page.run;
  dropDownload(page);
  // The last result stays, greyed, until the new one replaces it: the page does not jump.
  page.result.classList.add("rc-stale");
  page.result.setAttribute("aria-busy", "true");
  page.result.querySelector("#rc-download-link")?.remove();
  const name = file.name || "花名册.xlsx";
  let data;
  try {
    data = await page.dataReady;
  } catch (error) {
    hideProgress(page);
    show(page, h("p", { class: "sc-alert" }, "检查所需的数据未能加载，请刷新页面重试。"));
    return;
  }
  if (!current()) return;
  const buffer = await readFile(page, data, file, name, current);
  if (!buffer || !current()) return;
  const report = await runCheck(page, buffer, name, current);
  if (!report || !current()) return;
  hideProgress(page);
  if (report.fatal) {
    renderFatal(page, report.file, report.fatal);
    return;
  }
  const parts = renderReport(page, data, report, several);
  if (report.problems.length) fillSlots(page, data, report, parts, current);
}

/** The file picker and the drop zone (the whole roster box takes a dropped file). */
function setUpPicker(page) {
  const { root, input, drop } = page;
  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    input.value = ""; // choosing the same file again (after fixing it) checks it again
    if (file) checkFile(page, file);
  });
  for (const type of ["dragenter", "dragover"]) {
    root.addEventListener(type, (event) => {
      if (!event.dataTransfer || ![...event.dataTransfer.types].includes("Files")) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
      drop.classList.add("rc-drop--over");
    });
  }
  root.addEventListener("dragleave", (event) => {
    if (!root.contains(event.relatedTarget)) drop.classList.remove("rc-drop--over");
  });
  root.addEventListener("drop", (event) => {
    drop.classList.remove("rc-drop--over");
    const files = event.dataTransfer?.files;
    if (!files || !files.length) return;
    event.preventDefault();
    checkFile(page, files[0], files.length > 1);
  });
}

function start(root) {
  const page = {
    root, dataReady: loadData(root.dataset.notice), run: 0, downloadUrl: null, inWechat: IN_WECHAT,
    input: h("input", { type: "file", id: "rc-file", class: "rc-file-input", accept: ACCEPT, "aria-describedby": "rc-limits" }),
    drop: h("label", { class: "rc-drop", for: "rc-file" },
      h("span", { class: "rc-drop-title" }, "选择花名册文件"),
      h("span", { class: "rc-drop-hint" }, "Excel 工作簿（.xlsx、.xls）、WPS 表格（.et）或 CSV"),
      h("span", { class: "rc-drop-hint rc-drop-hint--desktop" }, "也可以把文件拖到这里")),
    progress: h("div", { class: "rc-progress", id: "rc-progress", role: "status", "aria-live": "polite", hidden: true }),
    result: h("section", { class: "rc-result", id: "rc-result", "aria-label": "检查结果" }),
  };
  setUpPicker(page);
  const picker = h("div", { class: "rc-pick" }, page.input, page.drop);
  root.insertBefore(picker, document.getElementById("rc-limits"));
  if (IN_WECHAT) root.insertBefore(wechatNote("top"), picker);
  root.append(page.progress, page.result);
  root.classList.add("rc-loaded");
}

const root = document.getElementById("roster");
if (root) start(root);
