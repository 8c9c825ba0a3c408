// 学时自查's door to the 申报人员学时核对表 (rules_py/applicants/door.py): "保存为核对表" downloads the
// checked answers as one row of the form, for the person to send to HR, who collect the rows in one
// file; "从核对表读取" fills the form from such a workbook (a row chosen when it has several).
// The workbook tools (openpyxl) are not part of the page's first visit: they load, with their
// progress beside the buttons, when the person presses one (the worker's loadTools).

import { fmtMB, h } from "./dom.js";
import { loadTools, readPersonRows, savePersonRow } from "./engine-requests.js";
import { restoreAnswers, saveAnswers } from "./selfcheck-answers.js";
import { renderForm } from "./selfcheck-form.js";
import { answersFromPerson, buildPerson, formProblem, isoDay } from "./selfcheck-person.js";

const TOOLS = ["xlsx"];
const XLSX_TYPES = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Say `parts` in the door's status line; `alert` for what went wrong. */
function say(door, parts, { alert = false } = {}) {
  const shown = [parts].flat(Infinity).filter(Boolean);
  door.status.className = `sc-door-status${alert ? " sc-form-error" : ""}`;
  door.status.replaceChildren(...shown);
  door.status.hidden = !shown.length;
}

/** The workbook tools, loaded once; their progress in the status line while they come. */
async function tools(door) {
  const { engine } = door;
  if (!engine.info && !engine.failure) {
    say(door, "自查程序还在加载，加载完成后继续……");
    await engine.ready;
  }
  door.toolsLoad ??= loadTools(engine, TOOLS, ({ received, expected, importing }) => {
    if (importing) return say(door, "正在载入表格工具……");
    const bar = h("progress", { max: 100, value: expected ? Math.min(99, Math.floor((100 * received) / expected)) : 0,
                                class: "sc-progress", "aria-label": "表格工具下载进度" });
    say(door, [h("span", {}, `正在下载表格工具（${fmtMB(received)} / ${fmtMB(expected)} MB，只在第一次使用时下载）……`), bar]);
  });
  try {
    await door.toolsLoad;
  } catch (error) {
    door.toolsLoad = null; // the next press tries again
    throw error;
  }
  say(door, null);
}

