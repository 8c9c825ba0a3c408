// 学时自查: the page side. Starts the engine worker at once and exposes window.selfCheck (DESIGN §4)
// through selfcheck-client.js (shared with 花名册自查), builds the form from the notice data, keeps
// the answers in localStorage and draws the result.
// Nothing leaves the browser: the worker and every file it loads come from this site.

import { h, startSelfCheck } from "./selfcheck-client.js";

const root = document.getElementById("selfcheck");
const { engine, evaluate } = startSelfCheck({ tool: "学时自查", waitHint: "可以先填写下面的内容。" });
// Both written by build.py from the notice id (templates/selfcheck.md.j2).
const NOTICE_ID = root?.dataset.notice;
const STORAGE_KEY = root?.dataset.storageKey;
const LEVEL_ORDER = ["senior", "intermediate", "junior", "assessment", "none"];
const SUBJECTS = { public: "公需科目", professional: "专业科目" };

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/**
 * Hours as people read them: one decimal at most; a gap rounds up, an amount down — the rule of
 * rules_py.wording.hours. Only for numbers the engine gives without words: the meters' amounts
 * and gaps, and the hours of "what if". Sentences about gaps come worded from the engine
 * (application.missing[].text, years[].text); never rebuild them here.
 */
function fmtHours(value, gap = false) {
  const tenths = gap ? Math.ceil(value * 10 - 1e-7) : Math.floor(value * 10 + 1e-7);
  return tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1);
}

function cnDate(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return `${y} 年 ${m} 月 ${d} 日`;
}

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// ---------------------------------------------------------------------------------------------
// The notice data and the saved answers
// ---------------------------------------------------------------------------------------------

let notice = null;
let state = null;
let lastRun = null; // {person, result}
let autoUpdate = false;

function noticeHref(clauseId) {
  const link = document.getElementById("sc-notice-link");
  const base = link ? link.getAttribute("href").split("#")[0] : "../notice/";
  return `${base}#${clauseId}`;
}

function clauseLink(clauseId, { title = false } = {}) {
  const clause = notice?.clauses[clauseId];
  const text = clause ? (title ? `${clause.citation} ${clause.title}` : clause.citation) : clauseId;
  return h("a", { href: noticeHref(clauseId), class: "sc-clause", dataset: { clause: clauseId } }, text);
}

function blankRow(year) {
  return { year, kind: "", subject: "", amount: "", unit: "hours" };
}

function blankState() {
  return {
    v: 1,
    sex: "",
    birth_date: "",
    unit: "",
    level: "senior",
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

// What the saved answers were: null (nothing saved, or all restored), "partial" (some fields
// were not valid and start blank) or "unreadable" (nothing could be used). Shown above the form.
let restoreProblem = null;

/** The saved answers, or a blank state; sets restoreProblem. */
function loadState() {
  let text;
  try {
    text = localStorage.getItem(STORAGE_KEY);
  } catch (error) {
    return blankState(); // storage blocked: the storage note says so
  }
  if (text === null) return blankState();
  let saved;
  try {
    saved = JSON.parse(text);
  } catch (error) {
    restoreProblem = "unreadable";
    return blankState();
  }
  const { state: restored, lost } = restoreState(saved);
  restoreProblem = lost;
  return restored;
}

/**
 * Check every saved field against what the form can show for this notice: a field that does not
 * fit (unknown level or kind, a list that is not a list, a year outside the notice's limits…)
 * starts blank instead, so the form always renders. Keys the form does not know are ignored.
 * Returns {state, lost}, lost being null, "partial" or "unreadable".
 */
function restoreState(saved) {
  const blank = blankState();
  if (!saved || typeof saved !== "object" || Array.isArray(saved) || saved.v !== 1) {
    return { state: blank, lost: "unreadable" };
  }
  const limits = notice.input_limits;
  const isYear = (v) => Number.isInteger(v) && v >= limits.earliest_year && v <= limits.latest_year;
  const isText = (v) => typeof v === "string" && v.length <= 20;
  const asText = (v) => (Number.isFinite(v) ? String(v) : v);
  const oneOf = (...values) => (v) => values.includes(v);
  const isBool = (v) => typeof v === "boolean";
  const kinds = new Set(notice.kinds.map((k) => k.code));
  const state = { ...blank };
  let lost = false;

  function take(key, ok, convert = (v) => v) {
    if (saved[key] === undefined) return;
    const value = convert(saved[key]);
    if (ok(value)) state[key] = value;
    else lost = true;
  }

  take("sex", oneOf("", "male", "female"));
  take("birth_date", (v) => v === "" || (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v)));
  take("unit", oneOf("", "public_institution", "non_public_sector", "other"));
  take("level", (v) => LEVEL_ORDER.includes(v) && (v === "none" || Boolean(notice.levels[v])));
  take("year", (v) => Number.isInteger(v) && v >= notice.year - 5 && v <= notice.year + 3, Number);
  for (const key of ["assessment_years", "years_in_post", "transferred_year"]) take(key, isText, asText);
  for (const key of ["exceptional", "grassroots_frontline", "postdoc_qualifies", "epidemic", "transferred",
    "high_skilled_talent", "primary_secondary_teacher", "checked", "moreOpen"]) take(key, isBool);
  take("epidemic_years", (v) => Array.isArray(v) && v.every(isYear));

  if (saved.activities !== undefined) {
    if (!Array.isArray(saved.activities)) {
      lost = true;
    } else {
      const rows = [];
      for (const item of saved.activities.slice(0, 200)) {
        if (!item || typeof item !== "object" || Array.isArray(item)) {
          lost = true;
          continue;
        }
        const row = blankRow(state.year);
        const fields = {
          year: [isYear, Number],
          kind: [(v) => v === "" || kinds.has(v)],
          subject: [oneOf("", ...Object.keys(SUBJECTS))],
          amount: [isText, asText],
          unit: [oneOf("hours", "minutes")],
        };
        for (const [key, [ok, convert = (v) => v]] of Object.entries(fields)) {
          if (item[key] === undefined) continue;
          const value = convert(item[key]);
          if (ok(value)) row[key] = value;
          else lost = true;
        }
        rows.push(row);
      }
      if (saved.activities.length > 200) lost = true;
      state.activities = rows.length ? rows : [blankRow(state.year)];
    }
  }
  return { state, lost: lost ? "partial" : null };
}

function restoreNote() {
  if (!restoreProblem) return null;
  return h("p", { class: "sc-restore-note", role: "status", dataset: { problem: restoreProblem } },
    restoreProblem === "partial"
      ? "上次保存的填写内容未能全部恢复（可能已损坏）：有些项目现在是空白的，请核对后补填。"
      : "上次保存的填写内容未能恢复（可能已损坏），请重新填写。");
}

let storageWorks = true;

// Saved on every change, at once: a reload right after typing must not lose anything.
function saveState() {
  const worked = storageWorks;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    storageWorks = true;
  } catch (error) {
    storageWorks = false;
  }
  if (worked !== storageWorks) root.querySelector(".sc-storage-note")?.replaceWith(storageNote());
}

