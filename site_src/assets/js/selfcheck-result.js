// 学时自查: the result card. Every sentence, hour and date on it is the engine's (the result
// object, worded by rules_py/wording.py) or the page data's; nothing is counted or formatted here.

import { h } from "./dom.js";
import { clauseLink, uniqueClauses } from "./selfcheck-clauses.js";
import { whatIf } from "./selfcheck-whatif.js";

const STATUS_CLASSES = { met: "met", not_met: "short", not_restrictive: "free", not_required: "free" };
const FREE_STATUSES = ["not_restrictive", "not_required"];

/** Hours do not limit this application: the years are shown for reference only. */
export function isFree(application) {
  return FREE_STATUSES.includes(application.status);
}

/**
 * What the card's head says, from the result alone: {cls, heading, verdict, gaps, reference}.
 * gaps: what is missing, in the engine's words — for an application the years it needs, else every
 * short year (that year's sentence); reference: the gaps where hours do not limit the application.
 */
export function resultSummary(result, notice) {
  const app = result.application;
  const unmetYears = result.years.filter((y) => !y.met);
  const onlyYears = app.status === "no_application";
  const level = notice.levels[app.level];
  return {
    cls: onlyYears ? (unmetYears.length ? "short" : "met") : STATUS_CLASSES[app.status],
    heading: level?.years_only ? `${app.year ?? ""} 年度学时核对` : `${app.year} 年申报${level?.label}`,
    verdict: !onlyYears ? notice.statuses[app.status] || app.status
      : unmetYears.length ? `${unmetYears.map((y) => y.year).join("、")} 年尚未满足年度学时要求` : "各年度学时均已满足",
    gaps: app.status === "not_met" ? app.missing.map((m) => m.text)
      : onlyYears ? unmetYears.map((y) => y.text.replace(/。$/, "")) : [],
    reference: app.status === "not_restrictive" ? (app.reference_missing || []).map((m) => m.text) : [],
  };
}

/** One subject's meter of one year. `subject`: the page data's subject; hours from the result. */
function meter(year, subject) {
  const code = subject.code;
  const required = year[`${code}_required`];
  const byExam = Boolean(year[`${code}_by_exam`]);  // the result has professional_by_exam
  const done = year[`${code}_missing`] === 0;
  const words = year.hours_text;
  const fill = h("span", { class: "sc-meter-fill" });
  fill.style.width = `${(byExam || !required ? 1 : Math.min(1, year[code] / required)) * 100}%`;
  const text = byExam ? "职业资格考试视同完成" : `${words[code]} / ${required} 学时`;
  const gap = words[`${code}_missing`];
  return h("div", { class: `sc-meter ${done ? "sc-meter--done" : "sc-meter--short"}`, role: "img",
                    "aria-label": `${subject.short} ${text}${done ? "，已达到" : `，尚差 ${gap} 学时`}` },
    h("span", { class: "sc-meter-label" }, subject.short),
    h("span", { class: "sc-meter-track" }, fill),
    h("span", { class: "sc-meter-value" }, text, done ? null : h("span", { class: "sc-meter-gap" }, ` 尚差 ${gap}`)));
}

function yearBlock(year, application, notice) {
  const required = !isFree(application) && application.years_required.includes(year.year);
  return h("div", { class: `sc-year ${year.met ? "sc-year--met" : "sc-year--short"}`, dataset: { year: String(year.year) } },
    h("div", { class: "sc-year-head" },
      h("strong", {}, `${year.year} 年`),
      required ? h("span", { class: "sc-tag" }, "申报要看") : null,
      h("span", { class: "sc-badge" }, year.met ? "已满足" : "尚未满足")),
    notice.subjects.map((subject) => meter(year, subject)));
}

function listSection(cls, title, items, intro = null) {
  return items.length ? h("div", { class: cls }, h("h3", {}, title), intro, h("ul", {}, items)) : null;
}

function messageItems(messages, notice) {
  return messages.map((m) => h("li", {}, m.text, m.clause ? [" ", clauseLink(notice, m.clause)] : null));
}

