// The person the 学时自查 form builds, and the form's own first checks (selfcheck-person.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { noticeData, pageModule, python } from "./python.mjs";

const notice = noticeData();
const { toNumber, buildPerson, formProblem, pathForField, rowIsEmpty, isNegative, isoDay, offeredEpidemicYears } =
  await pageModule("selfcheck-person.js");
const { blankAnswers, blankRow } = await pageModule("selfcheck-answers.js");

const [evaluationLevel] = notice.level_order.filter((code) => notice.levels[code].evaluation);
const assessmentLevel = notice.level_order.find((code) => notice.levels[code].asks_assessment_years);
const onlyYears = notice.level_order.find((code) => notice.levels[code].years_only);
const publicKind = notice.what_if_kinds.public;
const inputKind = notice.kinds.find((k) => k.subject === "input").code;
const examKind = notice.kinds.find((k) => k.completes_requirement).code;

function answers(changes = {}) {
  return { ...blankAnswers(notice), ...changes };
}

for (const [typed, expected] of [["12", 12], [" 7.5 ", 7.5], ["１２", 12], ["７。５", 7.5], ["3．5", 3.5],
  ["", null], [null, null], [undefined, null], ["12a", NaN], ["-3", NaN], ["1e3", NaN]]) {
  test(`toNumber(${JSON.stringify(typed)}) is ${expected}`, () => {
    assert.deepEqual(toNumber(typed), expected);
  });
}

test("a blank row is empty; a row with a kind or an amount is not", () => {
  assert.equal(rowIsEmpty(blankRow(2025)), true);
  assert.equal(rowIsEmpty({ ...blankRow(2025), amount: "  " }), true);
  assert.equal(rowIsEmpty({ ...blankRow(2025), amount: "3" }), false);
  assert.equal(rowIsEmpty({ ...blankRow(2025), kind: publicKind }), false);
});

test("the person leaves out empty rows, counts minutes as minutes and asks the subject only where the kind does", () => {
  const person = buildPerson(answers({
    sex: "female", birth_date: "1970-05-01", level: evaluationLevel, year: 2025, unit: "public_institution",
    activities: [
      { year: 2024, kind: publicKind, subject: "professional", amount: "３０", unit: "hours" },
      blankRow(2025),
      { year: "2025", kind: inputKind, subject: "public", amount: "90", unit: "minutes" },
    ],
  }), notice);
  assert.deepEqual(person.activities, [
    { year: 2024, kind: publicKind, hours: 30 },
    { year: 2025, kind: inputKind, subject: "public", minutes: 90 },
  ]);
  assert.equal(person.sex, "female");
  assert.equal(person.circumstances.public_institution, true);
  assert.equal(person.circumstances.non_public_sector, false);
});

test("破格 and its years count only for an evaluation level; the assessment years only for assessment", () => {
  const given = { exceptional: true, years_in_post: "2", assessment_years: "3" };
  const evaluation = buildPerson(answers({ ...given, level: evaluationLevel }), notice).application;
  assert.deepEqual([evaluation.exceptional, evaluation.years_in_post, evaluation.assessment_years], [true, 2, null]);
  const assessment = buildPerson(answers({ ...given, level: assessmentLevel }), notice).application;
  assert.deepEqual([assessment.exceptional, assessment.years_in_post, assessment.assessment_years], [false, null, 3]);
  const none = buildPerson(answers({ ...given, level: onlyYears }), notice);
  assert.equal(none.application.exceptional, false);
  assert.equal("sex" in none, false, "an empty sex is left out, not sent as null");
});

test("the epidemic years are sent sorted and only when ticked; the transfer year only when ticked", () => {
  const ticked = buildPerson(answers({ year: 2024, epidemic: true, epidemic_years: [2023, 2022], transferred: true, transferred_year: "2023" }), notice);
  assert.deepEqual(ticked.circumstances.epidemic_frontline_years, [2022, 2023]);
  assert.equal(ticked.circumstances.transferred_from_government_year, 2023);
  const unticked = buildPerson(answers({ epidemic: false, epidemic_years: [2024], transferred: false, transferred_year: "2023" }), notice);
  assert.deepEqual(unticked.circumstances.epidemic_frontline_years, []);
  assert.equal(unticked.circumstances.transferred_from_government_year, null);
});

test("only the epidemic years the page data offers for this level and year are sent", () => {
  const level = evaluationLevel;
  const offered = offeredEpidemicYears(notice, answers({ level, year: 2025 }));
  assert.deepEqual(offered, notice.levels[level].epidemic_years["2025"]);
  assert.ok(!offered.includes(2025), "2025 is no policy year");
  const person = buildPerson(answers({ level, year: 2025, epidemic: true, epidemic_years: [2021, 2023, 2025] }), notice);
  assert.deepEqual(person.circumstances.epidemic_frontline_years, [2021, 2023].filter((y) => offered.includes(y)));
  assert.ok(offeredEpidemicYears(notice, answers({ level: assessmentLevel, year: 2025 })).length > 0, "考核认定 too");
  assert.deepEqual(offeredEpidemicYears(notice, answers({ level: onlyYears, year: 2025 })), []);
});

test("the day of the check is sent as as_of, in local time", () => {
  assert.equal(isoDay(new Date(2026, 0, 5)), "2026-01-05");
  assert.equal(isoDay(new Date(2025, 11, 31, 23, 59)), "2025-12-31");
  assert.equal(buildPerson(answers(), notice, "2025-11-29").as_of, "2025-11-29");
  assert.equal("as_of" in buildPerson(answers(), notice), false);
});