function storageNote() {
  return h("p", { class: "sc-storage-note" }, storageWorks
    ? "您填写的内容只保存在这台设备的浏览器里，刷新页面不会丢失；点“清除”即全部删除。"
    : "这个浏览器不允许保存，刷新页面后需要重新填写。");
}

// ---------------------------------------------------------------------------------------------
// The person object (DESIGN §4) from the form
// ---------------------------------------------------------------------------------------------

function toNumber(text) {
  const cleaned = String(text ?? "")
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, ".");
  if (cleaned === "") return null;
  return /^\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : NaN;
}

function kindSpec(code) {
  return notice.kinds.find((k) => k.code === code);
}

/** The clause of the training kind that counts only for people in `circumstance` (notice data). */
function clauseRequiring(circumstance) {
  return notice.kinds.find((k) => k.requires === circumstance)?.clause;
}

function rowIsEmpty(row) {
  return !row.kind && String(row.amount).trim() === "";
}

function buildPerson(s = state, extra = null) {
  const level = s.level;
  const year = toNumber(s.year);
  const evaluation = ["senior", "intermediate", "junior"].includes(level);
  const person = {
    sex: s.sex || null,
    birth_date: s.birth_date || null,
    application: {
      level,
      year: Number.isNaN(year) ? s.year : year,
      exceptional: evaluation && s.exceptional,
      years_in_post: evaluation && s.exceptional ? toNumber(s.years_in_post) : null,
      assessment_years: level === "assessment" ? toNumber(s.assessment_years) : null,
    },
    circumstances: {
      public_institution: s.unit === "public_institution",
      non_public_sector: s.unit === "non_public_sector",
      grassroots_frontline: s.grassroots_frontline,
      postdoc_qualifies: s.postdoc_qualifies,
      epidemic_frontline_years: s.epidemic ? [...s.epidemic_years].sort() : [],
      transferred_from_government_year: s.transferred ? toNumber(s.transferred_year) : null,
      high_skilled_talent: s.high_skilled_talent,
      primary_secondary_teacher: s.primary_secondary_teacher,
    },
    activities: [],
  };
  if (!person.sex) delete person.sex;
  if (!person.birth_date) delete person.birth_date;
  for (const row of s.activities) {
    if (rowIsEmpty(row)) continue;
    const spec = kindSpec(row.kind);
    const activity = { year: Number(row.year), kind: row.kind };
    if (spec?.subject === "input") activity.subject = row.subject || null;
    const amount = toNumber(row.amount);
    if (amount !== null) activity[row.unit === "minutes" ? "minutes" : "hours"] = amount;
    person.activities.push(activity);
  }
  if (extra) person.activities.push(extra);
  return person;
}

/** The first thing the person still has to fill in, checked here so the engine never sees "NaN". */
function formProblem(s = state) {
  const rows = s.activities.map((row, index) => ({ row, index })).filter(({ row }) => !rowIsEmpty(row));
  for (const { row, index } of rows) {
    const spec = kindSpec(row.kind);
    const where = `第 ${index + 1} 条培训记录`;
    if (!spec) return { path: `row-${index}-kind`, message: `请为${where}选择培训类型。` };
    if (spec.subject === "input" && !row.subject) {
      return { path: `row-${index}-subject`, message: `请为${where}选择计入公需科目还是专业科目。` };
    }
    const amount = toNumber(row.amount);
    if (Number.isNaN(amount)) {
      return { path: `row-${index}-amount`, message: `${where}的${row.unit === "minutes" ? "分钟数" : "学时"}请填写数字，例如 12 或 7.5。` };
    }
    if (amount === null && !spec.completes_requirement) {
      return { path: `row-${index}-amount`, message: `请填写${where}的${row.unit === "minutes" ? "分钟数" : "学时"}。` };
    }
  }
  for (const [key, label] of [["year", "申报年度"], ["assessment_years", "考核认定要求年限"],
    ["years_in_post", "实际任职年限"], ["transferred_year", "转任年度"]]) {
    if (Number.isNaN(toNumber(s[key]))) return { path: key, message: `「${label}」请填写数字。` };
  }
  if (s.transferred && toNumber(s.transferred_year) === null) {
    return { path: "transferred_year", message: "请填写从党政机关转任的年度，例如 2023。" };
  }
  if (s.epidemic && !s.epidemic_years.length) {
    return { path: "epidemic", message: "请勾选疫情防控一线的年度。" };
  }
  return null;
}

