// The applicants report's headline (applicants-report.js) on the engine's own report of
// examples/applicants-example.xlsx and the page data's status names: the same counts as the
// command line's summary line.
import assert from "node:assert/strict";
import { test } from "node:test";
import { NOTICE_ID, pageModule, python } from "./python.mjs";

const { data, report, cli } = python({
  imports: "from pathlib import Path\nfrom rules_py.applicants import check_applicants\n"
    + "from rules_py.page_data import applicants_data\n"
    + "report = check_applicants(Path('examples/applicants-example.xlsx').read_bytes(), 'applicants-example.xlsx')\n"
    + "import subprocess\ncli = subprocess.run([sys.executable, '-m', 'rules_py', 'applicants', "
    + "'examples/applicants-example.xlsx'], capture_output=True, text=True).stdout.splitlines()[0]",
  value: `{'data': applicants_data(${JSON.stringify(NOTICE_ID)}), 'report': report, 'cli': cli}`,
});
const { headline } = await pageModule("applicants-report.js");

test("the headline counts people per conclusion, as the command line does", () => {
  const text = headline(data, report);
  assert.equal(text, "共 6 人：已满足 2 人、尚未满足 1 人、学时不作为限制性条件 1 人、不要求继续教育学时 1 人；1 行有错误，未核对");
  for (const [status, n] of Object.entries(report.summary.by_status)) assert.ok(cli.includes(`${data.statuses[status]} ${n} 人`), cli);
});

test("a file whose every row has an error says so without counts", () => {
  const bad = { rows_checked: 2, summary: { by_status: {}, rows_without_verdict: 2 } };
  assert.equal(headline(data, bad), "共 2 人：2 行有错误，未核对");
  assert.equal(headline(data, { rows_checked: 1, summary: { by_status: { met: 1 }, rows_without_verdict: 0 } }),
    "共 1 人：已满足 1 人");
});
