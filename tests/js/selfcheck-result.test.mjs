// What the result card and the what-if take from a real result of the engine (selfcheck-result.js,
// selfcheck-whatif.js): every number and sentence is the engine's.
import assert from "node:assert/strict";
import { test } from "node:test";
import { evaluate, noticeData, pageModule } from "./python.mjs";

const notice = noticeData();
const { resultSummary, fillDate, isFree } = await pageModule("selfcheck-result.js");
const { whatIfStart, whatIfPerson } = await pageModule("selfcheck-whatif.js");
const level = notice.level_order.find((code) => notice.levels[code].evaluation && notice.levels[code].window > 1);
const onlyYears = notice.level_order.find((code) => notice.levels[code].years_only);
const Y = notice.year;

function person(levelCode, activities) {
  return { sex: "male", birth_date: "1990-01-01", application: { level: levelCode, year: Y }, activities };
}

const short = person(level, [
  { year: Y, kind: notice.what_if_kinds.public, hours: 30 },
  { year: Y, kind: notice.what_if_kinds.professional, hours: 45.25 },
  { year: Y - 1, kind: notice.what_if_kinds.public, hours: 30 },
  { year: Y - 1, kind: notice.what_if_kinds.professional, hours: 60 },
  { year: Y - 2, kind: notice.what_if_kinds.public, hours: 30 },
  { year: Y - 2, kind: notice.what_if_kinds.professional, hours: 60 },
]);

test("a short application: the verdict is the status name, the gaps the engine's sentences", () => {
  const result = evaluate(short);
  const summary = resultSummary(result, notice);
  assert.equal(result.application.status, "not_met");
  assert.equal(summary.verdict, notice.statuses.not_met);
  assert.equal(summary.cls, "short");
  assert.equal(summary.heading, `${Y} 年申报${notice.levels[level].label}`);
  assert.deepEqual(summary.gaps, result.application.missing.map((m) => m.text));
  assert.equal(isFree(result.application), false);
});

test("the what-if starts at the first gap, with its hours as the engine words them", () => {
  const result = evaluate(short);
  const start = whatIfStart(result, notice);
  const year = result.years.find((y) => y.year === Y);
  assert.deepEqual(start, { years: result.years.map((y) => y.year), year: Y, subject: "professional",
                            hours: year.hours_text.professional_missing });
  assert.equal(start.hours, "14.8", "a gap of 14.75 rounds up, as the engine words it");
  const trial = whatIfPerson(short, notice, { year: Y, subject: "professional", hours: 15 });
  assert.equal(trial.activities.length, short.activities.length + 1, "the trial adds one activity");
  assert.equal(short.activities.length, 6, "the person itself is not changed");
  assert.equal(evaluate(trial).application.status, "met");
});

test("only years: the verdict names the short years; a met application offers no what-if", () => {
  const years = evaluate(person(onlyYears, [{ year: Y, kind: notice.what_if_kinds.public, hours: 30 }]));
  assert.equal(resultSummary(years, notice).verdict, `${Y} 年尚未满足年度学时要求`);
  assert.equal(resultSummary(years, notice).heading, `${Y} 年度学时核对`);
  assert.equal(whatIfStart(years, notice).subject, "professional");
  const met = evaluate(person(level, short.activities.concat([{ year: Y, kind: notice.what_if_kinds.professional, hours: 15 }])));
  assert.equal(whatIfStart(met, notice), null);
});

test("the day of a check in the page data's date pattern, which is the engine's", () => {
  assert.equal(fillDate(notice.date_template, new Date(2025, 2, 3)), "2025年3月3日");
  assert.equal(fillDate(notice.date_template, new Date(2026, 11, 24)), "2026年12月24日");
});