// Engine field paths ("activities[2].hours") to the form control that holds them.
function pathForField(field, person) {
  const match = /^activities\[(\d+)\]\.(\w+)/.exec(field || "");
  if (match) {
    let seen = -1;
    const index = state.activities.findIndex((row) => !rowIsEmpty(row) && ++seen === Number(match[1]));
    const part = { year: "year", kind: "kind", subject: "subject" }[match[2]] || "amount";
    return index >= 0 ? `row-${index}-${part}` : null;
  }
  return {
    sex: "sex", birth_date: "birth_date", "application.level": "level", "application.year": "year",
    "application.years_in_post": "years_in_post", "application.assessment_years": "assessment_years",
    "circumstances.transferred_from_government_year": "transferred_year",
    "circumstances.epidemic_frontline_years": "epidemic",
  }[field] || null;
}

// ---------------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------------

const form = h("form", { class: "sc-form", novalidate: true, autocomplete: "off" });
const formError = h("p", { class: "sc-form-error", role: "alert", hidden: true });
const resultBox = h("section", { class: "sc-results", id: "sc-results", "aria-label": "自查结果" });

function field(label, control, { hint = null, path = null, cls = "" } = {}) {
  return h("div", { class: `sc-field ${cls}`, dataset: path ? { path } : {} },
    h("label", { class: "sc-label", for: control.id || null }, label),
    control,
    hint ? h("p", { class: "sc-hint" }, hint) : null);
}

function choiceGroup(name, legend, options, value, { hint = null, onchange } = {}) {
  return h("fieldset", { class: "sc-field sc-choices", dataset: { path: name } },
    h("legend", { class: "sc-label" }, legend),
    h("div", { class: "sc-choice-list" }, options.map((option) => h("label", { class: "sc-choice" },
      h("input", { type: "radio", name: `sc-${name}`, value: option.value, checked: value === option.value,
                   onchange: () => onchange(option.value) }),
      h("span", { class: "sc-choice-text" }, option.label,
        option.explain ? h("small", {}, option.explain) : null)))),
    hint ? h("p", { class: "sc-hint" }, hint) : null);
}

function yearOptions(selected, { from, to }) {
  const options = [];
  for (let y = to; y >= from; y -= 1) options.push(h("option", { value: String(y), selected: Number(selected) === y }, `${y} 年`));
  return options;
}

function levelHint(level, year) {
  const spec = notice.levels[level];
  const N = Number(year) || notice.year;
  if (level === "assessment") {
    return [`按考核认定要求的年限完成学时，例如本科/专科 ${notice.assessment.hint.bachelor_or_college} 年、硕士 `,
      `${notice.assessment.hint.master} 年、博士 ${notice.assessment.hint.doctorate} 年。`, clauseLink(notice.assessment.clause)];
  }
  if (level === "none") {
    return [`只核对各年度是否达到公需科目 ${notice.requirements.public}、专业科目 ${notice.requirements.professional} 学时。`,
      clauseLink(notice.requirements.clause)];
  }
  const w = spec.window;
  const span = w > 1 ? `近 ${w} 年（${N - w + 1}–${N} 年）每一年` : `当年（${N} 年）`;
  return [`需完成${span}的公需科目和专业科目学时。`, clauseLink(notice.window_clause)];
}

function ageHint() {
  const a = notice.exemptions.age_not_restrictive;
  const b = notice.exemptions.age_one_year;
  return [`用于按年龄减免：男满 ${a.male_age}、女满 ${a.female_age} 周岁，学时不作为限制性条件；`,
    `男满 ${b.male_age}、女满 ${b.female_age} 周岁，近三年中完成一个年度即可。`, clauseLink(a.clause)];
}

function circumstanceRows() {
  const grassYears = (notice.exemptions.non_public_or_grassroots.evaluation_years || []).join("、");
  const N = Number(state.year) || notice.year;
  const windowYears = [];
  const w = notice.levels[state.level]?.window || 1;
  for (let y = N - w + 1; y <= N; y += 1) windowYears.push(y);
  return [
    { key: "grassroots_frontline", label: "在苏木、乡镇等基层一线工作",
      explain: `参加 ${grassYears} 年度职称评审时，学时不作为限制性条件，学习经历作为评审参考。`,
      clause: notice.exemptions.non_public_or_grassroots.clause },
    { key: "postdoc_qualifies", label: "符合条件的出站博士后",
      explain: "在站期间获中国博士后科学基金资助或主持省部级以上科研项目，出站后留在自治区工作：申报高级职称评审不要求学时。",
      clause: notice.exemptions.postdoc.clause },
    { key: "epidemic", label: "疫情防控一线医疗卫生人员（符合倾斜政策）",
      explain: "疫情防控当年度不要求继续教育学时。", clause: notice.exemptions.epidemic_frontline.clause,
      more: () => h("div", { class: "sc-sub", dataset: { path: "epidemic" } },
        h("p", { class: "sc-label" }, "是哪些年度（只需勾选申报要看的年度）："),
        h("div", { class: "sc-inline-choices" }, windowYears.map((y) => h("label", { class: "sc-choice sc-choice--inline" },
          h("input", { type: "checkbox", value: String(y), checked: state.epidemic_years.includes(y),
                       onchange: (e) => {
                         const set = new Set(state.epidemic_years);
                         if (e.target.checked) set.add(y); else set.delete(y);
                         state.epidemic_years = [...set].sort();
                         changed();
                       } }),
          ` ${y} 年`)))) },
    { key: "transferred", label: "从党政机关转任到企事业单位专业技术岗位",
      explain: "转任当年参加评审不要求学时；以后参加评审，只看转任以后的年度。",
      clause: notice.exemptions.transferred_from_government.clause,
      more: () => field("转任年度", h("input", { id: "sc-transferred-year", type: "text", inputmode: "numeric",
        maxlength: 4, placeholder: "例如 2023", value: state.transferred_year, class: "sc-input sc-input--short",
        oninput: (e) => { state.transferred_year = e.target.value; changed(false); } }),
      { path: "transferred_year", cls: "sc-sub" }) },
    { key: "high_skilled_talent", label: "高技能人才",
      explain: "申报职称评审时，职业技能培训的学时可以计入专业科目。", clause: clauseRequiring("high_skilled_talent") },
    { key: "primary_secondary_teacher", label: "中小学教师",
      explain: "教育教学相关能力提升培训的学时可以计入专业科目。", clause: clauseRequiring("primary_secondary_teacher") },
  ];
}

