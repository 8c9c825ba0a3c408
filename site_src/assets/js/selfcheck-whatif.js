// 学时自查: "what if" — fill every gap that can still be filled at once, or add some hours to one
// year and subject, and see the outcome the engine gives then. Which years can still be filled is
// the result's (each year's `open`, decided by the engine from the day of the check); the kind of
// training tried per subject is the page data's (what_if_kinds).

import { h } from "./dom.js";
import { subjectName } from "./selfcheck-form-fields.js";
import { toNumber } from "./selfcheck-person.js";

/** The years whose gaps matter: those the application needs, or every year when nothing is applied for. */
function gapYears(result) {
  const app = result.application;
  if (app.status === "no_application") return result.years.filter((y) => !y.met);
  if (app.status !== "not_met") return [];
  return result.years.filter((y) => !y.met && app.years_required.includes(y.year));
}

/**
 * Where the what-if starts, or null when there is nothing to fill: {gaps, years, pastYears, year,
 * subject, hours}. gaps: the short year blocks still open on the day of the check; years: the open
 * years a single trial offers; pastYears: the years already over, tried only on request; year,
 * subject, hours: the first open gap, its hours as the engine words them ("10" without a gap).
 */
export function whatIfStart(result, notice) {
  const short = gapYears(result);
  if (!short.length) return null;
  const gaps = short.filter((y) => y.open);
  const years = result.years.filter((y) => y.open).map((y) => y.year);
  const pastYears = result.years.filter((y) => !y.open).map((y) => y.year);
  const first = gaps[0] || short[0];
  const codes = notice.subjects.map((s) => s.code);
  const subject = codes.find((code) => first[`${code}_missing`] > 0) || codes[codes.length - 1];
  const year = gaps.length ? first.year : (years[0] ?? null);
  const hours = gaps.length ? first.hours_text[`${subject}_missing`] : "10";
  return { gaps, years, pastYears, year, subject, hours };
}

/** The person with one more activity: `hours` of `subject` in `year`. */
export function whatIfPerson(person, notice, { year, subject, hours }) {
  const trial = JSON.parse(JSON.stringify(person));
  trial.activities.push({ year, kind: notice.what_if_kinds[subject], hours });
  return trial;
}

/** The person with every gap of `gaps` (year blocks of the result) filled by the hours it lacks. */
export function fillAllPerson(person, notice, gaps) {
  const trial = JSON.parse(JSON.stringify(person));
  for (const gap of gaps) {
    for (const { code } of notice.subjects) {
      const missing = gap[`${code}_missing`];
      if (missing > 0) trial.activities.push({ year: gap.year, kind: notice.what_if_kinds[code], hours: missing });
    }
  }
  return trial;
}

/** What the trial changed: the application's status (or, with no application, the years' state). */
export function outcomeWords(notice, before, next, years) {
  const app = before.application;
  const status = next.application.status;
  if (notice.levels[app.level]?.years_only) {
    const stillShort = next.years.filter((y) => years.includes(y.year) && !y.met).map((y) => y.year);
    return stillShort.length ? `${stillShort.join("、")} 年仍未满足` : `${years.join("、")} 年将满足要求`;
  }
  return status !== app.status ? `结论由“${notice.statuses[app.status]}”变为“${notice.statuses[status]}”`
    : `结论仍是“${notice.statuses[status]}”`;
}

/** The answer's line and sentence: `what` says what was tried, `years` the years it touched. */
function answerLines(notice, before, next, what, years) {
  const onlyYears = notice.levels[before.application.level]?.years_only;
  const sentences = onlyYears ? next.years.filter((y) => years.includes(y.year)).map((y) => y.text) : [next.application.text];
  return [
    h("p", { class: "sc-whatif-line", dataset: { status: next.application.status } },
      what, h("strong", {}, outcomeWords(notice, before, next, years))),
    sentences.map((text) => h("p", {}, text)),
  ];
}

async function showTrial(page, answer, trial, lines) {
  try {
    const next = await page.evaluate(trial);
    answer.replaceChildren(...lines(next).flat());
  } catch (error) {
    answer.replaceChildren(h("p", { class: "sc-form-error" }, error.message));
  }
}

