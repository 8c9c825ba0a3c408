// 学时自查: "what if" — add some hours to one year and subject, and see the outcome the engine
// gives then. The kind of training tried per subject is the page data's (what_if_kinds).

import { h } from "./dom.js";
import { subjectName } from "./selfcheck-form-fields.js";
import { toNumber } from "./selfcheck-person.js";

/**
 * Where the what-if starts, or null when no year can be tried: {years, year, subject, hours}, the
 * year and subject of the first gap and its hours as the engine words them ("10" without a gap).
 */
export function whatIfStart(result, notice) {
  const app = result.application;
  const years = result.years.map((y) => y.year);
  const open = app.status === "not_met" || (app.status === "no_application" && result.years.some((y) => !y.met));
  if (!years.length || !open) return null;
  const firstGap = app.missing[0] || result.years.find((y) => !y.met);
  const year = firstGap ? firstGap.year : years[years.length - 1];
  const row = result.years.find((y) => y.year === year);
  const codes = notice.subjects.map((s) => s.code);
  const subject = codes.find((code) => row?.[`${code}_missing`] > 0) || codes[codes.length - 1];
  const hours = row?.[`${subject}_missing`] ? row.hours_text[`${subject}_missing`] : "10";
  return { years, year, subject, hours };
}

/** The person with one more activity: `hours` of `subject` in `year`. */
export function whatIfPerson(person, notice, { year, subject, hours }) {
  const trial = JSON.parse(JSON.stringify(person));
  trial.activities.push({ year, kind: notice.what_if_kinds[subject], hours });
  return trial;
}

/** The answer's line and sentence, compared with the result before. */
function answerLines(notice, before, next, { year, subject, hours }) {
  const app = before.application;
  const status = next.application.status;
  const nextYear = next.years.find((y) => y.year === year);
  const onlyYears = notice.levels[app.level]?.years_only;
  const outcome = onlyYears
    ? (nextYear?.met ? `${year} 年将满足要求` : `${year} 年仍未满足`)
    : status !== app.status ? `结论由“${notice.statuses[app.status]}”变为“${notice.statuses[status]}”`
      : `结论仍是“${notice.statuses[status]}”`;
  return [
    h("p", { class: "sc-whatif-line", dataset: { status } },
      `假如 ${year} 年再完成${subjectName(notice, subject)} ${hours} 学时：`, h("strong", {}, outcome)),
    h("p", {}, onlyYears ? nextYear?.text : next.application.text),
  ];
}

export function whatIf(page, result, person) {
  const { notice } = page;
  const start = whatIfStart(result, notice);
  if (!start) return null;
  const yearSelect = h("select", { class: "sc-input", id: "sc-whatif-year", "aria-label": "年度" },
    start.years.map((y) => h("option", { value: String(y), selected: y === start.year }, `${y} 年`)));
  const subjectSelect = h("select", { class: "sc-input", id: "sc-whatif-subject", "aria-label": "科目" },
    notice.subjects.map(({ code, label }) => h("option", { value: code, selected: code === start.subject }, label)));
  const hoursInput = h("input", { class: "sc-input sc-input--short", id: "sc-whatif-hours", type: "text",
    inputmode: "decimal", value: start.hours, "aria-label": "学时" });
  const answer = h("div", { class: "sc-whatif-answer", "aria-live": "polite" });

  async function tryIt() {
    const hours = toNumber(hoursInput.value);
    if (!hours || Number.isNaN(hours)) {
      answer.replaceChildren(h("p", { class: "sc-form-error" }, "请填写要增加的学时数，例如 15。"));
      return;
    }
    const extra = { year: Number(yearSelect.value), subject: subjectSelect.value, hours };
    try {
      const next = await page.evaluate(whatIfPerson(person, notice, extra));
      answer.replaceChildren(...answerLines(notice, result, next, extra));
    } catch (error) {
      answer.replaceChildren(h("p", { class: "sc-form-error" }, error.message));
    }
  }

  return h("section", { class: "sc-whatif" },
    h("h3", {}, "假如再学一些"),
    h("p", { class: "sc-hint" }, "试算补学以后的结论（不改动上面填写的记录）。"),
    h("div", { class: "sc-whatif-controls" },
      h("div", { class: "sc-whatif-pick" }, yearSelect, subjectSelect),
      h("label", { class: "sc-whatif-amount" }, h("span", {}, "再完成"), hoursInput, h("span", {}, "学时")),
      h("button", { type: "button", class: "md-button md-button--primary", id: "sc-whatif-go", onclick: tryIt }, "试算")),
    answer);
}
