// What the result card and the what-if take from a real result of the engine (selfcheck-result.js,
// selfcheck-whatif.js): every number and sentence is the engine's.
import assert from "node:assert/strict";
import { test } from "node:test";
import { evaluate, noticeData, pageModule } from "./python.mjs";

const notice = noticeData();
const { resultSummary, isFree } = await pageModule("selfcheck-result.js");
const { whatIfStart, whatIfPerson, fillAllPerson, outcomeWords } = await pageModule("selfcheck-whatif.js");
const level = notice.level_order.find((code) => notice.levels[code].evaluation && notice.levels[code].window > 1);
const onlyYears = notice.level_order.find((code) => notice.levels[code].years_only);
const Y = notice.year;

// The day of the check: within the notice's year, so that its year is still open.
const DURING = `${Y}-11-29`;
const AFTER = `${Y + 1}-01-02`;

function person(levelCode, activities, asOf = DURING) {
  return { sex: "male", birth_date: "1990-01-01", application: { level: levelCode, year: Y }, activities, as_of: asOf };
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
  assert.deepEqual(start, { gaps: [year], years: [Y], pastYears: [Y - 2, Y - 1], year: Y, subject: "professional",
                            hours: year.hours_text.professional_missing });
  assert.equal(start.hours, "14.8", "a gap of 14.75 rounds up, as the engine words it");
  const trial = whatIfPerson(short, notice, { year: Y, subject: "professional", hours: 15 });
  assert.equal(trial.activities.length, short.activities.length + 1, "the trial adds one activity");
  assert.equal(short.activities.length, 6, "the person itself is not changed");
  assert.equal(evaluate(trial).application.status, "met");
});

test("补齐全部缺口 fills every open gap at once, by the hours the result says are missing", () => {
  const twoGaps = person(level, [{ year: Y, kind: notice.what_if_kinds.public, hours: 10 }]);
  const sooner = { ...twoGaps, application: { level, year: Y + 1 }, as_of: AFTER };
  const result = evaluate(sooner);
  const start = whatIfStart(result, notice);
  assert.deepEqual(start.gaps.map((y) => y.year), [Y + 1], "only the year not yet over");
  assert.deepEqual(start.pastYears, [Y - 1, Y]);
  const filled = evaluate(fillAllPerson(sooner, notice, start.gaps));
  assert.equal(filled.years.find((y) => y.year === Y + 1).met, true);
  assert.equal(outcomeWords(notice, result, filled, [Y + 1]), `结论仍是“${notice.statuses.not_met}”`,
    "the past years stay short: filling what can be filled does not pretend otherwise");
  const open = evaluate({ ...sooner, as_of: `${Y - 1}-06-01` });
  const all = whatIfStart(open, notice);
  assert.deepEqual(all.gaps.map((y) => y.year), [Y - 1, Y, Y + 1]);
  const met = evaluate(fillAllPerson(sooner, notice, all.gaps));
  assert.equal(met.application.status, "met");
  assert.equal(outcomeWords(notice, open, met, [Y - 1, Y, Y + 1]),
    `结论由“${notice.statuses.not_met}”变为“${notice.statuses.met}”`);
});

test("when every short year is over, no gap is offered and no year is chosen until a past one is", () => {
  const start = whatIfStart(evaluate(person(level, short.activities, AFTER)), notice);
  assert.deepEqual(start.gaps, []);
  assert.deepEqual(start.years, []);
  assert.equal(start.year, null);
  assert.deepEqual(start.pastYears, [Y - 2, Y - 1, Y]);
});

test("only years: the verdict names the short years; a met application offers no what-if", () => {
  const years = evaluate(person(onlyYears, [{ year: Y, kind: notice.what_if_kinds.public, hours: 30 }]));
  assert.equal(resultSummary(years, notice).verdict, `${Y} 年尚未满足年度学时要求`);
  assert.equal(resultSummary(years, notice).heading, `${Y} 年度学时核对`);
  assert.equal(whatIfStart(years, notice).subject, "professional");
  const met = evaluate(person(level, short.activities.concat([{ year: Y, kind: notice.what_if_kinds.professional, hours: 15 }])));
  assert.equal(whatIfStart(met, notice), null);
});