function checkRow({ key, label, explain, clause, more }) {
  return h("div", { class: "sc-check", dataset: { path: key } },
    h("label", { class: "sc-choice" },
      h("input", { type: "checkbox", dataset: { key }, checked: Boolean(state[key]),
                   onchange: (e) => { state[key] = e.target.checked; changed(true); } }),
      h("span", { class: "sc-choice-text" }, label, h("small", {}, explain, clause ? [" ", clauseLink(clause)] : null))),
    state[key] && more ? more() : null);
}

/** The kind's name without its parenthesised detail, short enough for a phone's select box. */
function shortLabel(label) {
  return label.split("（")[0];
}

function activityRow(row, index) {
  const spec = kindSpec(row.kind);
  const N = Number(state.year) || notice.year;
  const maxYear = Math.max(N, notice.year, Number(row.year) || 0);
  const minYear = Math.min(maxYear - 9, Number(row.year) || maxYear);
  const set = (key, rerender = false) => (e) => { row[key] = e.target.value; changed(rerender); };

  const amountLabel = row.unit === "minutes" ? "分钟数" : "学时";
  const parts = [
    h("div", { class: "sc-row-head" },
      h("span", { class: "sc-row-no" }, `第 ${index + 1} 条`),
      h("button", { type: "button", class: "sc-link-button sc-remove", "aria-label": `删除第 ${index + 1} 条培训记录`,
                    onclick: () => removeRow(index) }, "删除")),
    field("培训类型", h("select", { id: `sc-row-${index}-kind`, class: "sc-input", onchange: set("kind", true) },
      h("option", { value: "", selected: !row.kind }, "请选择……"),
      notice.kinds.map((k) => h("option", { value: k.code, selected: row.kind === k.code }, shortLabel(k.label)))),
    { path: `row-${index}-kind`, cls: "sc-field--kind" }),
  ];
  if (spec) {
    const subject = spec.subject === "input" ? "计入您选择的科目" : `计入${SUBJECTS[spec.subject]}`;
    const note = spec.completes_requirement ? "视同完成当年专业科目学时要求" : subject;
    // The select box shows the name without its parenthesised detail (and a phone may cut even
    // that): the hint repeats the whole label, e.g. "（…，考试合格后取得的学时）".
    const full = shortLabel(spec.label) !== spec.label || spec.label.length > 10 ? `${spec.label}：` : "";
    parts.push(h("p", { class: "sc-hint sc-kind-hint" }, full, note, "。", clauseLink(spec.clause)));
    if (spec.requires) {
      const requirement = {
        public_institution: { who: "事业单位专业技术人员", label: "我在事业单位工作", on: state.unit === "public_institution",
                              set: (v) => { state.unit = v ? "public_institution" : ""; } },
        high_skilled_talent: { who: "申报职称评审的高技能人才", label: "我是高技能人才", on: state.high_skilled_talent,
                               set: (v) => { state.high_skilled_talent = v; } },
        primary_secondary_teacher: { who: "中小学教师", label: "我是中小学教师", on: state.primary_secondary_teacher,
                                     set: (v) => { state.primary_secondary_teacher = v; } },
      }[spec.requires];
      if (requirement && !requirement.on) {
        parts.push(h("div", { class: "sc-requires" },
          h("p", {}, `这类培训只对${requirement.who}计入学时。`),
          h("label", { class: "sc-choice" },
            h("input", { type: "checkbox", onchange: (e) => { requirement.set(e.target.checked); changed(true); } }),
            h("span", { class: "sc-choice-text" }, requirement.label))));
      }
    }
    if (spec.subject === "input") {
      parts.push(h("fieldset", { class: "sc-field sc-choices", dataset: { path: `row-${index}-subject` } },
        h("legend", { class: "sc-label" }, "计入科目"),
        h("div", { class: "sc-inline-choices" }, Object.entries(SUBJECTS).map(([code, label]) => h("label", { class: "sc-choice sc-choice--inline" },
          h("input", { type: "radio", name: `sc-row-${index}-subject`, value: code, checked: row.subject === code,
                       onchange: () => { row.subject = code; changed(false); } }), ` ${label}`)))));
    }
  }
  parts.push(h("div", { class: "sc-row-line" },
    field("年度", h("select", { id: `sc-row-${index}-year`, class: "sc-input", onchange: set("year", true) },
      yearOptions(row.year, { from: minYear, to: maxYear })), { path: `row-${index}-year`, cls: "sc-field--year" }),
    h("div", { class: "sc-field sc-amount", dataset: { path: `row-${index}-amount` } },
      h("label", { class: "sc-label", for: `sc-row-${index}-amount` },
        spec?.completes_requirement ? `${amountLabel}（可不填）` : amountLabel),
      h("div", { class: "sc-amount-line" },
        h("input", { id: `sc-row-${index}-amount`, class: "sc-input sc-input--amount", type: "text", inputmode: "decimal",
                     placeholder: row.unit === "minutes" ? "如 2700" : "如 30", value: row.amount,
                     oninput: set("amount") }),
        h("select", { class: "sc-input sc-unit", "aria-label": "单位", onchange: set("unit", true) },
          h("option", { value: "hours", selected: row.unit !== "minutes" }, "学时"),
          h("option", { value: "minutes", selected: row.unit === "minutes" }, "分钟"))))));
  if (row.unit === "minutes") {
    parts.push(h("p", { class: "sc-hint" }, `证书只写时长的，按 ${notice.minutes_per_hour} 分钟计 1 学时。`,
      clauseLink(notice.conversion_clause)));
  }
  return h("li", { class: "sc-row", dataset: { row: String(index) } }, parts);
}

