// 花名册自查: the page side. A person drops or picks a filled 花名册; the shared worker
// (selfcheck-client.js → selfcheck-worker.js) checks it with rules_py.roster and roster-report.js
// shows the report, roster-preview.js the first rows. window.selfCheck.checkRoster is the same engine.
//
// Order of work, so that the person sees the report as early as possible: the check (progress in
// rows read), then the preview rows, then the marked workbook (the slowest part).
// Nothing leaves the browser; a file over the size limit never even reaches the worker.

import { IN_WECHAT, startSelfCheck } from "./selfcheck-client.js";
import { previewTable } from "./roster-preview.js";
import { downloadBox, otherPageHint, renderReport, unknownHeaders } from "./roster-report.js";
import { checkChosenFile, mountPicker } from "./workbook-page.js";

const PREVIEW_ROWS = 10;     // rows with problems drawn as a small sheet

const client = startSelfCheck({
  tool: "花名册自查",
  waitHint: "可以先选择文件。",
  readyText: "✓ 检查程序已就绪：文件只在这台设备上读取，不会上传。",
  crashHint: "文件很大的，可以拆成几个文件分别检查。",
});

/** After the report: the preview rows, then the marked workbook, each into its slot. */
function fillSlots(page, data, report, parts, current) {
  client.roster.preview(PREVIEW_ROWS).then(
    (preview) => { if (current()) parts.preview.replaceWith(previewTable(data, report, preview)); },
    () => { if (current()) parts.preview.remove(); });
  client.roster.annotate().then(
    (answer) => { if (current()) parts.download.replaceWith(downloadBox(page, report, answer)); },
    (error) => { if (current()) parts.download.replaceWith(downloadBox(page, report, { annotation_error: error.message })); });
}

function checkFile(page, file, several = false) {
  return checkChosenFile(page, file, {
    client, verb: "检查", fallbackName: "花名册.xlsx",
    check: (buffer, filename, onRows) => client.roster.check(buffer, { filename, onRows }),
    render: (data, report, current) => {
      const parts = renderReport(page, data, report, several);
      if (looksLikeApplicants(report)) page.result.prepend(applicantsHint());
      if (report.problems.length) fillSlots(page, data, report, parts, current);
    },
  });
}

// A 申报人员学时核对表 checked here by mistake: its 申报类别 and per-year hour columns are headers
// the roster does not know.
function looksLikeApplicants(report) {
  return unknownHeaders(report).some((header) => header === "申报类别" || /^\d{4}年(公需|专业)科目学时$/.test(header));
}

function applicantsHint() {
  return otherPageHint("rc-applicants-hint", "这是申报人员学时核对表吗？",
    "这个文件有“申报类别”和各年度学时等栏目。要逐人核对学时是否满足职称申报要求，请到",
    "../applicants/", "申报人员学时核对", "页面选择这个文件。");
}

// Limits, codes, severities and column names: the page data (rules_py/page_data.py, roster_data).
const root = document.getElementById("roster");
if (root) mountPicker(root, { title: "选择花名册文件", dataName: "roster", inWechat: IN_WECHAT, onFile: checkFile });
