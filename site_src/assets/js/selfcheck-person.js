// 学时自查: the person object the engine evaluates, built from the form's answers, and the form's
// own first checks. Pure: `answers` is the form state (selfcheck-answers.js), `notice` the page
// data (rules_py/page_data.py), which knows the levels, kinds and field paths.

/** A number typed by a person (full-width digits and 。 allowed); null when empty, NaN when not a number. */
export function toNumber(text) {
  const cleaned = String(text ?? "")
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, ".");
  if (cleaned === "") return null;
  return /^\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : NaN;
}

/** Typed as a negative number ("-10", "－10"): not "not a number", but "不能为负数". */
export function isNegative(text) {
  return Number.isNaN(toNumber(text)) && toNumber(String(text).trim().replace(/^[-－−]/, "")) > 0;
}

/** The day `date` in local time as YYYY-MM-DD: the person's as_of (the engine words it). */
export function isoDay(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return [date.getFullYear(), pad(date.getMonth() + 1), pad(date.getDate())].join("-");
}

/** The 疫情防控 years the form offers: the policy years inside what this application looks at (page data). */
export function offeredEpidemicYears(notice, answers) {
  return notice.levels[answers.level]?.epidemic_years?.[String(toNumber(answers.year) || notice.year)] || [];
}

export function kindSpec(notice, code) {
  return notice.kinds.find((k) => k.code === code);
}

/** The clause of the training kind that counts only for people in `circumstance`. */
export function clauseRequiring(notice, circumstance) {
  return notice.kinds.find((k) => k.requires === circumstance)?.clause;
}

export function rowIsEmpty(row) {
  return !row.kind && String(row.amount).trim() === "";
}

function activityOf(notice, row) {
  const activity = { year: Number(row.year), kind: row.kind };
  if (kindSpec(notice, row.kind)?.subject === "input") activity.subject = row.subject || null;
  const amount = toNumber(row.amount);
  if (amount !== null) activity[row.unit === "minutes" ? "minutes" : "hours"] = amount;
  return activity;
}

/**
 * The person object of the engine's interface, from the form's answers; `asOf` (YYYY-MM-DD) is the
 * day of the check. Only the 疫情防控 years this application offers are sent (a year ticked for
 * another level or year stays in the answers, unsent).
 */
export function buildPerson(answers, notice, asOf = null) {
  const offered = offeredEpidemicYears(notice, answers);
  const level = notice.levels[answers.level] || {};
  const year = toNumber(answers.year);
  const exceptional = Boolean(level.evaluation) && answers.exceptional;
  const person = {
    sex: answers.sex || null,
    birth_date: answers.birth_date || null,
    application: {
      level: answers.level,
      year: Number.isNaN(year) ? answers.year : year,
      exceptional,
      years_in_post: exceptional ? toNumber(answers.years_in_post) : null,
      assessment_years: level.asks_assessment_years ? toNumber(answers.assessment_years) : null,
    },
    circumstances: {
      public_institution: answers.unit === "public_institution",
      non_public_sector: answers.unit === "non_public_sector",
      grassroots_frontline: answers.grassroots_frontline,
      postdoc_qualifies: answers.postdoc_qualifies,
      epidemic_frontline_years: answers.epidemic ? answers.epidemic_years.filter((y) => offered.includes(y)).sort() : [],
      transferred_from_government_year: answers.transferred ? toNumber(answers.transferred_year) : null,
      high_skilled_talent: answers.high_skilled_talent,
      primary_secondary_teacher: answers.primary_secondary_teacher,
    },
    activities: answers.activities.filter((row) => !rowIsEmpty(row)).map((row) => activityOf(notice, row)),
  };
  if (!person.sex) delete person.sex;
  if (!person.birth_date) delete person.birth_date;
  if (asOf) person.as_of = asOf;
  return person;
}

function rowProblem(notice, row, index) {
  const spec = kindSpec(notice, row.kind);
  const where = `第 ${index + 1} 条培训记录`;
  const unit = row.unit === "minutes" ? "分钟数" : "学时";
  if (!spec) return { path: `row-${index}-kind`, message: `请为${where}选择培训类型。` };
  if (spec.subject === "input" && !row.subject) {
    return { path: `row-${index}-subject`, message: `请为${where}选择计入公需科目还是专业科目。` };
  }
  const amount = toNumber(row.amount);
  if (isNegative(row.amount)) return { path: `row-${index}-amount`, message: `${where}的${unit}不能为负数。` };
  if (Number.isNaN(amount)) return { path: `row-${index}-amount`, message: `${where}的${unit}请填写数字，例如 12 或 7.5。` };
  if (amount === null && !spec.completes_requirement) {
    return { path: `row-${index}-amount`, message: `请填写${where}的${unit}。` };
  }
  return null;
}

