// 学时自查: the page side. Starts the engine at once (selfcheck-client.js, shared with 花名册自查),
// loads the page data (rules_py/page_data.py, written by the build as selfcheck/<notice id>.json),
// builds the form (selfcheck-form.js), keeps the answers (selfcheck-answers.js) and shows the
// result (selfcheck-result.js). One object, `page`, holds this page's state and is passed along.
// Nothing leaves the browser: the worker and every file it loads come from this site.

import { h, startSelfCheck } from "./selfcheck-client.js";
import { blankAnswers, loadAnswers, saveAnswers } from "./selfcheck-answers.js";
import { doorSection } from "./selfcheck-door.js";
import { markField, renderForm, setUpForm } from "./selfcheck-form.js";
import { buildPerson, formProblem, isoDay, pathForField, rowIsEmpty } from "./selfcheck-person.js";
import { renderResult } from "./selfcheck-result.js";

const root = document.getElementById("selfcheck");
const { engine, evaluate, followProgress } = startSelfCheck({ tool: "学时自查", waitHint: "可以先填写下面的内容。" });

/** Empty rows before the last one go, so that "第 n 条" on screen is the engine's activity n. */
function dropEmptyRows(page) {
  const rows = page.answers.activities;
  const kept = rows.filter((row, i) => i === rows.length - 1 || !rowIsEmpty(row));
  if (kept.length === rows.length) return;
  page.answers.activities = kept;
  renderForm(page);
  saveAnswers(page);
}

/** The engine's answer was an error: under its field, or instead of the result when the engine failed. */
function showCheckError(page, error, quiet) {
  if (error.internal || engine.failure) {
    page.resultBox.replaceChildren(h("p", { class: "sc-alert" }, error.message));
    return;
  }
  page.resultBox.querySelector(".sc-card")?.classList.add("sc-stale");
  if (!quiet || error.field) {
    const box = markField(page, pathForField(error.field, page.answers, page.notice), error.message);
    if (!quiet) box.scrollIntoView({ block: "center", behavior: "smooth" });
  }
}

/** Check the answers; `quiet` (after a change, once a result is shown): no scrolling, no alert. */
async function check(page, { quiet = false } = {}) {
  dropEmptyRows(page);
  const problem = formProblem(page.answers, page.notice);
  if (problem) {
    if (!quiet) markField(page, problem.path, problem.message).scrollIntoView({ block: "center", behavior: "smooth" });
    else page.resultBox.querySelector(".sc-card")?.classList.add("sc-stale");
    return;
  }
  const person = buildPerson(page.answers, page.notice, isoDay(new Date()));
  if (!engine.info && !engine.failure) {
    // Beside the button just pressed, in view: the status box at the top is screens away on a phone.
    followProgress(page.waitBox);
    if (!quiet) page.waitBox.scrollIntoView({ block: "nearest" });
  }
  try {
    const result = await evaluate(person);
    page.answers.checked = true;
    page.autoUpdate = true;
    saveAnswers(page);
    renderResult(page, result, person);
    if (!quiet) page.resultBox.scrollIntoView({ block: "start", behavior: "smooth" });
  } catch (error) {
    showCheckError(page, error, quiet);
  }
}

async function loadNotice(noticeId) {
  const response = await fetch(new URL(`../selfcheck/${noticeId}.json`, import.meta.url), { cache: "no-cache" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

/**
 * This page's state: the page data (`notice`), the answers and how they were restored and saved
 * (`answers`, `restoreProblem`, `storageWorks`, under `storageKey`, the root's data-storage-key
 * written by templates/selfcheck.md.j2), whether a change checks again (`autoUpdate`,
 * `updateTimer`), the 清除 button's confirmation timer (`clearArmed`), the elements (`root`, `form`,
 * `formError`, `resultBox`, `waitBox` — the loading progress beside 核对学时), `evaluate` (the engine) and `changed(rerender)` (selfcheck-form.js).
 */
function newPage(notice) {
  const page = {
    root, notice, storageKey: root.dataset.storageKey, evaluate,
    answers: null, restoreProblem: null, storageWorks: true,
    autoUpdate: false, updateTimer: null, clearArmed: null,
    resultBox: h("section", { class: "sc-results", id: "sc-results", "aria-label": "自查结果" }),
    waitBox: h("div", { class: "sc-wait", id: "sc-wait", role: "status", hidden: true }),
  };
  setUpForm(page, () => check(page, { quiet: true }));
  page.form.addEventListener("submit", (event) => {
    event.preventDefault();
    check(page);
  });
  return page;
}

async function start() {
  if (!root) return;
  let notice;
  try {
    if (!root.dataset.notice || !root.dataset.storageKey) throw new Error("页面缺少 data-notice 或 data-storage-key");
    notice = await loadNotice(root.dataset.notice);
  } catch (error) {
    root.append(h("p", { class: "sc-alert" }, "自查表格未能加载（", String(error.message || error), "）。请刷新页面重试。"));
    return;
  }
  const page = newPage(notice);
  page.answers = loadAnswers(page);
  root.append(page.form, page.resultBox, doorSection(page, engine));
  try {
    renderForm(page);
  } catch (error) {
    // Saved answers that passed the checks and still break the form: start blank.
    console.warn("selfcheck: the saved answers could not be shown", error);
    page.answers = blankAnswers(notice);
    page.restoreProblem = "unreadable";
    renderForm(page);
  }
  root.classList.add("sc-loaded");
  if (page.answers.checked) {
    page.autoUpdate = true;
    check(page, { quiet: true });
  }
}

start();