function renderForm() {
  const focusedPath = document.activeElement?.id;
  const evaluationLevel = ["senior", "intermediate", "junior"].includes(state.level);
  const N = Number(state.year) || notice.year;
  const opened = state.grassroots_frontline || state.postdoc_qualifies || state.epidemic || state.transferred ||
    state.high_skilled_talent || state.primary_secondary_teacher;

  form.replaceChildren(...[
    restoreNote(), // null when nothing was lost; replaceChildren would show that as the text "null"
    h("section", { class: "sc-section" },
      h("h2", {}, "1. 申报什么"),
      field("申报类别", h("select", { id: "sc-level", class: "sc-input", onchange: (e) => { state.level = e.target.value; changed(true); } },
        LEVEL_ORDER.map((code) => h("option", { value: code, selected: state.level === code },
          code === "none" ? "不申报，只核对各年度学时" : `申报${notice.levels[code].label}`))),
      { path: "level", hint: levelHint(state.level, N) }),
      field(state.level === "none" ? "核对到哪一年" : "申报年度", h("select", { id: "sc-year", class: "sc-input",
        onchange: (e) => { state.year = Number(e.target.value); changed(true); } },
        yearOptions(N, { from: notice.year - 5, to: notice.year + 3 })), { path: "year" }),
      state.level === "assessment"
        ? field("考核认定要求的年限（年）", h("input", { id: "sc-assessment-years", class: "sc-input sc-input--short", type: "text",
            inputmode: "numeric", maxlength: 2, value: state.assessment_years, placeholder: "例如 1",
            oninput: (e) => { state.assessment_years = e.target.value; changed(false); } }),
          { path: "assessment_years", hint: "按考核认定的要求填写；不清楚的请问单位人事部门。" })
        : null,
      evaluationLevel ? checkRow({ key: "exceptional", label: "破格申报",
        explain: "按实际任职年限（年度）完成学时要求。", clause: notice.exemptions.exceptional.clause,
        more: () => field("实际任职年限（年）", h("input", { id: "sc-years-in-post", class: "sc-input sc-input--short", type: "text",
          inputmode: "numeric", maxlength: 2, value: state.years_in_post, placeholder: "例如 2",
          oninput: (e) => { state.years_in_post = e.target.value; changed(false); } }), { path: "years_in_post", cls: "sc-sub" }) })
        : null),
    h("section", { class: "sc-section" },
      h("h2", {}, "2. 您的情况"),
      choiceGroup("sex", "性别", [{ value: "male", label: "男" }, { value: "female", label: "女" }], state.sex,
        { onchange: (v) => { state.sex = v; changed(false); } }),
      field("出生日期", h("input", { id: "sc-birth-date", class: "sc-input", type: "date", value: state.birth_date,
        min: `${notice.year - 80}-01-01`, max: `${notice.year}-12-31`,  // nobody in post is older than 80
        onchange: (e) => { state.birth_date = e.target.value; changed(false); } }), { path: "birth_date", hint: ageHint() }),
      choiceGroup("unit", "工作单位", [
        { value: "public_institution", label: "事业单位",
          explain: ["单位组织的岗前、在岗、转岗、专项培训学时可以计入。", clauseLink(clauseRequiring("public_institution"))] },
        { value: "non_public_sector", label: "非公有制经济组织（民营企业等）",
          explain: [`参加 ${(notice.exemptions.non_public_or_grassroots.evaluation_years || []).join("、")} 年度职称评审时，学时不作为限制性条件。`,
            clauseLink(notice.exemptions.non_public_or_grassroots.clause)] },
        { value: "other", label: "其他（国有企业等）" },
      ], state.unit, { onchange: (v) => { state.unit = v; changed(true); } })),
    h("section", { class: "sc-section" },
      h("h2", {}, "3. 培训记录"),
      h("p", { class: "sc-hint" }, "按证书或学时证明，一条一条填写。考试合格的职业资格考试也填在这里。"),
      h("ol", { class: "sc-rows" }, state.activities.map(activityRow)),
      h("button", { type: "button", class: "md-button sc-add", onclick: addRow }, "＋ 添加一条培训记录")),
    moreSection(state.moreOpen ?? opened),
    formError,
    h("div", { class: "sc-actions" },
      h("button", { type: "submit", class: "md-button md-button--primary sc-submit" }, "核对学时"),
      clearButton()),
    storageNote(),
  ].filter(Boolean));
  if (focusedPath) document.getElementById(focusedPath)?.focus();
}

