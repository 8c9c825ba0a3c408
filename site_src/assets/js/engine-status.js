// The status box of a self-check page (#sc-status): loading progress in bytes, the watchdog's
// advice when loading takes long, "ready", or what went wrong and what to try.

import { fmtMB, h } from "./dom.js";

export const STAGES = {
  start: "正在准备自查程序……",
  download: "正在下载自查程序",
  boot: "正在启动计算程序……",
  import: "正在载入规则……",
};

/** What the box says while loading: {text, percent} (percent null while it cannot be known). */
export function loadingText({ stage, received, expected }) {
  if (stage === "download" && expected) {
    if (received >= expected) return { text: STAGES.boot, percent: null };
    return {
      text: `${STAGES.download}（${fmtMB(received)} / ${fmtMB(expected)} MB）……`,
      percent: Math.min(99, Math.floor((100 * received) / expected)),
    };
  }
  return { text: STAGES[stage] || STAGES.start, percent: null };
}

function adviceList(inWechat) {
  const items = [
    "检查网络后刷新本页；",
    "换一个浏览器打开本页，例如手机自带浏览器、Chrome、Edge 或 Safari（iOS 16.4 以上）；",
    "在电脑上打开本页。",
  ];
  if (inWechat) items.unshift("您正在微信里浏览：请点右上角“…”，选择“在浏览器打开”；");
  return h("ul", { class: "sc-advice" }, items.map((item) => h("li", {}, item)));
}

function showCrash(box, failure, { crashHint }) {
  const items = ["刷新本页后重试；", crashHint ? crashHint.replace(/。$/, "；") : null,
    "换用电脑上的浏览器。"].filter(Boolean);
  box.classList.add("sc-alert", "sc-crashed");
  box.setAttribute("role", "alert");
  box.append(
    h("p", {}, h("strong", {}, failure.message), "可能是这台设备的内存不够。"),
    h("p", {}, "可以试试："),
    h("ul", { class: "sc-advice" }, items.map((item) => h("li", {}, item))),
    h("p", { class: "sc-detail" }, `技术信息：${failure.detail}`));
}

function showFailure(box, failure, { inWechat }) {
  box.classList.add("sc-alert");
  box.append(
    h("p", {}, h("strong", {}, failure.message), failure.unsupported ? `（${failure.detail}）` : ""),
    h("p", {}, "可以试试："),
    adviceList(inWechat),
    h("p", {}, "也可以阅读通知原文，按其中的要求自行核对。"),
  );
  if (!failure.unsupported && failure.detail) box.append(h("p", { class: "sc-detail" }, `技术信息：${failure.detail}`));
}

function showLoading(box, engine, { waitHint, watchdogMs, inWechat }) {
  const { expected } = engine.progress;
  const { text, percent } = loadingText(engine.progress);
  const bar = h("progress", { max: 100, class: "sc-progress" });
  if (percent !== null) bar.value = percent;
  // The size is the page's runtime total, which the worker sends as soon as it starts.
  box.append(h("p", {}, text), bar, h("p", { class: "sc-hint" },
    expected ? `首次打开需要下载约 ${fmtMB(expected)} MB，之后会快很多。` : "首次打开需要下载自查程序，之后会快很多。",
    waitHint));
  if (performance.now() - engine.lastHeard > watchdogMs) {
    box.classList.add("sc-slow");
    box.append(h("div", { class: "sc-watchdog", role: "alert" },
      h("p", {}, h("strong", {}, "加载时间比平常长。"), "如果一直停在这里，可以试试："), adviceList(inWechat)));
  }
}

/**
 * Draw the box for the engine's state. `view`: {box, waitHint, readyText, crashHint, watchdogMs,
 * inWechat}.
 */
export function showStatus(view, engine) {
  const { box } = view;
  if (!box) return;
  box.replaceChildren();
  box.className = "sc-status";
  if (engine.failure?.kind === "crash") showCrash(box, engine.failure, view);
  else if (engine.failure) showFailure(box, engine.failure, view);
  else if (engine.info) {
    box.classList.add("sc-ready");
    box.append(h("p", {}, view.readyText || "✓ 自查程序已就绪：计算全部在这台设备上进行。"));
  } else showLoading(box, engine, view);
}

/**
 * The loading progress beside a button that waits for the engine (学时自查's 核对学时): the stage in
 * words with the bytes, and a bar. Empty and hidden once the engine is ready or has failed (the
 * status box at the top then says why). Returns whether it still shows progress.
 */
export function showProgressBeside(box, engine) {
  const loading = !engine.info && !engine.failure;
  box.hidden = !loading;
  if (!loading) {
    box.replaceChildren();
    return false;
  }
  const { text, percent } = loadingText(engine.progress);
  const bar = h("progress", { max: 100, class: "sc-progress", "aria-label": "加载进度" });
  if (percent !== null) bar.value = percent;
  box.replaceChildren(h("p", { class: "sc-wait-text" }, "自查程序还在加载，加载完成后立即显示结果。", h("br"), text), bar);
  return true;
}

/** Show the advice once loading has been silent for `view.watchdogMs` (the load goes on). */
export function startWatchdog(view, engine) {
  const timer = setInterval(() => {
    if (engine.info || engine.failure) {
      clearInterval(timer);
      return;
    }
    if (performance.now() - engine.lastHeard > view.watchdogMs && !view.box?.classList.contains("sc-slow")) {
      showStatus(view, engine);
    }
  }, 1000);
}
