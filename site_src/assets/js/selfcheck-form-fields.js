// 学时自查: the parts of the form — a field, a choice group, the rows of 其他情况, one training
// record. Every function takes the page (selfcheck.js) and changes page.answers, then calls
// page.changed(rerender) (selfcheck-form.js).

import { h } from "./dom.js";
import { blankRow } from "./selfcheck-answers.js";
import { clauseLink } from "./selfcheck-clauses.js";
import { clauseRequiring, kindSpec, offeredEpidemicYears } from "./selfcheck-person.js";

export function field(label, control, { hint = null, path = null, cls = "" } = {}) {
  return h("div", { class: `sc-field ${cls}`, dataset: path ? { path } : {} },
    h("label", { class: "sc-label", for: control.id || null }, label),
    control,
    hint ? h("p", { class: "sc-hint" }, hint) : null);
}

export function choiceGroup(name, legend, options, value, { hint = null, onchange } = {}) {
  return h("fieldset", { class: "sc-field sc-choices", dataset: { path: name } },
    h("legend", { class: "sc-label" }, legend),
    h("div", { class: "sc-choice-list" }, options.map((option) => h("label", { class: "sc-choice" },
      h("input", { type: "radio", name: `sc-${name}`, value: option.value, checked: value === option.value,
                   onchange: () => onchange(option.value) }),
      h("span", { class: "sc-choice-text" }, option.label,
        option.explain ? h("small", {}, option.explain) : null)))),
    hint ? h("p", { class: "sc-hint" }, hint) : null);
}

/** <option>s for `years` (newest first). */
export function yearOptions(selected, years) {
  return years.map((y) => h("option", { value: String(y), selected: Number(selected) === y }, `${y} 年`));
}

/** The application year the form works with: the chosen one, or the notice's. */
export function chosenYear(page) {
  return Number(page.answers.year) || page.notice.year;
}

export function subjectName(notice, code) {
  return notice.subjects.find((s) => s.code === code)?.label;
}

export function checkRow(page, { key, label, explain, clause, more }) {
  const answers = page.answers;
  return h("div", { class: "sc-check", dataset: { path: key } },
    h("label", { class: "sc-choice" },
      h("input", { type: "checkbox", dataset: { key }, checked: Boolean(answers[key]),
                   onchange: (e) => { answers[key] = e.target.checked; page.changed(true); } }),
      h("span", { class: "sc-choice-text" }, label, h("small", {}, explain, clause ? [" ", clauseLink(page.notice, clause)] : null))),
    answers[key] && more ? more() : null);
}

function epidemicYears(page) {
  const { answers, notice } = page;
  const years = offeredEpidemicYears(notice, answers);
  return h("div", { class: "sc-sub", dataset: { path: "epidemic" } },
    h("p", { class: "sc-label" }, "是哪些年度（只需勾选申报要看的年度）："),
    h("div", { class: "sc-inline-choices" }, years.map((y) => h("label", { class: "sc-choice sc-choice--inline" },
      h("input", { type: "checkbox", value: String(y), checked: answers.epidemic_years.includes(y),
                   onchange: (e) => {
                     const set = new Set(answers.epidemic_years);
                     if (e.target.checked) set.add(y); else set.delete(y);
                     answers.epidemic_years = [...set].sort();
                     page.changed();
                   } }),
      ` ${y} 年`))));
}

function transferredYear(page) {
  return field("转任年度", h("input", { id: "sc-transferred-year", type: "text", inputmode: "numeric",
    maxlength: 4, placeholder: "例如 2023", value: page.answers.transferred_year, class: "sc-input sc-input--short",
    oninput: (e) => { page.answers.transferred_year = e.target.value; page.changed(false); } }),
  { path: "transferred_year", cls: "sc-sub" });
}