// "其他情况": closed until the person opens it (or something in it is already ticked).
function moreSection(open) {
  const toggle = h("button", { type: "button", class: "sc-disclosure", "aria-expanded": open ? "true" : "false",
                               "aria-controls": "sc-more-body", id: "sc-more-toggle",
                               onclick: () => { state.moreOpen = !open; changed(true); } },
    h("span", {}, "4. 其他情况（可选）"), h("span", { class: "sc-disclosure-mark", "aria-hidden": "true" }, open ? "收起" : "展开"));
  return h("section", { class: "sc-section sc-more" },
    h("h2", {}, toggle),
    h("p", { class: "sc-hint" }, "基层一线、出站博士后、疫情防控一线、从党政机关转任、高技能人才、中小学教师。"),
    open ? h("div", { id: "sc-more-body" },
      h("p", { class: "sc-hint" }, "符合下面任何一项的，勾选后会按相应条款计算。"),
      circumstanceRows().map(checkRow)) : null);
}

let clearArmed = null;

function clearButton() {
  const button = h("button", { type: "button", class: "md-button sc-clear", onclick: () => {
    if (!clearArmed) {
      button.textContent = "再点一次，确认清除";
      button.classList.add("sc-clear--armed");
      clearArmed = setTimeout(() => { clearArmed = null; button.textContent = "清除"; button.classList.remove("sc-clear--armed"); }, 5000);
      return;
    }
    clearTimeout(clearArmed);
    clearArmed = null;
    try { localStorage.removeItem(STORAGE_KEY); } catch (error) { /* nothing stored */ }
    state = blankState();
    restoreProblem = null;
    autoUpdate = false;
    lastRun = null;
    resultBox.replaceChildren();
    formError.hidden = true;
    renderForm();
    root.querySelector(".sc-status")?.scrollIntoView({ block: "nearest" });
  } }, "清除");
  return button;
}

function addRow() {
  const last = state.activities[state.activities.length - 1];
  state.activities.push(blankRow(last ? last.year : notice.year));
  changed(true);
  const index = state.activities.length - 1;
  document.getElementById(`sc-row-${index}-kind`)?.focus();
}

function removeRow(index) {
  state.activities.splice(index, 1);
  if (!state.activities.length) state.activities.push(blankRow(Number(state.year) || notice.year));
  changed(true);
}

let updateTimer = null;

function changed(rerender = false) {
  if (rerender) renderForm();
  saveState();
  clearFieldErrors();
  if (autoUpdate) {
    clearTimeout(updateTimer);
    updateTimer = setTimeout(() => check({ quiet: true }), 350);
  }
}

function clearFieldErrors() {
  formError.hidden = true;
  for (const el of form.querySelectorAll(".sc-invalid")) el.classList.remove("sc-invalid");
  for (const el of form.querySelectorAll(".sc-field-error")) el.remove();
}

// The message goes beside the button (read out: role=alert) and under the field itself, where the
// page scrolls to: on a phone the button is screens away from most fields.
function markField(path, message) {
  clearFieldErrors();
  formError.hidden = false;
  formError.textContent = message;
  const box = path ? form.querySelector(`[data-path="${path}"]`) : null;
  if (!box) return formError;
  box.classList.add("sc-invalid");
  box.append(h("p", { class: "sc-field-error" }, message));
  return box;
}

// ---------------------------------------------------------------------------------------------
// Checking and the result
// ---------------------------------------------------------------------------------------------

/** Empty rows before the last one go, so that "第 n 条" on screen is the engine's activity n. */
function dropEmptyRows() {
  const last = state.activities.length - 1;
  const kept = state.activities.filter((row, i) => i === last || !rowIsEmpty(row));
  if (kept.length === state.activities.length) return;
  state.activities = kept;
  renderForm();
  saveState();
}

