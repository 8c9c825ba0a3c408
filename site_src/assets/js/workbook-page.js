// What the two workbook pages share (花名册自查: roster.js, 申报人员学时核对: applicants.js): the
// file picker with its drop zone, the progress line, reading the chosen file within the size limit,
// and the run counter that drops answers for a file the person has since replaced.
// `data` is the page data (rules_py/page_data.py) with `limits` and `fatal` (codes, titles, wording).
// The boxes keep the roster page's ids and classes (rc-*), so roster.css styles both pages.

import { fmtMB, h } from "./dom.js";
import { renderFatal, XLSX_TYPE } from "./roster-report.js";

// Spreadsheet-like files only, but the ones the check explains (.xls, .et, .csv) stay pickable.
export const ACCEPT = [".xlsx", ".xlsm", ".xls", ".et", ".csv", XLSX_TYPE, "application/vnd.ms-excel"].join(",");

/** The page data (JSON written by the build into assets/selfcheck/), fetched once. */
export function loadPageData(url) {
  const loaded = fetch(url, { cache: "no-cache" }).then((response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  });
  loaded.catch(() => {});
  return loaded;
}

export function showProgress(page, text, rows = null) {
  page.progress.hidden = false;
  page.progress.dataset.rows = rows === null ? "" : String(rows);
  page.progress.replaceChildren(h("p", {}, text), h("progress", { class: "sc-progress" }));
}

export function hideProgress(page) {
  page.progress.hidden = true;
  page.progress.replaceChildren();
}

/** The file's bytes, or null (the reason shown) when it is too large or cannot be read. */
export async function readFile(page, data, file, name, current) {
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
export function beginRun(page) {
  const mine = ++page.run;
  page.result.classList.add("rc-stale");
  page.result.setAttribute("aria-busy", "true");
  page.result.querySelector("#rc-download-link")?.remove();
  return () => mine === page.run;
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
 * The picker, progress line and result box, put into `root` before its #rc-limits line. Returns
 * the page state the functions above take: {root, dataReady, run, downloadUrl, inWechat, input,
 * drop, progress, result}. `before(picker)` may add what goes above the picker (the WeChat note).
 */
export function mountPicker(root, { title, dataReady, inWechat, onFile, before = () => {} }) {
  const page = {
    root, dataReady, run: 0, downloadUrl: null, inWechat,
    input: h("input", { type: "file", id: "rc-file", class: "rc-file-input", accept: ACCEPT, "aria-describedby": "rc-limits" }),
    drop: h("label", { class: "rc-drop", for: "rc-file" },
      h("span", { class: "rc-drop-title" }, title),
      h("span", { class: "rc-drop-hint" }, "Excel 工作簿（.xlsx）"),
      h("span", { class: "rc-drop-hint rc-drop-hint--desktop" }, "也可以把文件拖到这里")),
    progress: h("div", { class: "rc-progress", id: "rc-progress", role: "status", "aria-live": "polite", hidden: true }),
    result: h("section", { class: "rc-result", id: "rc-result", "aria-label": "检查结果" }),
  };
  setUpPicker(page, (file, several) => onFile(page, file, several));
  const picker = h("div", { class: "rc-pick" }, page.input, page.drop);
  root.insertBefore(picker, document.getElementById("rc-limits"));
  before(picker);
  root.append(page.progress, page.result);
  root.classList.add("rc-loaded");
  return page;
}
