// The page scripts hold no rule knowledge and stay small: no level code, no hours or date
// formatting of their own (rules_py words those: the result, rules_py/page_data.py), no file over
// 400 lines, no function over 60.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { JS_DIR } from "./python.mjs";

const FILES = readdirSync(JS_DIR).filter((name) => name.endsWith(".js")).sort();
const source = (name) => readFileSync(path.join(JS_DIR, name), "utf8");

// What a script would contain if it re-spelled the engine's rules or wording.
const FORBIDDEN = [
  [/senior|intermediate|junior/, "a level code (the page data has level_order and levels)"],
  [/\bfmtHours\b|\bcnDate\b|toLocaleDateString|Intl\.DateTimeFormat/, "an hours or date formatting helper"],
  [/Math\.(ceil|floor)\([^)]*\*\s*10\b/, "hours rounded to tenths (the result has hours_text)"],
  [/\}\s*月\s*\$\{|\}\s*年\s*\$\{[^}]*\}\s*月/, "a date built by hand (the result has as_of_text)"],
  [/public_online|professional_online/, "a kind code (the page data has what_if_kinds)"],
];

test("there are page scripts to check", () => {
  assert.ok(FILES.includes("selfcheck.js") && FILES.includes("roster.js"), FILES.join(", "));
});

for (const name of FILES) {
  test(`${name} spells no rule the engine owns`, () => {
    const text = source(name);
    for (const [pattern, what] of FORBIDDEN) {
      const line = text.split("\n").findIndex((l) => pattern.test(l));
      assert.equal(line, -1, `${name}:${line + 1} has ${what}`);
    }
  });

  test(`${name} has at most 400 lines and no function over 60`, () => {
    const lines = source(name).split("\n");
    assert.ok(lines.length <= 400, `${name} has ${lines.length} lines`);
    for (const [fn, length] of functionLengths(lines)) {
      assert.ok(length <= 60, `${name}: ${fn} has ${length} lines`);
    }
  });
}

/** Named functions and their lengths in lines, by brace depth from the declaring line. */
function functionLengths(lines) {
  const found = [];
  lines.forEach((line, start) => {
    const match = /^\s*(?:export\s+)?(?:async\s+)?function\s*\*?\s*(\w+)|^\s*(?:async\s+)?(\w+)\([^)]*\)\s*\{\s*$/.exec(line);
    if (!match) return;
    let depth = 0;
    let opened = false;
    for (let end = start; end < lines.length; end += 1) {
      const code = lines[end].replace(/\/\/.*$/, "").replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, "\"\"");
      depth += (code.match(/\{/g) || []).length - (code.match(/\}/g) || []).length;
      opened ||= depth > 0;
      if (opened && depth <= 0) {
        found.push([match[1] || match[2], end - start + 1]);
        return;
      }
    }
  });
  return found;
}
