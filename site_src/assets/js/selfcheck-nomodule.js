// Only browsers without JavaScript modules run this file (<script nomodule>); every browser that
// can run the self-check ignores it. It replaces "正在准备" with a clear message instead of a blank.
// The status box names its check in data-tool (学时自查, 花名册自查).
(function () {
  var status = document.getElementById("sc-status");
  if (!status) return;
  var tool = status.getAttribute("data-tool") || "学时自查";
  status.className = "sc-status sc-alert";
  status.innerHTML = "";
  var lines = [
    "这个浏览器版本较旧，无法运行" + tool + "（需要 JavaScript 模块和 WebAssembly）。",
    "请换用新版浏览器打开本页，例如新版 Chrome、Edge、Firefox、Safari（iOS 16.4 以上）或手机自带浏览器；" +
      "在微信里打开的，请点右上角“…”，选择“在浏览器打开”。",
    "也可以阅读通知原文和填写说明，自行核对。"
  ];
  for (var i = 0; i < lines.length; i++) {
    var p = document.createElement("p");
    p.appendChild(document.createTextNode(lines[i]));
    status.appendChild(p);
  }
})();
