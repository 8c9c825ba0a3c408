// What the two workbook pages share (花名册自查: roster.js, 申报人员学时核对: applicants.js): the
// file picker with its drop zone, and a chosen file's way to its report — the progress line, the
// bytes read within the size limit, the engine's check (rows read shown), the fatal message — with
// a run counter that drops answers for a file the person has since replaced.
// `data` is the page data (rules_py/page_data.py) with `limits` and `fatal` (codes, titles, wording).
// The boxes keep the roster page's ids and classes (rc-*), so roster.css styles both pages.

import { fmtMB, h } from "./dom.js";
import { dropDownload, renderFatal, show, wechatNote, XLSX_TYPE } from "./roster-report.js";

// Spreadsheet-like files only, but the ones the check explains (.xls, .et, .csv) stay pickable.
const ACCEPT = [".xlsx", ".xlsm", ".xls", ".et", ".csv", XLSX_TYPE, "application/vnd.ms-excel"].join(",");

/** The page data `assets/selfcheck/<name>-<notice id>.json` (written by the build), fetched once. */
function loadPageData(name, noticeId) {
  const loaded = (noticeId
    ? fetch(new URL(`../selfcheck/${name}-${noticeId}.json`, import.meta.url), { cache: "no-cache" })
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

/**
 * A new run for a newly chosen file: returns `current()`, true while no later file was chosen.
 * The last result stays, greyed, until the new one replaces it: the page does not jump.
 */
function beginRun(page) {
  const mine = ++page.run;
  page.result.classList.add("rc-stale");
  page.result.setAttribute("aria-busy", "true");
  page.result.querySelector("#rc-download-link")?.remove();
  return () => mine === page.run;
}

/** The engine's report of the file, or null (the reason shown) when the check did not finish. */
async function runCheck(page, buffer, name, current, { client, verb, check }) {
  const checking = `正在${verb}“${name}”……`;
  const waiting = !client.engine.info;
  showProgress(page, waiting ? `已选择“${name}”。${verb}程序还在加载，加载完成后自动开始${verb}……` : checking);
  if (waiting) client.ready.then(() => { if (current() && !page.progress.dataset.rows) showProgress(page, checking); }, () => {});
  try {
    return await check(buffer, name, (rows) => { if (current()) showProgress(page, `${checking}已读取 ${rows} 行`, rows); });
  } catch (error) {
    if (current()) {
      hideProgress(page);
      renderFatal(page, name, { code: "engine", title: `${verb}没有完成`, message: error.message });
    }
    return null;
  }
}

/**
 * A chosen file from start to report. `how`: {client (startSelfCheck's), verb ("检查" | "核对"),
 * fallbackName (a file without a name), check(buffer, name, onRows) → Promise of the report,
 * render(data, report, current) (the page's report; `current()` false once another file is chosen)}.
 */
export async function checkChosenFile(page, file, how) {
  const current = beginRun(page);
  dropDownload(page);
  const name = file.name || how.fallbackName;
  let data;
  try {
    data = await page.dataReady;
  } catch (error) {
    hideProgress(page);
    show(page, h("p", { class: "sc-alert" }, `${how.verb}所需的数据未能加载，请刷新页面重试。`));
    return;
  }
  if (!current()) return;
  const buffer = await readFile(page, data, file, name, current);
  if (!buffer || !current()) return;
  const report = await runCheck(page, buffer, name, current, how);
  if (!report || !current()) return;
  hideProgress(page);
  if (report.fatal) {
    renderFatal(page, report.file, report.fatal);
    return;
  }
  how.render(data, report, current);
}

/** The file picker and the drop zone (the whole box takes a dropped file); `onFile(file, several)`. */
function setUpPicker(page, onFile) {
  const { root, input, drop } = page;
  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    input.value = ""; // choosing the same file again (after fixing it) checks it again
    if (file) onFile(file, false);
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
    onFile(files[0], files.length > 1);
  });
}

/**
 * The picker, progress line and result box, put into `root` (whose data-notice names the notice)
 * before its #rc-limits line; in WeChat, a note above the picker. `dataName`: the page data's name
 * ("roster" → selfcheck/roster-<notice id>.json); `onFile(page, file, several)`. Returns the page
 * state the functions above take.
 */
export function mountPicker(root, { title, dataName, inWechat, onFile }) {
  const page = {
    root, dataReady: loadPageData(dataName, root.dataset.notice), run: 0, downloadUrl: null, inWechat,
    input: h("input", { type: "file", id: "rc-file", class: "rc-file-input", accept: ACCEPT, "aria-describedby": "rc-limits" }),
    drop: h("label", { class: "rc-drop", for: "rc-file" },
      h("span", { class: "rc-drop-title" }, title),
      h("span", { class: "rc-drop-hint" }, "Excel 工作簿（.xlsx、.xls）、WPS 表格（.et）或 CSV"),
      h("span", { class: "rc-drop-hint rc-drop-hint--desktop" }, "也可以把文件拖到这里")),
    progress: h("div", { class: "rc-progress", id: "rc-progress", role: "status", "aria-live": "polite", hidden: true }),
    result: h("section", { class: "rc-result", id: "rc-result", "aria-label": "检查结果" }),
  };
  setUpPicker(page, (file, several) => onFile(page, file, several));
  const picker = h("div", { class: "rc-pick" }, page.input, page.drop);
  root.insertBefore(picker, document.getElementById("rc-limits"));
  if (inWechat) root.insertBefore(wechatNote("top"), picker);
  root.append(page.progress, page.result);
  root.classList.add("rc-loaded");
  return page;
}
