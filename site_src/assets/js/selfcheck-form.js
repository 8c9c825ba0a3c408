// 学时自查: the form, drawn again from page.answers after every change that alters its shape, and
// the messages under its fields.

import { h } from "./dom.js";
import { blankAnswers, blankRow, forgetAnswers, restoreNote, saveAnswers, storageNote } from "./selfcheck-answers.js";
import { clauseLink } from "./selfcheck-clauses.js";
import { activityRow, checkRow, choiceGroup, chosenYear, circumstanceRows, field, yearOptions } from "./selfcheck-form-fields.js";
import { clauseRequiring } from "./selfcheck-person.js";

/** The form's elements and page.changed; `recheck` runs the check again after a change, quietly. */
export function setUpForm(page, recheck) {
  page.form = h("form", { class: "sc-form", novalidate: true, autocomplete: "off" });
  page.formError = h("p", { class: "sc-form-error", role: "alert", hidden: true });
  page.changed = (rerender = false) => {
    if (rerender) renderForm(page);
    saveAnswers(page);
    clearFieldErrors(page);
    if (page.autoUpdate) {
      clearTimeout(page.updateTimer);
      page.updateTimer = setTimeout(recheck, 350);
    }
  };
}

export function clearFieldErrors(page) {
  page.formError.hidden = true;
  for (const el of page.form.querySelectorAll(".sc-invalid")) el.classList.remove("sc-invalid");
  for (const el of page.form.querySelectorAll(".sc-field-error")) el.remove();
}

// The message goes beside the button (read out: role=alert) and under the field itself, where the
// page scrolls to: on a phone the button is screens away from most fields.
export function markField(page, path, message) {
  clearFieldErrors(page);
  page.formError.hidden = false;
  page.formError.textContent = message;
  const box = path ? page.form.querySelector(`[data-path="${path}"]`) : null;
  if (!box) return page.formError;
  box.classList.add("sc-invalid");
  box.append(h("p", { class: "sc-field-error" }, message));
  return box;
}

function levelHint(page) {
  const spec = page.notice.levels[page.answers.level];
  return [spec.hint.by_year[String(chosenYear(page))], clauseLink(page.notice, spec.hint.clause)];
}

function textInput(page, key, id, placeholder) {
  return h("input", { id, class: "sc-input sc-input--short", type: "text", inputmode: "numeric", maxlength: 2,
                      value: page.answers[key], placeholder,
                      oninput: (e) => { page.answers[key] = e.target.value; page.changed(false); } });
}

function applicationSection(page) {
  const { answers, notice } = page;
  const level = notice.levels[answers.level];
  return h("section", { class: "sc-section" },
    h("h2", {}, "1. 申报什么"),
    field("申报类别", h("select", { id: "sc-level", class: "sc-input", onchange: (e) => { answers.level = e.target.value; page.changed(true); } },
      notice.level_order.map((code) => h("option", { value: code, selected: answers.level === code }, notice.levels[code].option))),
    { path: "level", hint: levelHint(page) }),
    field(level.years_only ? "核对到哪一年" : notice.form.application_year_label, h("select", { id: "sc-year", class: "sc-input",
      onchange: (e) => { answers.year = Number(e.target.value); page.changed(true); } },
      yearOptions(chosenYear(page), notice.application_years)),
    { path: "year", hint: level.years_only ? null : notice.form.application_year_hint }),
    level.asks_assessment_years
      ? field("考核认定要求的年限（年）", textInput(page, "assessment_years", "sc-assessment-years", "例如 1"),
        { path: "assessment_years", hint: "按考核认定的要求填写；不清楚的请问单位人事部门。" })
      : null,
    level.evaluation ? checkRow(page, { key: "exceptional", label: "破格申报",
      explain: "按实际任职年限（年度）完成学时要求。", clause: notice.exemptions.exceptional.clause,
      more: () => field("实际任职年限（年）", textInput(page, "years_in_post", "sc-years-in-post", "例如 2"),
        { path: "years_in_post", cls: "sc-sub" }) })
      : null);
}

function ageHint(notice) {
  const a = notice.exemptions.age_not_restrictive;
  const b = notice.exemptions.age_one_year;
  return [`用于按年龄减免：男满 ${a.male_age}、女满 ${a.female_age} 周岁，学时不作为限制性条件；`,
    `男满 ${b.male_age}、女满 ${b.female_age} 周岁，近三年中完成一个年度即可。`, clauseLink(notice, a.clause)];
}