/** "补齐全部缺口": every open gap at once; or, when every short year is over, why nothing can be filled. */
function fillAllPart(page, result, person, start, answer) {
  const { notice } = page;
  if (!start.gaps.length) {
    return h("p", { class: "sc-hint sc-whatif-closed" }, "还差学时的年度按自查日期都已结束，不能再补学；下面仍可以选择已结束的年度试算。");
  }
  const years = start.gaps.map((y) => y.year);
  const what = `假如补齐全部缺口（${start.gaps.map((y) => y.text.replace(/。$/, "")).join("；")}）：`;
  return h("div", { class: "sc-whatif-all" },
    h("button", { type: "button", class: "md-button md-button--primary", id: "sc-whatif-all",
                  onclick: () => showTrial(page, answer, fillAllPerson(person, notice, start.gaps),
                    (next) => answerLines(notice, result, next, what, years)) }, "补齐全部缺口"),
    h("p", { class: "sc-hint" }, "按尚未结束的年度，把每一项所差的学时一次补齐后试算。"));
}

/** The year choices (newest first, as the form lists years); with none, 试算 waits for the past-years box. */
function yearChoices(select, button, start, withPast) {
  const years = [...start.years, ...(withPast ? start.pastYears : [])].sort((a, b) => b - a);
  const chosen = Number(select.value) || start.year;
  select.replaceChildren(...years.map((y) => h("option", { value: String(y), selected: y === chosen }, `${y} 年`)));
  select.disabled = button.disabled = !years.length;
}

/** One year and subject, `hours` more; past years only once the person ticks the box. */
function singleTrialPart(page, result, person, start, answer) {
  const { notice } = page;
  const yearSelect = h("select", { class: "sc-input", id: "sc-whatif-year", "aria-label": "年度" });
  const go = h("button", { type: "button", class: "md-button", id: "sc-whatif-go", onclick: () => tryIt() }, "试算");
  yearChoices(yearSelect, go, start, false);
  const pastBox = start.pastYears.length
    ? h("label", { class: "sc-choice sc-whatif-past" },
      h("input", { type: "checkbox", id: "sc-whatif-past", onchange: (e) => yearChoices(yearSelect, go, start, e.target.checked) }),
      h("span", { class: "sc-choice-text" }, `也试算已结束的年度（${start.pastYears.join("、")} 年）`))
    : null;
  const subjectSelect = h("select", { class: "sc-input", id: "sc-whatif-subject", "aria-label": "科目" },
    notice.subjects.map(({ code, label }) => h("option", { value: code, selected: code === start.subject }, label)));
  const hoursInput = h("input", { class: "sc-input sc-input--short", id: "sc-whatif-hours", type: "text",
    inputmode: "decimal", value: start.hours, "aria-label": "学时" });
  const tryIt = () => {
    const hours = toNumber(hoursInput.value);
    if (!hours || Number.isNaN(hours)) {
      answer.replaceChildren(h("p", { class: "sc-form-error" }, "请填写要增加的学时数，例如 15。"));
      return;
    }
    const extra = { year: Number(yearSelect.value), subject: subjectSelect.value, hours };
    const what = `假如 ${extra.year} 年再完成${subjectName(notice, extra.subject)} ${hoursInput.value.trim()} 学时：`;
    showTrial(page, answer, whatIfPerson(person, notice, extra), (next) => answerLines(notice, result, next, what, [extra.year]));
  };
  // With no open year the box comes first: it is the step before any choice.
  const openYears = start.years.length > 0;
  return h("div", { class: "sc-whatif-one" },
    h("p", { class: "sc-hint" }, start.gaps.length ? "或者只试一个年度、一个科目：" : "选一个年度、一个科目试算："),
    openYears ? null : pastBox,
    h("div", { class: "sc-whatif-controls" },
      h("div", { class: "sc-whatif-pick" }, yearSelect, subjectSelect),
      h("label", { class: "sc-whatif-amount" }, h("span", {}, "再完成"), hoursInput, h("span", {}, "学时")),
      go),
    openYears ? pastBox : null);
}

export function whatIf(page, result, person) {
  const start = whatIfStart(result, page.notice);
  if (!start) return null;
  const answer = h("div", { class: "sc-whatif-answer", "aria-live": "polite" });
  return h("section", { class: "sc-whatif" },
    h("h3", {}, "假如再学一些"),
    h("p", { class: "sc-hint" }, "试算补学以后的结论（不改动上面填写的记录）。"),
    fillAllPart(page, result, person, start, answer),
    singleTrialPart(page, result, person, start, answer),
    answer);
}