const NUMBER_FIELDS = [["assessment_years", "考核认定要求年限"],
  ["years_in_post", "实际任职年限"], ["transferred_year", "转任年度"]];

/**
 * The first thing the person still has to fill in, {path, message} (path: the form's data-path),
 * or null; checked here so the engine never sees "NaN".
 */
export function formProblem(answers, notice) {
  for (const [index, row] of answers.activities.entries()) {
    const problem = rowIsEmpty(row) ? null : rowProblem(notice, row, index);
    if (problem) return problem;
  }
  for (const [key, label] of NUMBER_FIELDS) {
    if (isNegative(answers[key])) return { path: key, message: `「${label}」不能为负数。` };
    if (Number.isNaN(toNumber(answers[key]))) return { path: key, message: `「${label}」请填写数字。` };
  }
  if (answers.transferred && toNumber(answers.transferred_year) === null) {
    return { path: "transferred_year", message: "请填写从党政机关转任的年度，例如 2023。" };
  }
  const offered = offeredEpidemicYears(notice, answers);
  if (answers.epidemic && offered.length && !answers.epidemic_years.some((y) => offered.includes(y))) {
    return { path: "epidemic", message: "请勾选疫情防控一线的年度。" };
  }
  return null;
}

/**
 * The form control (its data-path) that holds the engine's field path ("activities[2].hours"),
 * or null. The engine counts only the rows that are not empty.
 */
export function pathForField(field, answers, notice) {
  const match = /^activities\[(\d+)\]\.(\w+)/.exec(field || "");
  if (!match) return notice.form_fields[field] || null;
  let seen = -1;
  const index = answers.activities.findIndex((row) => !rowIsEmpty(row) && ++seen === Number(match[1]));
  const part = notice.activity_form_parts[match[2]] || "amount";
  return index >= 0 ? `row-${index}-${part}` : null;
}

/**
 * The answers the form shows for a person read from a 申报人员学时核对表 (rules_py/applicants/door.py):
 * the inverse of buildPerson for the people a row gives (hours of kind "other" with their subject,
 * a passed exam without hours). In the shape of the saved answers, so selfcheck-answers.js's
 * restoreAnswers checks it before the form shows it.
 */
export function answersFromPerson(person, notice) {
  const app = person.application || {};
  const c = person.circumstances || {};
  const text = (value) => (value === null || value === undefined ? "" : String(value));
  const epidemicYears = [...(c.epidemic_frontline_years || [])].sort();
  return {
    v: 1,
    sex: person.sex || "",
    birth_date: person.birth_date || "",
    // Both ticked in a sheet: non_public_sector is the one that can change the verdict (二（五）2);
    // public_institution only lets unit training count, and a row's hours are already counted.
    unit: c.non_public_sector ? "non_public_sector" : c.public_institution ? "public_institution" : "",
    level: app.level,
    year: app.year,
    assessment_years: text(app.assessment_years),
    exceptional: Boolean(app.exceptional),
    years_in_post: text(app.years_in_post),
    grassroots_frontline: Boolean(c.grassroots_frontline),
    postdoc_qualifies: Boolean(c.postdoc_qualifies),
    epidemic: epidemicYears.length > 0,
    epidemic_years: epidemicYears,
    transferred: c.transferred_from_government_year != null,
    transferred_year: text(c.transferred_from_government_year),
    high_skilled_talent: Boolean(c.high_skilled_talent),
    primary_secondary_teacher: Boolean(c.primary_secondary_teacher),
    activities: (person.activities || []).map((a) => ({
      year: a.year, kind: a.kind, subject: kindSpec(notice, a.kind)?.subject === "input" ? a.subject || "" : "",
      amount: text(a.hours ?? a.minutes), unit: a.minutes != null && a.hours == null ? "minutes" : "hours",
    })),
    checked: false,
  };
}
