// 学时自查: the form's answers and how they are kept in localStorage. blankAnswers and
// restoreAnswers are pure (tests/js/); loadAnswers and saveAnswers touch the storage.

import { h } from "./dom.js";

export const MAX_ROWS = 200;

export function blankRow(year) {
  return { year, kind: "", subject: "", amount: "", unit: "hours" };
}

export function blankAnswers(notice) {
  return {
    v: 1,
    sex: "",
    birth_date: "",
    unit: "",
    level: notice.level_order[0],
    year: notice.year,
    assessment_years: "",
    exceptional: false,
    years_in_post: "",
    grassroots_frontline: false,
    postdoc_qualifies: false,
    epidemic: false,
    epidemic_years: [],
    transferred: false,
    transferred_year: "",
    high_skilled_talent: false,
    primary_secondary_teacher: false,
    activities: [blankRow(notice.year)],
    checked: false,
  };
}

const isText = (v) => typeof v === "string" && v.length <= 20;
const asText = (v) => (Number.isFinite(v) ? String(v) : v);
const oneOf = (...values) => (v) => values.includes(v);
const isBool = (v) => typeof v === "boolean";
const same = (v) => v;
const TEXT_KEYS = ["assessment_years", "years_in_post", "transferred_year"];
const BOOL_KEYS = ["exceptional", "grassroots_frontline", "postdoc_qualifies", "epidemic", "transferred",
  "high_skilled_talent", "primary_secondary_teacher", "checked", "moreOpen"];

/** Copy `from[key]` into `into[key]` when it passes `ok` (after `convert`); false when it did not. */
function take(from, into, key, ok, convert = same) {
  if (from[key] === undefined) return true;
  const value = convert(from[key]);
  if (!ok(value)) return false;
  into[key] = value;
  return true;
}

/** What each field of the answers may hold for this notice: key -> [ok, convert]. */
function answerChecks(notice) {
  const isYear = (v) => Number.isInteger(v) && v >= notice.input_limits.earliest_year && v <= notice.input_limits.latest_year;
  const checks = {
    sex: [oneOf("", "male", "female")],
    birth_date: [(v) => v === "" || (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v))],
    unit: [oneOf("", "public_institution", "non_public_sector", "other")],
    level: [(v) => notice.level_order.includes(v)],
    year: [(v) => notice.application_years.includes(v), Number],
    epidemic_years: [(v) => Array.isArray(v) && v.every(isYear)],
  };
  for (const key of TEXT_KEYS) checks[key] = [isText, asText];
  for (const key of BOOL_KEYS) checks[key] = [isBool];
  return { checks, isYear };
}

function rowChecks(notice, isYear) {
  const kinds = new Set(notice.kinds.map((k) => k.code));
  return {
    year: [isYear, Number],
    kind: [(v) => v === "" || kinds.has(v)],
    subject: [oneOf("", ...notice.subjects.map((s) => s.code))],
    amount: [isText, asText],
    unit: [oneOf("hours", "minutes")],
  };
}

/** The saved rows that fit, and whether any did not. */
function restoreRows(savedRows, year, checks) {
  let lost = savedRows.length > MAX_ROWS;
  const rows = [];
  for (const item of savedRows.slice(0, MAX_ROWS)) {
    if (!item || typeof item !== "object" || Array.isArray(item)) {
      lost = true;
      continue;
    }
    const row = blankRow(year);
    for (const [key, [ok, convert]] of Object.entries(checks)) lost = !take(item, row, key, ok, convert) || lost;
    rows.push(row);
  }
  return { rows, lost };
}

/**
 * Check every saved field against what the form can show for this notice: a field that does not
 * fit (unknown level or kind, a list that is not a list, a year outside the notice's limits…)
 * starts blank instead, so the form always renders. Keys the form does not know are ignored.
 * Returns {answers, lost}, lost being null, "partial" or "unreadable".
 */
export function restoreAnswers(saved, notice) {
  const answers = blankAnswers(notice);
  if (!saved || typeof saved !== "object" || Array.isArray(saved) || saved.v !== 1) {
    return { answers, lost: "unreadable" };
  }
  const { checks, isYear } = answerChecks(notice);
  let lost = false;
  for (const [key, [ok, convert]] of Object.entries(checks)) lost = !take(saved, answers, key, ok, convert) || lost;
  if (saved.activities !== undefined) {
    if (!Array.isArray(saved.activities)) lost = true;
    else {
      const restored = restoreRows(saved.activities, answers.year, rowChecks(notice, isYear));
      lost = restored.lost || lost;
      answers.activities = restored.rows.length ? restored.rows : [blankRow(answers.year)];
    }
  }
  return { answers, lost: lost ? "partial" : null };
}

/** The saved answers of `page.storageKey`, or blank ones; sets page.restoreProblem. */
export function loadAnswers(page) {
  let text;
  try {
    text = localStorage.getItem(page.storageKey);
  } catch (error) {
    return blankAnswers(page.notice); // storage blocked: the storage note says so
  }
  if (text === null) return blankAnswers(page.notice);
  let saved;
  try {
    saved = JSON.parse(text);
  } catch (error) {
    page.restoreProblem = "unreadable";
    return blankAnswers(page.notice);
  }
  const { answers, lost } = restoreAnswers(saved, page.notice);
  page.restoreProblem = lost;
  return answers;
}

// Saved on every change, at once: a reload right after typing must not lose anything.
export function saveAnswers(page) {
  const worked = page.storageWorks;
  try {
    localStorage.setItem(page.storageKey, JSON.stringify(page.answers));
    page.storageWorks = true;
  } catch (error) {
    page.storageWorks = false;
  }
  if (worked !== page.storageWorks) page.root.querySelector(".sc-storage-note")?.replaceWith(storageNote(page.storageWorks));
}

export function forgetAnswers(page) {
  try {
    localStorage.removeItem(page.storageKey);
  } catch (error) {
    // nothing stored
  }
}

export function storageNote(works) {
  return h("p", { class: "sc-storage-note" }, works
    ? "您填写的内容只保存在这台设备的浏览器里，刷新页面不会丢失；点“清除”即全部删除。"
    : "这个浏览器不允许保存，刷新页面后需要重新填写。");
}

/** What the saved answers were, above the form; null when nothing was lost. */
export function restoreNote(problem) {
  if (!problem) return null;
  return h("p", { class: "sc-restore-note", role: "status", dataset: { problem } },
    problem === "partial"
      ? "上次保存的填写内容未能全部恢复（可能已损坏）：有些项目现在是空白的，请核对后补填。"
      : "上次保存的填写内容未能恢复（可能已损坏），请重新填写。");
}