test("a negative number is told apart from text that is no number", () => {
  for (const text of ["-10", "－10", "-0.5", " -3 "]) assert.equal(isNegative(text), true, text);
  for (const text of ["10", "abc", "", "-", "--3", "1-2"]) assert.equal(isNegative(text), false, text);
});

const problems = [
  ["negative hours", { activities: [{ ...blankRow(2025), kind: publicKind, amount: "-10" }] }, "row-0-amount", "第 1 条培训记录的学时不能为负数。"],
  ["letters for hours", { activities: [{ ...blankRow(2025), kind: publicKind, amount: "ten" }] }, "row-0-amount",
    "第 1 条培训记录的学时请填写数字，例如 12 或 7.5。"],
  ["negative years in post", { years_in_post: "-2" }, "years_in_post", "「实际任职年限」不能为负数。"],
  ["a row without a kind", { activities: [{ ...blankRow(2025), amount: "3" }] }, "row-0-kind", "请为第 1 条培训记录选择培训类型。"],
  ["a row whose subject is not chosen", { activities: [blankRow(2025), { ...blankRow(2025), kind: inputKind, amount: "3" }] },
    "row-1-subject", "请为第 2 条培训记录选择计入公需科目还是专业科目。"],
  ["minutes that are not a number", { activities: [{ ...blankRow(2025), kind: publicKind, amount: "abc", unit: "minutes" }] },
    "row-0-amount", "第 1 条培训记录的分钟数请填写数字，例如 12 或 7.5。"],
  ["hours left empty", { activities: [{ ...blankRow(2025), kind: publicKind }] }, "row-0-amount", "请填写第 1 条培训记录的学时。"],
  ["years in post that are not a number", { years_in_post: "两" }, "years_in_post", "「实际任职年限」请填写数字。"],
  ["a transfer without its year", { transferred: true }, "transferred_year", "请填写从党政机关转任的年度，例如 2023。"],
  ["the epidemic without a year", { epidemic: true }, "epidemic", "请勾选疫情防控一线的年度。"],
];
for (const [name, changes, path, message] of problems) {
  test(`the form names ${name} under its field`, () => {
    assert.deepEqual(formProblem(answers(changes), notice), { path, message });
  });
}

test("an exam row may leave its hours empty, and a blank form has nothing to say", () => {
  assert.equal(formProblem(answers({ activities: [{ ...blankRow(2025), kind: examKind }] }), notice), null);
  assert.equal(formProblem(answers(), notice), null);
});

test("the engine's field paths lead to the form control that holds them, counting only filled rows", () => {
  const filled = { ...blankRow(2025), kind: publicKind, amount: "3" };
  const rows = answers({ activities: [filled, blankRow(2025), filled] });
  assert.equal(pathForField("activities[1].hours", rows, notice), "row-2-amount");
  assert.equal(pathForField("activities[1].minutes", rows, notice), "row-2-amount");
  assert.equal(pathForField("activities[0].kind", rows, notice), "row-0-kind");
  assert.equal(pathForField("activities[5].year", rows, notice), null);
  assert.equal(pathForField("application.year", rows, notice), "year");
  assert.equal(pathForField("circumstances.epidemic_frontline_years", rows, notice), "epidemic");
  assert.equal(pathForField("circumstances.public_institution", rows, notice), null);
  assert.equal(pathForField(undefined, rows, notice), null);
});

test("a person read from a 核对表 row fills the form that builds the same person again", async () => {
  const { answersFromPerson } = await pageModule("selfcheck-person.js");
  const { restoreAnswers } = await pageModule("selfcheck-answers.js");
  // Saved and read back by rules_py/applicants/door.py itself: every kind of cell a row holds.
  const people = [
    { sex: "male", birth_date: "1975-06-30", application: { level: "senior", year: 2025 },
      circumstances: { public_institution: true },
      activities: [{ year: 2025, kind: "seminar", minutes: 2699 }, { year: 2024, kind: "qualification_exam" },
        { year: 2023, kind: "public_online", hours: 30.5 }] },
    { sex: "female", birth_date: "1990-01-01", application: { level: "intermediate", year: 2025, exceptional: true, years_in_post: 2 },
      circumstances: { non_public_sector: true, grassroots_frontline: true, epidemic_frontline_years: [2023],
        transferred_from_government_year: 2024, high_skilled_talent: true, primary_secondary_teacher: true, postdoc_qualifies: true },
      activities: [] },
    { sex: "female", birth_date: "1998-12-31", application: { level: "assessment", year: 2025, assessment_years: 2 },
      activities: [{ year: 2025, kind: "professional_online", hours: 60 }] },
  ];
  const read = python({
    imports: "from rules_py.applicants.door import read_persons, save_person\n" +
      "def door(p):\n    return read_persons(save_person(p)['xlsx'], 'x.xlsx')['rows'][0]['person']",
    value: `[door(p) for p in json.loads(${JSON.stringify(JSON.stringify(people))})]`,
  });
  for (const person of read) {
    const { answers, lost } = restoreAnswers(answersFromPerson(person, notice), notice);
    assert.equal(lost, null);
    assert.deepEqual(buildPerson(answers, notice), person);
  }
  assert.equal(read[1].circumstances.non_public_sector && read[1].application.exceptional, true);
});
