// 申报人员学时核对: the page side. An HR clerk picks or drops a filled 申报人员学时核对表; the shared
// worker (selfcheck-client.js → selfcheck-worker.js) checks it with rules_py.applicants, every row
// judged by the same evaluate() as 学时自查, and applicants-report.js shows one line per person.
// window.selfCheck.checkApplicants is the same engine.
//
// One request does the check and the marked workbook: a unit's applicants are tens of rows, and
// 500 take under a second in desktop Chromium, marked workbook included (BENCHMARKS.md,
// "Applicants check"), so the report need not come before the workbook.
// Nothing leaves the browser; a file over the size limit never even reaches the worker.

import { IN_WECHAT, startSelfCheck } from "./selfcheck-client.js";
import { COPY_HINT, renderApplicantsReport } from "./applicants-report.js";
import { downloadBox } from "./roster-report.js";
import { checkChosenFile, mountPicker } from "./workbook-page.js";

const client = startSelfCheck({
  tool: "申报人员学时核对",
  waitHint: "可以先选择文件。",
  readyText: "✓ 核对程序已就绪：文件只在这台设备上读取，不会上传。",
  crashHint: "人数很多的，可以拆成几个文件分别核对。",
});

function checkFile(page, file, several = false) {
  return checkChosenFile(page, file, {
    client, verb: "核对", fallbackName: "申报人员学时核对表.xlsx",
    check: (buffer, filename, onProgress) => client.checkApplicants(buffer, { filename, annotate: true, onProgress }),
    render: (data, report) => {
      const answer = { annotated_xlsx: report.annotated_xlsx, annotation_error: report.annotation_error };
      renderApplicantsReport(page, data, report, several, downloadBox(page, report, answer, COPY_HINT));
    },
  });
}

// Limits, fatal codes, status names and clause citations: the page data (rules_py/page_data.py, applicants_data).
const root = document.getElementById("applicants");
if (root) mountPicker(root, { title: "选择申报人员学时核对表", dataName: "applicants", inWechat: IN_WECHAT, onFile: checkFile });