/** The rows of 其他情况, each with its clause. */
export function circumstanceRows(page) {
  const { notice } = page;
  const exemptions = notice.exemptions;
  const grassYears = (exemptions.non_public_or_grassroots.evaluation_years || []).join("、");
  const epidemicOffered = offeredEpidemicYears(notice, page.answers).length > 0;
  return [
    { key: "grassroots_frontline", label: "在苏木、乡镇等基层一线工作",
      explain: `参加 ${grassYears} 年度职称评审时，学时不作为限制性条件，学习经历作为评审参考。`,
      clause: exemptions.non_public_or_grassroots.clause },
    { key: "postdoc_qualifies", label: "符合条件的出站博士后",
      explain: "在站期间获中国博士后科学基金资助或主持省部级以上科研项目，出站后留在自治区工作：申报高级职称评审不要求学时。",
      clause: exemptions.postdoc.clause },
    { key: "epidemic", label: "疫情防控一线医疗卫生人员（符合倾斜政策）",
      explain: "疫情防控当年度不要求继续教育学时。", clause: exemptions.epidemic_frontline.clause,
      more: () => epidemicYears(page), offered: epidemicOffered },
    { key: "transferred", label: "从党政机关转任到企事业单位专业技术岗位",
      explain: "转任当年参加评审不要求学时；以后参加评审，只看转任以后的年度。",
      clause: exemptions.transferred_from_government.clause, more: () => transferredYear(page) },
    { key: "high_skilled_talent", label: "高技能人才",
      explain: "申报职称评审时，职业技能培训的学时可以计入专业科目。", clause: clauseRequiring(notice, "high_skilled_talent") },
    { key: "primary_secondary_teacher", label: "中小学教师",
      explain: "教育教学相关能力提升培训的学时可以计入专业科目。", clause: clauseRequiring(notice, "primary_secondary_teacher") },
  ].filter((row) => row.offered !== false);
}

/** The kind's name without its parenthesised detail, short enough for a phone's select box. */
function shortLabel(label) {
  return label.split("（")[0];
}

// A kind that counts only for people in a circumstance, when the person has not said so yet.
function requirementOf(page, circumstance) {
  const answers = page.answers;
  return {
    public_institution: { who: "事业单位专业技术人员", label: "我在事业单位工作", on: answers.unit === "public_institution",
                          set: (v) => { answers.unit = v ? "public_institution" : ""; } },
    high_skilled_talent: { who: "申报职称评审的高技能人才", label: "我是高技能人才", on: answers.high_skilled_talent,
                           set: (v) => { answers.high_skilled_talent = v; } },
    primary_secondary_teacher: { who: "中小学教师", label: "我是中小学教师", on: answers.primary_secondary_teacher,
                                 set: (v) => { answers.primary_secondary_teacher = v; } },
  }[circumstance];
}

/** What the row says about its kind: the subject it counts for, who it counts for, the subject choice. */
function kindParts(page, row, index, spec) {
  const { notice } = page;
  const subject = spec.subject === "input" ? "计入您选择的科目" : `计入${subjectName(notice, spec.subject)}`;
  const note = spec.completes_requirement ? `视同完成该年度${subjectName(notice, spec.subject)}学时要求` : subject;
  // The select box shows the name without its parenthesised detail (and a phone may cut even
  // that): the hint repeats the whole label, e.g. "（…，考试合格后取得的学时）".
  const full = shortLabel(spec.label) !== spec.label || spec.label.length > 10 ? `${spec.label}：` : "";
  const parts = [h("p", { class: "sc-hint sc-kind-hint" }, full, note, "。", clauseLink(notice, spec.clause))];
  const requirement = spec.requires ? requirementOf(page, spec.requires) : null;
  if (requirement && !requirement.on) {
    parts.push(h("div", { class: "sc-requires" },
      h("p", {}, `这类培训只对${requirement.who}计入学时。`),
      h("label", { class: "sc-choice" },
        h("input", { type: "checkbox", onchange: (e) => { requirement.set(e.target.checked); page.changed(true); } }),
        h("span", { class: "sc-choice-text" }, requirement.label))));
  }
  if (spec.subject === "input") {
    parts.push(h("fieldset", { class: "sc-field sc-choices", dataset: { path: `row-${index}-subject` } },
      h("legend", { class: "sc-label" }, "计入科目"),
      h("div", { class: "sc-inline-choices" }, notice.subjects.map(({ code, label }) => h("label", { class: "sc-choice sc-choice--inline" },
        h("input", { type: "radio", name: `sc-row-${index}-subject`, value: code, checked: row.subject === code,
                     onchange: () => { row.subject = code; page.changed(false); } }), ` ${label}`)))));
  }
  return parts;
}

