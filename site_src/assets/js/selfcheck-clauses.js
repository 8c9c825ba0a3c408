// 学时自查: links to the clauses of the notice page, as the page data names them.

import { h } from "./dom.js";

function noticeHref(clauseId) {
  const link = document.getElementById("sc-notice-link");
  const base = link ? link.getAttribute("href").split("#")[0] : "../notice/";
  return `${base}#${clauseId}`;
}

/** A link to one clause: its citation ("通知 二（三）1"), with its title when `title`. */
export function clauseLink(notice, clauseId, { title = false } = {}) {
  const clause = notice?.clauses[clauseId];
  const text = clause ? (title ? `${clause.citation} ${clause.title}` : clause.citation) : clauseId;
  return h("a", { href: noticeHref(clauseId), class: "sc-clause", dataset: { clause: clauseId } }, text);
}

/** Every clause a result cites, once, in the notice's order. */
export function uniqueClauses(result, notice) {
  const ids = new Set(result.application.clauses);
  for (const year of result.years) for (const id of year.clauses) ids.add(id);
  for (const message of result.messages) if (message.clause) ids.add(message.clause);
  const order = Object.keys(notice.clauses);
  return [...ids].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}