function download(bytes, filename) {
  const url = URL.createObjectURL(new Blob([bytes], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }));
  const link = h("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// -- 保存为核对表 --------------------------------------------------------------------------------

function savePanel(door) {
  const name = h("input", { id: "sc-door-name", class: "sc-input", type: "text", maxlength: 30, autocomplete: "name",
                            value: door.details.name, oninput: (e) => { door.details.name = e.target.value; } });
  const idNumber = h("input", { id: "sc-door-id", class: "sc-input", type: "text", maxlength: 18, autocomplete: "off",
                                spellcheck: "false", value: door.details.id_number,
                                oninput: (e) => { door.details.id_number = e.target.value; } });
  return h("div", { class: "sc-door-panel", id: "sc-door-save-panel" },
    h("p", { class: "sc-hint" }, "姓名和身份证号码可以现在填写，也可以不填、由人事干部在表中补填。",
      "它们只写进下载的文件，不会保存在本站或这台设备上。"),
    h("div", { class: "sc-field" }, h("label", { class: "sc-label", for: "sc-door-name" }, "姓名（可不填）"), name),
    h("div", { class: "sc-field" }, h("label", { class: "sc-label", for: "sc-door-id" }, "身份证号码（可不填）"), idNumber,
      h("p", { class: "sc-hint" }, "填了的，须与上面填写的性别、出生日期一致。")),
    h("div", { class: "sc-door-actions" },
      h("button", { type: "button", class: "md-button md-button--primary", id: "sc-door-download",
                    onclick: () => saveRow(door) }, "下载核对表"),
      h("button", { type: "button", class: "md-button", onclick: () => closePanel(door) }, "取消")));
}

function closePanel(door) {
  door.panel.replaceChildren();
  door.saveButton.setAttribute("aria-expanded", "false");
}

/** Why the current answers cannot be a row of the sheet, or null: the form's own problem first,
 * then the page data's refusals (rules_py/applicants/door.py, refusals), looked up by what each rests on. */
function saveProblem(page) {
  const problem = formProblem(page.answers, page.notice);
  if (problem) return `请先改正上面的填写：${problem.message}`;
  const { level, year, assessment_years: length } = buildPerson(page.answers, page.notice).application;
  const refusals = page.notice.door_refusals;
  return refusals[level] || refusals[`${level}|${year}`] || refusals[`${level}|${year}|${length}`] || null;
}

function openSave(door) {
  if (door.panel.querySelector("#sc-door-save-panel")) return;
  const problem = saveProblem(door.page);
  if (problem) {
    say(door, [h("strong", {}, "不能保存为核对表："), problem], { alert: true });
    return;
  }
  door.panel.replaceChildren(savePanel(door));
  door.saveButton.setAttribute("aria-expanded", "true");
  say(door, null);
  tools(door).catch(() => {}); // start the download while the person types; a failure shows at 下载
  door.panel.querySelector("#sc-door-name").focus();
}

async function saveRow(door) {
  const { page } = door;
  const problem = saveProblem(page);  // the answers may have changed while the panel was open
  if (problem) {
    say(door, [h("strong", {}, "没有保存："), problem], { alert: true });
    return;
  }
  const person = buildPerson(page.answers, page.notice, isoDay(new Date()));
  try {
    await tools(door);
    say(door, "正在生成核对表……");
    const answer = await savePersonRow(door.engine, person,
      { name: door.details.name.trim(), id_number: door.details.id_number.trim() });
    if (answer.problems.length) {
      say(door, [h("strong", {}, "没有保存："), answer.problems.map((p) => h("span", {}, p.message, p.hint ? ` ${p.hint}` : ""))],
        { alert: true });
      return;
    }
    download(answer.workbook, answer.filename);
    closePanel(door);
    say(door, [`已下载“${answer.filename}”。请把它发给单位人事干部。`,
      answer.missing.length ? `表中的${answer.missing.join("、")}是空的，请人事干部补填。` : ""]);
  } catch (error) {
    say(door, error.message, { alert: true });
  }
}

// -- 从核对表读取 --------------------------------------------------------------------------------

function rowLabel(page, row) {
  const level = row.person ? page.notice.levels[row.person.application.level] : null;
  const what = level ? `，${row.person.application.year} 年${level.option || level.label}` : "";
  return `第 ${row.row} 行${row.name ? ` ${row.name}` : ""}${what}`;
}

function fill(door, row) {
  const { page } = door;
  const { answers } = restoreAnswers(answersFromPerson(row.person, page.notice), page.notice);
  page.answers = answers;
  page.restoreProblem = null;
  page.autoUpdate = false;
  page.resultBox.replaceChildren();
  renderForm(page);
  saveAnswers(page);
  door.panel.replaceChildren();
  say(door, `已按核对表${rowLabel(page, row)}填好上面的表格（原来填写的内容已替换）。请核对后点“核对学时”。`);
  page.form.scrollIntoView({ block: "start", behavior: "smooth" });
}

function problemList(problems) {
  return problems.length ? h("ul", { class: "sc-door-problems" }, problems.map((p) => h("li", {}, p.message, p.hint ? ` ${p.hint}` : ""))) : null;
}

function chooser(door, read) {
  const { page } = door;
  const usable = read.rows.filter((row) => row.person).length;
  return h("div", { class: "sc-door-panel sc-door-choose", id: "sc-door-choose" },
    h("p", { class: "sc-label", id: "sc-door-choose-title" },
      `“${read.file}”中有 ${read.rows.length} 行人员，请选择要读取的一行${usable < read.rows.length ? "（有错误的行不能读取）" : ""}：`),
    h("ul", { class: "sc-door-rows", "aria-labelledby": "sc-door-choose-title" }, read.rows.map((row) => h("li", {},
      row.person
        ? h("button", { type: "button", class: "md-button sc-door-row", onclick: () => fill(door, row) }, rowLabel(page, row))
        : h("p", { class: "sc-door-row sc-door-row--bad" }, `${rowLabel(page, row)}：有错误，不能读取`),
      problemList(row.problems)))),
    h("button", { type: "button", class: "sc-link-button", onclick: () => { door.panel.replaceChildren(); say(door, null); } }, "取消"));
}

async function readFile(door, file) {
  door.panel.replaceChildren();
  try {
    await tools(door);
    say(door, `正在读取“${file.name}”……`);
    const read = await readPersonRows(door.engine, file, file.name);
    if (read.fatal) {
      say(door, [`未能读取“${file.name}”：`, read.fatal.message], { alert: true });
      return;
    }
    if (!read.rows.length) {
      say(door, `“${file.name}”中没有找到人员行。请选择填好的申报人员学时核对表。`, { alert: true });
      return;
    }
    if (read.rows.length === 1 && read.rows[0].person) {
      fill(door, read.rows[0]);
      return;
    }
    say(door, null);
    door.panel.replaceChildren(chooser(door, read));
    door.panel.querySelector(".sc-door-row")?.focus?.();
  } catch (error) {
    say(door, error.message, { alert: true });
  }
}

/**
 * The door's section for `page` (selfcheck.js); `engine` is the page's engine state
 * (selfcheck-client.js). 保存为核对表 shows once the page shows a result card.
 */
export function doorSection(page, engine) {
  const door = { page, engine, toolsLoad: null, details: { name: "", id_number: "" } };
  const picker = h("input", { type: "file", accept: XLSX_TYPES, hidden: true, id: "sc-door-file",
                              onchange: (e) => {
                                const [file] = e.target.files;
                                e.target.value = "";
                                if (file) readFile(door, file);
                              } });
  door.saveButton = h("button", { type: "button", class: "md-button", id: "sc-door-save", hidden: true,
                                  "aria-expanded": "false", "aria-controls": "sc-door-panel", onclick: () => openSave(door) },
    "保存为核对表");
  const readButton = h("button", { type: "button", class: "md-button", id: "sc-door-read", onclick: () => {
    tools(door).catch(() => {}); // download while the person picks the file
    picker.click();
  } }, "从核对表读取");
  door.status = h("div", { class: "sc-door-status", role: "status", "aria-live": "polite", hidden: true });
  door.panel = h("div", { id: "sc-door-panel" });
  const showSave = () => {
    door.saveButton.hidden = !page.resultBox.querySelector(".sc-card");
    if (door.saveButton.hidden) closePanel(door);
  };
  new MutationObserver(showSave).observe(page.resultBox, { childList: true });
  showSave();
  return h("section", { class: "sc-door", id: "sc-door", "aria-labelledby": "sc-door-title" },
    h("h2", { id: "sc-door-title" }, "申报人员学时核对表"),
    h("p", { class: "sc-hint" }, "申报职称的，核对学时后可以“保存为核对表”，把这一行发给单位人事干部，",
      "由他们把各人的行汇总到一个《申报人员学时核对表》里统一核对；收到核对表的，也可以“从核对表读取”，填好上面的表格。"),
    h("div", { class: "sc-door-actions" }, door.saveButton, readButton, picker),
    door.status,
    door.panel);
}