/** The row's years: up to ten back from the latest of the application year, the notice's and its own. */
function rowYears(page, row) {
  const maxYear = Math.max(chosenYear(page), page.notice.year, Number(row.year) || 0);
  const minYear = Math.min(maxYear - 9, Number(row.year) || maxYear);
  const years = [];
  for (let y = maxYear; y >= minYear; y -= 1) years.push(y);
  return years;
}

function yearAndAmount(page, row, index, spec) {
  const set = (key, rerender = false) => (e) => { row[key] = e.target.value; page.changed(rerender); };
  const amountLabel = row.unit === "minutes" ? "分钟数" : "学时";
  return h("div", { class: "sc-row-line" },
    field(spec?.year_label ?? "年度", h("select", { id: `sc-row-${index}-year`, class: "sc-input", onchange: set("year", true) },
      yearOptions(row.year, rowYears(page, row))), { path: `row-${index}-year`, cls: "sc-field--year" }),
    h("div", { class: "sc-field sc-amount", dataset: { path: `row-${index}-amount` } },
      h("label", { class: "sc-label", for: `sc-row-${index}-amount` },
        spec?.completes_requirement ? `${amountLabel}（可不填）` : amountLabel),
      h("div", { class: "sc-amount-line" },
        h("input", { id: `sc-row-${index}-amount`, class: "sc-input sc-input--amount", type: "text", inputmode: "decimal",
                     placeholder: row.unit === "minutes" ? "如 2700" : "如 30", value: row.amount,
                     oninput: set("amount") }),
        h("select", { class: "sc-input sc-unit", "aria-label": "单位", onchange: set("unit", true) },
          h("option", { value: "hours", selected: row.unit !== "minutes" }, "学时"),
          h("option", { value: "minutes", selected: row.unit === "minutes" }, "分钟")))));
}

function removeRow(page, index) {
  const answers = page.answers;
  answers.activities.splice(index, 1);
  if (!answers.activities.length) answers.activities.push(blankRow(chosenYear(page)));
  page.changed(true);
}

/** One training record of the form. */
export function activityRow(page, row, index) {
  const { notice } = page;
  const spec = kindSpec(notice, row.kind);
  const kindSelect = h("select", { id: `sc-row-${index}-kind`, class: "sc-input",
                                   onchange: (e) => { row.kind = e.target.value; page.changed(true); } },
    h("option", { value: "", selected: !row.kind }, "请选择……"),
    notice.kinds.map((k) => h("option", { value: k.code, selected: row.kind === k.code }, shortLabel(k.label))));
  return h("li", { class: "sc-row", dataset: { row: String(index) } },
    h("div", { class: "sc-row-head" },
      h("span", { class: "sc-row-no" }, `第 ${index + 1} 条`),
      h("button", { type: "button", class: "sc-link-button sc-remove", "aria-label": `删除第 ${index + 1} 条培训记录`,
                    onclick: () => removeRow(page, index) }, "删除")),
    field("培训类型", kindSelect, { path: `row-${index}-kind`, cls: "sc-field--kind" }),
    spec ? kindParts(page, row, index, spec) : null,
    yearAndAmount(page, row, index, spec),
    spec?.year_hint ? h("p", { class: "sc-hint sc-year-hint" }, spec.year_hint) : null,
    row.unit === "minutes"
      ? h("p", { class: "sc-hint" }, `证书只写时长的，按 ${notice.minutes_per_hour} 分钟计 1 学时。`,
        clauseLink(notice, notice.conversion_clause))
      : null);
}