function personSection(page) {
  const { answers, notice } = page;
  const nonPublic = notice.exemptions.non_public_or_grassroots;
  return h("section", { class: "sc-section" },
    h("h2", {}, "2. 您的情况"),
    choiceGroup("sex", "性别", [{ value: "male", label: "男" }, { value: "female", label: "女" }], answers.sex,
      { onchange: (v) => { answers.sex = v; page.changed(false); } }),
    field("出生日期", h("input", { id: "sc-birth-date", class: "sc-input", type: "date", value: answers.birth_date,
      min: notice.birth_date.min, max: notice.birth_date.max,
      onchange: (e) => { answers.birth_date = e.target.value; page.changed(false); } }), { path: "birth_date", hint: ageHint(notice) }),
    choiceGroup("unit", "工作单位", [
      { value: "public_institution", label: "事业单位",
        explain: ["单位组织的岗前、在岗、转岗、专项培训学时可以计入。", clauseLink(notice, clauseRequiring(notice, "public_institution"))] },
      { value: "non_public_sector", label: "非公有制经济组织（民营企业等）",
        explain: [`参加 ${(nonPublic.evaluation_years || []).join("、")} 年度职称评审时，学时不作为限制性条件。`,
          clauseLink(notice, nonPublic.clause)] },
      { value: "other", label: "其他（国有企业等）" },
    ], answers.unit, { onchange: (v) => { answers.unit = v; page.changed(true); } }));
}

function addRow(page) {
  const activities = page.answers.activities;
  const last = activities[activities.length - 1];
  activities.push(blankRow(last ? last.year : page.notice.year));
  page.changed(true);
  document.getElementById(`sc-row-${activities.length - 1}-kind`)?.focus();
}

function recordsSection(page) {
  return h("section", { class: "sc-section" },
    h("h2", {}, "3. 培训记录"),
    h("p", { class: "sc-hint" }, "按证书或学时证明，一条一条填写。考试合格的职业资格考试也填在这里。"),
    h("ol", { class: "sc-rows" }, page.answers.activities.map((row, index) => activityRow(page, row, index))),
    h("button", { type: "button", class: "md-button sc-add", onclick: () => addRow(page) }, "＋ 添加一条培训记录"));
}

// "其他情况": closed until the person opens it (or something in it is already ticked).
function moreSection(page) {
  const a = page.answers;
  const open = a.moreOpen ?? (a.grassroots_frontline || a.postdoc_qualifies || a.epidemic || a.transferred ||
    a.high_skilled_talent || a.primary_secondary_teacher);
  const toggle = h("button", { type: "button", class: "sc-disclosure", "aria-expanded": open ? "true" : "false",
                               "aria-controls": "sc-more-body", id: "sc-more-toggle",
                               onclick: () => { a.moreOpen = !open; page.changed(true); } },
    h("span", {}, "4. 其他情况（可选）"), h("span", { class: "sc-disclosure-mark", "aria-hidden": "true" }, open ? "收起" : "展开"));
  return h("section", { class: "sc-section sc-more" },
    h("h2", {}, toggle),
    h("p", { class: "sc-hint" }, "基层一线、出站博士后、疫情防控一线、从党政机关转任、高技能人才、中小学教师。"),
    open ? h("div", { id: "sc-more-body" },
      h("p", { class: "sc-hint" }, "符合下面任何一项的，勾选后会按相应条款计算。"),
      circumstanceRows(page).map((row) => checkRow(page, row))) : null);
}

/** Forget everything: the saved answers, the result, the messages. */
function clearAll(page) {
  forgetAnswers(page);
  page.answers = blankAnswers(page.notice);
  page.restoreProblem = null;
  page.autoUpdate = false;
  page.resultBox.replaceChildren();
  page.formError.hidden = true;
  renderForm(page);
  page.root.querySelector(".sc-status")?.scrollIntoView({ block: "nearest" });
}

// "清除" asks once more before it forgets.
function clearButton(page) {
  const button = h("button", { type: "button", class: "md-button sc-clear", onclick: () => {
    if (!page.clearArmed) {
      button.textContent = "再点一次，确认清除";
      button.classList.add("sc-clear--armed");
      page.clearArmed = setTimeout(() => {
        page.clearArmed = null;
        button.textContent = "清除";
        button.classList.remove("sc-clear--armed");
      }, 5000);
      return;
    }
    clearTimeout(page.clearArmed);
    page.clearArmed = null;
    clearAll(page);
  } }, "清除");
  return button;
}

export function renderForm(page) {
  const focusedPath = document.activeElement?.id;
  page.form.replaceChildren(...[
    restoreNote(page.restoreProblem), // null when nothing was lost; replaceChildren would show "null"
    applicationSection(page),
    personSection(page),
    recordsSection(page),
    moreSection(page),
    page.formError,
    h("div", { class: "sc-actions" },
      h("button", { type: "submit", class: "md-button md-button--primary sc-submit" }, "核对学时"),
      clearButton(page)),
    page.waitBox,
    storageNote(page.storageWorks),
  ].filter(Boolean));
  if (focusedPath) document.getElementById(focusedPath)?.focus();
}
