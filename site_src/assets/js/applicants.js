// 申报人员学时核对: the page side. An HR clerk picks or drops a filled 申报人员学时核对表; the shared
// worker (selfcheck-client.js → selfcheck-worker.js) checks it with rules_py.applicants, every row
// judged by the same evaluate() as 学时自查, and applicants-report.js shows one line per person.
// window.selfCheck.checkApplicants is the same engine.
//
// One request does the check and the marked workbook: a unit's applicants are tens of rows, and
// 500 take about a second in desktop Chromium (BENCHMARKS.md), so the report waits for nothing slow.
// Nothing leaves the browser; a file over the size limit never even reaches the worker.

import { h, IN_WECHAT, startSelfCheck } from "./selfcheck-client.js";
import { COPY_HINT, renderApplicantsReport } from "./applicants-report.js";
import { downloadBox, dropDownload, renderFatal, show, wechatNote } from "./roster-report.js";
import { beginRun, hideProgress, loadPageData, mountPicker, readFile, showProgress } from "./workbook-page.js";

const client = startSelfCheck({
  tool: "申报人员学时核对",
  waitHint: "可以先选择文件。",
  readyText: "✓ 核对程序已就绪：文件只在这台设备上读取，不会上传。",
  crashHint: "人数很多的，可以拆成几个文件分别核对。",
});

/** The engine's report with the marked workbook, or null (the reason shown) when it did not finish. */
async function runCheck(page, buffer, name, current) {
  const checking = `正在核对“${name}”……`;
  const waiting = !client.engine.info;
  showProgress(page, waiting ? `已选择“${name}”。核对程序还在加载，加载完成后自动开始核对……` : checking);
  if (waiting) client.ready.then(() => { if (current() && !page.progress.dataset.rows) showProgress(page, checking); }, () => {});
  try {
    return await client.checkApplicants(buffer, {
      filename: name, annotate: true,
      onProgress: (rows) => { if (current()) showProgress(page, `${checking}已读取 ${rows} 行`, rows); },
    });
  } catch (error) {
    if (current()) {
      hideProgress(page);
      renderFatal(page, name, { code: "engine", title: "核对没有完成", message: error.message });
    }
    return null;
  }
}

async function checkFile(page, file, several = false) {
  const current = beginRun(page); // answers for the files chosen before this one are dropped
  dropDownload(page);
  const name = file.name || "申报人员学时核对表.xlsx";
  let data;
  try {
    data = await page.dataReady;
  } catch (error) {
    hideProgress(page);
    show(page, h("p", { class: "sc-alert" }, "核对所需的数据未能加载，请刷新页面重试。"));
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
  const answer = { annotated_xlsx: report.annotated_xlsx, annotation_error: report.annotation_error };
  renderApplicantsReport(page, data, report, several, downloadBox(page, report, answer, COPY_HINT));
}

const root = document.getElementById("applicants");
if (root) {
  const noticeId = root.dataset.notice;
  const dataReady = noticeId
    ? loadPageData(new URL(`../selfcheck/applicants-${noticeId}.json`, import.meta.url))
    : Promise.reject(new Error("the page names no notice (data-notice)"));
  dataReady.catch(() => {});
  mountPicker(root, {
    title: "选择申报人员学时核对表", dataReady, inWechat: IN_WECHAT, onFile: checkFile,
    before: (picker) => { if (IN_WECHAT) root.insertBefore(wechatNote("top"), picker); },
  });
}