function exemptionsSection(app, notice) {
  const items = app.exemptions.map((e) => h("li", { dataset: { code: e.code, applied: String(e.applied) } },
    h("span", { class: `sc-tag ${e.applied ? "sc-tag--on" : ""}` }, e.applied ? "已采用" : "也适用"),
    " ", e.text, " ", clauseLink(notice, e.clause)));
  const note = app.exemptions.some((e) => !e.applied)
    ? h("p", { class: "sc-hint" }, "几项同时适用时，按对您最有利的一项（或几项）计算；“也适用”的各项没有改变结论。")
    : null;
  return items.length ? h("div", { class: "sc-exemptions" }, h("h3", {}, "适用的减免规定"), h("ul", {}, items), note) : null;
}

function missingSection(summary, app) {
  if (!summary.gaps.length) return null;
  return h("div", { class: "sc-missing" },
    h("h3", {}, "还差什么"),
    h("ul", {}, summary.gaps.map((text) => h("li", {}, text))),
    app.years_needed < app.years_required.length
      ? h("p", { class: "sc-hint" }, `只需在 ${app.years_required.join("、")} 年中任 ${app.years_needed} 个年度达到要求；上面是差得最少的一年。`)
      : null);
}

function yearsSection(result, notice) {
  const app = result.application;
  const free = isFree(app);
  const req = notice.requirements;
  return h("div", { class: `sc-years${free ? " sc-years--free" : ""}` },
    h("h3", {}, "各年度学时"),
    h("p", { class: "sc-hint" }, `每年要求：公需科目不少于 ${req.public} 学时，专业科目不少于 ${req.professional} 学时，多出的不能互相抵补。`,
      clauseLink(notice, req.clause)),
    free ? h("p", { class: "sc-hint" }, "本次申报不受学时限制；下面的各年度情况仅供了解。") : null,
    result.years.map((year) => yearBlock(year, app, notice)));
}

function stamp(result, notice) {
  const n = result.notice;
  return h("footer", { class: "sc-stamp" },
    h("p", {}, "依据：", n.issuer, "《", n.title, "》（", notice.issued_text, "印发）"),
    h("p", {}, `规则版本 ${n.rules_version} · 自查日期 ${result.as_of_text}`),
    h("p", {}, "本结果由您的浏览器按通知逐条计算，仅供自查参考，以主管部门审核为准。"));
}

function card(result, notice) {
  const app = result.application;
  const summary = resultSummary(result, notice);
  const reference = summary.reference.map((text) => h("li", {}, text));
  return h("article", { class: `sc-card sc-card--${summary.cls}`, id: "sc-card", dataset: { status: app.status } },
    h("header", { class: "sc-card-head" },
      h("p", { class: "sc-card-kicker" }, "学时自查结果"),
      h("h2", { class: "sc-card-title" }, summary.heading)),
    h("div", { class: "sc-verdict" },
      app.headline ? h("p", { class: "sc-verdict-headline" }, app.headline) : null,
      h("p", { class: "sc-verdict-status", role: "status", dataset: { status: app.status } }, summary.verdict),
      h("p", { class: "sc-verdict-text" }, app.text),
      app.clauses.length ? h("p", { class: "sc-cites" }, "依据：", app.clauses.map((id, i) => [i ? "、" : "", clauseLink(notice, id, { title: true })])) : null),
    missingSection(summary, app),
    exemptionsSection(app, notice),
    listSection("sc-warnings", "请注意", messageItems(result.messages.filter((m) => m.level === "warning"), notice)),
    // Not alarming: after the rule that frees the application, and in plain weight.
    listSection("sc-reference", "尚差的学时（仅供参考）", reference,
      h("p", { class: "sc-hint" }, "学时不作为本次申报的限制性条件，下面的差额不影响结论。")),
    yearsSection(result, notice),
    listSection("sc-readings", "本自查采用的理解", messageItems(result.messages.filter((m) => m.level !== "warning"), notice)),
    h("div", { class: "sc-all-cites" }, h("h3", {}, "引用的条款"),
      h("ul", {}, uniqueClauses(result, notice).map((id) => h("li", {}, clauseLink(notice, id, { title: true }))))),
    stamp(result, notice));
}

/** Put the result of `person` on the page, with the what-if and the print button. */
export function renderResult(page, result, person) {
  page.resultBox.replaceChildren(...[
    card(result, page.notice),
    whatIf(page, result, person), // null when no year can be tried
    h("div", { class: "sc-actions sc-result-actions" },
      h("button", { type: "button", class: "md-button", onclick: () => window.print() }, "打印或存为 PDF"),
      h("button", { type: "button", class: "md-button", onclick: () => page.form.scrollIntoView({ behavior: "smooth" }) }, "修改填写")),
  ].filter(Boolean));
}
