// DOM helpers shared by the self-check pages. Nothing here runs at import, so the pure modules
// that use it load in Node's test runner too (tests/js/).

/** An element: h("p", {class: "x", onclick: fn, dataset: {a: "1"}}, "text", child, [more]). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A byte count in MB with one decimal, for download sizes and file sizes. */
export function fmtMB(bytes) {
  return (bytes / 1048576).toFixed(1);
}
