// The engine's requests and status text (engine-requests.js, engine-status.js) with a stand-in
// worker: the message protocol of selfcheck-worker.js, answers, failures and silence limits.
import assert from "node:assert/strict";
import { test } from "node:test";
import { pageModule } from "./python.mjs";

const requests = await pageModule("engine-requests.js");
const { loadingText, STAGES } = await pageModule("engine-status.js");

function engineWithWorker() {
  const sent = [];
  const engine = requests.createEngine({ crashHint: "文件很大的，可以拆成几个文件分别检查。" });
  engine.worker = { postMessage: (message) => sent.push(message), terminate: () => { engine.terminated = true; } };
  return { engine, sent };
}

function stop(engine) {
  clearInterval(engine.silenceTimer);
  engine.silenceTimer = null;
}

test("evaluate sends the person as JSON text and resolves with the worker's result", async () => {
  const { engine, sent } = engineWithWorker();
  requests.onWorkerMessage(engine, { data: { type: "ready", python: "3.14" } });
  const answer = requests.evaluate(engine, { activities: [] });
  assert.deepEqual(sent, [{ type: "evaluate", id: 1, person: '{"activities":[]}' }]);
  requests.onWorkerMessage(engine, { data: { type: "result", id: 1, result: { ok: true } } });
  assert.deepEqual(await answer, { ok: true });
  assert.equal(engine.pending.size, 0);
  stop(engine);
});

test("an input error comes back as an Error with the field; rows reach the caller", async () => {
  const { engine, sent } = engineWithWorker();
  const rows = [];
  const check = requests.rosterSteps(engine).check(new Uint8Array([1, 2, 3]), { filename: "a.xlsx", onRows: (n) => rows.push(n) });
  const first = requests.evaluate(engine, {});
  await new Promise((resolve) => setTimeout(resolve, 0)); // the check reads its bytes first
  const ids = Object.fromEntries(sent.map((message) => [message.type, message.id]));
  assert.deepEqual(sent.find((m) => m.type === "checkRoster").data.byteLength, 3);
  requests.onWorkerMessage(engine, { data: { type: "error", id: ids.evaluate, error: { field: "sex", message: "「性别」必须填写" } } });
  await assert.rejects(first, (error) => error.field === "sex" && error.message === "「性别」必须填写" && !error.internal);
  requests.onWorkerMessage(engine, { data: { type: "rows", id: ids.checkRoster, rows: 1000 } });
  requests.onWorkerMessage(engine, { data: { type: "result", id: ids.checkRoster, result: { problems: [] } } });
  assert.deepEqual(await check, { problems: [] });
  assert.deepEqual(rows, [1000]);
  stop(engine);
});

test("a crash rejects what waits and everything after, in Chinese, and ends the worker", async () => {
  const { engine } = engineWithWorker();
  requests.onWorkerMessage(engine, { data: { type: "ready" } });
  const waiting = requests.evaluate(engine, {});
  requests.crash(engine, "error", "out of memory");
  await assert.rejects(waiting, (error) => error.internal && error.crashed && /自查程序已意外停止。.*拆成几个文件/.test(error.message));
  await assert.rejects(requests.evaluate(engine, {}), (error) => error.crashed && error.detail === "out of memory");
  assert.equal(engine.terminated, true);
  stop(engine);
});

test("a start that failed rejects ready; an unsupported browser is told which feature is missing", async () => {
  const engine = requests.createEngine();
  requests.connect(engine, { problem: "WebAssembly" }, () => {}, "学时自查");
  await assert.rejects(engine.ready, /这个浏览器无法运行学时自查。/);
  assert.equal(engine.failure.kind, "unsupported");
  assert.equal(engine.failure.detail, "缺少 WebAssembly 支持");
});

test("the silence limit is the longest of the pending requests', unless overridden", () => {
  const pending = new Map([[1, { type: "evaluate" }]]);
  assert.equal(requests.silenceLimit({ pending }), requests.SILENCE_MS.evaluate);
  pending.set(2, { type: "rosterAnnotate" });
  assert.equal(requests.silenceLimit({ pending }), requests.SILENCE_MS.roster);
  assert.equal(requests.silenceLimit({ pending, silenceOverrideMs: 2000 }), 2000);
});

test("loading text: bytes while downloading, then booting", () => {
  assert.deepEqual(loadingText({ stage: "download", received: 1048576, expected: 4194304 }),
    { text: "正在下载自查程序（1.0 / 4.0 MB）……", percent: 25 });
  assert.deepEqual(loadingText({ stage: "download", received: 5, expected: 5 }), { text: STAGES.boot, percent: null });
  assert.deepEqual(loadingText({ stage: "unknown" }), { text: STAGES.start, percent: null });
});