async function check({ quiet = false } = {}) {
  dropEmptyRows();
  const problem = formProblem();
  if (problem) {
    if (!quiet) markField(problem.path, problem.message).scrollIntoView({ block: "center", behavior: "smooth" });
    else resultBox.querySelector(".sc-card")?.classList.add("sc-stale");
    return;
  }
  const person = buildPerson();
  if (!engine.info && !engine.failure) {
    resultBox.replaceChildren(h("p", { class: "sc-waiting" }, "自查程序还在加载，加载完成后立即显示结果……"));
  }
  try {
    const result = await evaluate(person);
    lastRun = { person, result };
    state.checked = true;
    autoUpdate = true;
    saveState();
    renderResult(result, person);
    if (!quiet) resultBox.scrollIntoView({ block: "start", behavior: "smooth" });
  } catch (error) {
    if (error.internal || engine.failure) {
      resultBox.replaceChildren(h("p", { class: "sc-alert" }, error.message));
      return;
    }
    resultBox.querySelector(".sc-card")?.classList.add("sc-stale");
    if (!quiet || error.field) {
      const box = markField(pathForField(error.field, person), error.message);
      if (!quiet) box.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  check();
});

function statusClass(status) {
  return { met: "met", not_met: "short", not_restrictive: "free", not_required: "free", no_application: "none" }[status];
}

function meter(label, value, required, missing, byExam) {
  const share = required ? Math.min(1, value / required) : 1;
  const done = missing === 0;
  const fill = h("span", { class: "sc-meter-fill" });
  fill.style.width = `${(byExam ? 1 : share) * 100}%`;
  const text = byExam ? "职业资格考试视同完成" : `${fmtHours(value)} / ${required} 学时`;
  return h("div", { class: `sc-meter ${done ? "sc-meter--done" : "sc-meter--short"}`, role: "img",
                    "aria-label": `${label} ${text}${done ? "，已达到" : `，尚差 ${fmtHours(missing, true)} 学时`}` },
    h("span", { class: "sc-meter-label" }, label),
    h("span", { class: "sc-meter-track" }, fill),
    h("span", { class: "sc-meter-value" }, text,
      done ? null : h("span", { class: "sc-meter-gap" }, ` 尚差 ${fmtHours(missing, true)}`)));
}

function yearBlock(year, application) {
  const free = ["not_restrictive", "not_required"].includes(application.status);
  const required = !free && application.years_required.includes(year.year);
  const badge = year.met ? "已满足" : "尚未满足";
  return h("div", { class: `sc-year ${year.met ? "sc-year--met" : "sc-year--short"}`, dataset: { year: String(year.year) } },
    h("div", { class: "sc-year-head" },
      h("strong", {}, `${year.year} 年`),
      required ? h("span", { class: "sc-tag" }, "申报要看") : null,
      h("span", { class: "sc-badge" }, badge)),
    meter("公需", year.public, year.public_required, year.public_missing, false),
    meter("专业", year.professional, year.professional_required, year.professional_missing, year.professional_by_exam));
}

function uniqueClauses(result) {
  const ids = new Set(result.application.clauses);
  for (const year of result.years) for (const id of year.clauses) ids.add(id);
  for (const message of result.messages) if (message.clause) ids.add(message.clause);
  const order = Object.keys(notice.clauses);
  return [...ids].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

function renderResult(result, person) {
  const app = result.application;
  const statusName = notice.statuses[app.status] || app.status;
  const cls = app.status === "no_application"
    ? (result.years.some((y) => !y.met) ? "short" : "met") : statusClass(app.status);
  const levelName = notice.levels[app.level]?.label;
  const heading = app.level === "none" ? `${app.year ?? ""} 年度学时核对` : `${app.year} 年申报${levelName}`;
  const warnings = result.messages.filter((m) => m.level === "warning");
  const readings = result.messages.filter((m) => m.level !== "warning");
  const unmetYears = result.years.filter((y) => !y.met);
  const free = ["not_restrictive", "not_required"].includes(app.status);
  // What is missing, in the engine's words: for an application the years it needs, else every
  // short year (that year's sentence). Where hours do not limit the application, the engine's
  // gaps are shown apart, for reference only.
  const gaps = app.status === "not_met" ? app.missing.map((m) => m.text)
    : app.status === "no_application" ? unmetYears.map((y) => y.text.replace(/。$/, ""))
    : [];
  const reference = app.status === "not_restrictive" ? (app.reference_missing || []).map((m) => m.text) : [];

  let verdict;
  if (app.status === "no_application") {
    verdict = unmetYears.length
      ? `${unmetYears.map((y) => y.year).join("、")} 年尚未满足年度学时要求`
      : "各年度学时均已满足";
  } else {
    verdict = statusName;
  }

  const card = h("article", { class: `sc-card sc-card--${cls}`, id: "sc-card", dataset: { status: app.status } },
    h("header", { class: "sc-card-head" },
      h("p", { class: "sc-card-kicker" }, "学时自查结果"),
      h("h2", { class: "sc-card-title" }, heading)),
    h("div", { class: "sc-verdict" },
      h("p", { class: "sc-verdict-status", role: "status", dataset: { status: app.status } }, verdict),
      h("p", { class: "sc-verdict-text" }, app.text),
      app.clauses.length ? h("p", { class: "sc-cites" }, "依据：", app.clauses.map((id, i) => [i ? "、" : "", clauseLink(id, { title: true })])) : null),
    gaps.length
      ? h("div", { class: "sc-missing" },
        h("h3", {}, "还差什么"),
        h("ul", {}, gaps.map((text) => h("li", {}, text))),
        app.years_needed < app.years_required.length
          ? h("p", { class: "sc-hint" }, `只需在 ${app.years_required.join("、")} 年中任 ${app.years_needed} 个年度达到要求；上面是差得最少的一年。`)
          : null)
      : null,
    app.exemptions.length
      ? h("div", { class: "sc-exemptions" },
        h("h3", {}, "适用的减免规定"),
        h("ul", {}, app.exemptions.map((e) => h("li", { dataset: { code: e.code, applied: String(e.applied) } },
          h("span", { class: `sc-tag ${e.applied ? "sc-tag--on" : ""}` }, e.applied ? "已采用" : "也适用"),
          " ", e.text, " ", clauseLink(e.clause)))),
        app.exemptions.some((e) => !e.applied)
          ? h("p", { class: "sc-hint" }, "几项同时适用时，按对您最有利的一项（或几项）计算；“也适用”的各项没有改变结论。")
          : null)
      : null,
    warnings.length ? h("div", { class: "sc-warnings" }, h("h3", {}, "请注意"),
      h("ul", {}, warnings.map((m) => h("li", {}, m.text, m.clause ? [" ", clauseLink(m.clause)] : null)))) : null,
    // Not alarming: after the rule that frees the application, and in plain weight.
    reference.length
      ? h("div", { class: "sc-reference" },
        h("h3", {}, "尚差的学时（仅供参考）"),
        h("p", { class: "sc-hint" }, "学时不作为本次申报的限制性条件，下面的差额不影响结论。"),
        h("ul", {}, reference.map((text) => h("li", {}, text))))
      : null,
    h("div", { class: `sc-years${free ? " sc-years--free" : ""}` },
      h("h3", {}, "各年度学时"),
      h("p", { class: "sc-hint" }, `每年要求：公需科目不少于 ${notice.requirements.public} 学时，专业科目不少于 ${notice.requirements.professional} 学时，多出的不能互相抵补。`, clauseLink(notice.requirements.clause)),
      free ? h("p", { class: "sc-hint" }, "本次申报不受学时限制；下面的各年度情况仅供了解。") : null,
      result.years.map((year) => yearBlock(year, app))),
    readings.length ? h("div", { class: "sc-readings" }, h("h3", {}, "本自查采用的理解"),
      h("ul", {}, readings.map((m) => h("li", {}, m.text, m.clause ? [" ", clauseLink(m.clause)] : null)))) : null,
    h("div", { class: "sc-all-cites" }, h("h3", {}, "引用的条款"),
      h("ul", {}, uniqueClauses(result).map((id) => h("li", {}, clauseLink(id, { title: true }))))),
    h("footer", { class: "sc-stamp" },
      h("p", {}, "依据：", result.notice.issuer, "《", result.notice.title, "》（", cnDate(result.notice.issued), "印发）"),
      h("p", {}, `规则版本 ${result.notice.rules_version} · 自查日期 ${cnDate(today())}`),
      h("p", {}, "本结果由您的浏览器按通知逐条计算，仅供自查参考，以主管部门审核为准。")));

  resultBox.replaceChildren(...[
    card,
    whatIf(result, person), // null when no year can be tried
    h("div", { class: "sc-actions sc-result-actions" },
      h("button", { type: "button", class: "md-button", onclick: () => window.print() }, "打印或存为 PDF"),
      h("button", { type: "button", class: "md-button", onclick: () => form.scrollIntoView({ behavior: "smooth" }) }, "修改填写")),
  ].filter(Boolean));
}

// "What if": add N hours to one year and subject, and see the outcome the engine gives then.
function whatIf(result, person) {
  const app = result.application;
  const years = result.years.map((y) => y.year);
  const open = app.status === "not_met" || (app.status === "no_application" && result.years.some((y) => !y.met));
  if (!years.length || !open) return null;
  const firstGap = app.missing[0] || result.years.find((y) => !y.met);
  const gapYear = firstGap ? firstGap.year : years[years.length - 1];
  const gapRow = result.years.find((y) => y.year === gapYear);
  const subject = gapRow && gapRow.public_missing === 0 && gapRow.professional_missing > 0 ? "professional"
    : gapRow && gapRow.public_missing > 0 ? "public" : "professional";
  const gap = gapRow ? (subject === "public" ? gapRow.public_missing : gapRow.professional_missing) : 0;

  const yearSelect = h("select", { class: "sc-input", id: "sc-whatif-year", "aria-label": "年度" },
    years.map((y) => h("option", { value: String(y), selected: y === gapYear }, `${y} 年`)));
  const subjectSelect = h("select", { class: "sc-input", id: "sc-whatif-subject", "aria-label": "科目" },
    Object.entries(SUBJECTS).map(([code, label]) => h("option", { value: code, selected: code === subject }, label)));
  const hoursInput = h("input", { class: "sc-input sc-input--short", id: "sc-whatif-hours", type: "text",
    inputmode: "decimal", value: gap ? fmtHours(gap, true) : "10", "aria-label": "学时" });
  const answer = h("div", { class: "sc-whatif-answer", "aria-live": "polite" });

  async function tryIt() {
    const hours = toNumber(hoursInput.value);
    if (!hours || Number.isNaN(hours)) {
      answer.replaceChildren(h("p", { class: "sc-form-error" }, "请填写要增加的学时数，例如 15。"));
      return;
    }
    const chosen = subjectSelect.value;
    const extra = { year: Number(yearSelect.value), kind: chosen === "public" ? "public_online" : "professional_online", hours };
    const trial = JSON.parse(JSON.stringify(person));
    trial.activities.push(extra);
    try {
      const next = await evaluate(trial);
      const before = notice.statuses[app.status];
      const after = notice.statuses[next.application.status];
      const changedOutcome = next.application.status !== app.status;
      answer.replaceChildren(
        h("p", { class: "sc-whatif-line", dataset: { status: next.application.status } },
          `假如 ${extra.year} 年再完成${SUBJECTS[chosen]} ${fmtHours(hours)} 学时：`,
          app.level === "none"
            ? h("strong", {}, next.years.find((y) => y.year === extra.year)?.met ? `${extra.year} 年将满足要求` : `${extra.year} 年仍未满足`)
            : h("strong", {}, changedOutcome ? `结论由“${before}”变为“${after}”` : `结论仍是“${after}”`)),
        h("p", {}, app.level === "none" ? next.years.find((y) => y.year === extra.year)?.text : next.application.text));
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

// ---------------------------------------------------------------------------------------------
// Start: notice data, saved answers, form
// ---------------------------------------------------------------------------------------------

async function start() {
  if (!root) return;
  try {
    if (!NOTICE_ID || !STORAGE_KEY) throw new Error("页面缺少 data-notice 或 data-storage-key");
    const url = new URL(`../selfcheck/${NOTICE_ID}.json`, import.meta.url);
    const response = await fetch(url, { cache: "no-cache" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    notice = await response.json();
  } catch (error) {
    root.append(h("p", { class: "sc-alert" }, "自查表格未能加载（", String(error.message || error), "）。请刷新页面重试。"));
    return;
  }
  state = loadState();
  root.append(form, resultBox);
  try {
    renderForm();
  } catch (error) {
    // Saved answers that passed the checks above and still break the form: start blank.
    console.warn("selfcheck: the saved answers could not be shown", error);
    state = blankState();
    restoreProblem = "unreadable";
    renderForm();
  }
  root.classList.add("sc-loaded");
  if (state.checked) {
    autoUpdate = true;
    check({ quiet: true });
  }
}

start();
