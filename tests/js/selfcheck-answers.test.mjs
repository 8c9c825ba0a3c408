// Saved answers come back only as far as they fit the form of this notice (selfcheck-answers.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { noticeData, pageModule } from "./python.mjs";

const notice = noticeData();
const { blankAnswers, blankRow, restoreAnswers, MAX_ROWS } = await pageModule("selfcheck-answers.js");
const kind = notice.what_if_kinds.professional;

test("blank answers start at the first level of the notice's order and in the notice's year", () => {
  const blank = blankAnswers(notice);
  assert.equal(blank.level, notice.level_order[0]);
  assert.equal(blank.year, notice.year);
  assert.deepEqual(blank.activities, [blankRow(notice.year)]);
});

test("answers saved by this form come back whole", () => {
  const saved = { ...blankAnswers(notice), sex: "male", level: notice.level_order.at(-1), year: notice.year - 1,
    years_in_post: 3, epidemic: true, epidemic_years: [notice.year - 2], moreOpen: true,
    activities: [{ year: notice.year - 1, kind, subject: "", amount: 12.5, unit: "minutes" }] };
  const { answers, lost } = restoreAnswers(JSON.parse(JSON.stringify(saved)), notice);
  assert.equal(lost, null);
  assert.equal(answers.years_in_post, "3", "numbers typed into text fields come back as text");
  assert.equal(answers.activities[0].amount, "12.5");
  assert.deepEqual({ ...answers, years_in_post: 3, activities: saved.activities }, saved);
});

const unfit = [
  ["an unknown level", { level: "chief" }, "level"],
  ["a year the form does not offer", { year: notice.application_years.at(-1) - 1 }, "year"],
  ["a sex the form does not offer", { sex: "x" }, "sex"],
  ["epidemic years that are not years", { epidemic_years: "2023" }, "epidemic_years"],
  ["text too long for a field", { years_in_post: "1".repeat(21) }, "years_in_post"],
];
for (const [name, changes, key] of unfit) {
  test(`${name} starts blank and is reported as partly lost`, () => {
    const { answers, lost } = restoreAnswers({ ...blankAnswers(notice), ...changes }, notice);
    assert.equal(lost, "partial");
    assert.deepEqual(answers[key], blankAnswers(notice)[key]);
  });
}

test("rows: an unknown kind or a non-object is dropped field by field, too many rows are cut", () => {
  const rows = [{ year: notice.year, kind: "flying", amount: "3" }, "row", { year: notice.year, kind, amount: "4" }];
  const { answers, lost } = restoreAnswers({ v: 1, activities: rows }, notice);
  assert.equal(lost, "partial");
  assert.deepEqual(answers.activities.map((r) => [r.kind, r.amount]), [["", "3"], [kind, "4"]]);
  const many = restoreAnswers({ v: 1, activities: Array(MAX_ROWS + 5).fill({ kind }) }, notice);
  assert.equal(many.answers.activities.length, MAX_ROWS);
  assert.equal(many.lost, "partial");
});

for (const saved of [null, [], "text", { v: 2 }, { level: notice.level_order[0] }]) {
  test(`${JSON.stringify(saved)} is unreadable and gives blank answers`, () => {
    assert.deepEqual(restoreAnswers(saved, notice), { answers: blankAnswers(notice), lost: "unreadable" });
  });
}
