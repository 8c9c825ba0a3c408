"""The tree the benchmark serves: a temporary copy of the built site plus two things never shipped.

    <tmp>/shipped/              site/ as built, byte for byte
    <tmp>/shipped/bench-bare/   the reference page: boots Pyodide from npm's files as shipped
                                (bench-bare/pyodide/: the whole stdlib, the plain wasm, the module
                                scripts renamed .js as the site does) in a module worker and does
                                nothing else (no wheels, no imports)
    <tmp>/lifted/               site/ again, with a rules_py wheel whose roster row limit is raised,
                                for the one figure above the shipped limit (20,000 rows)

One server serves the whole tree, so both pages of a comparison come from the same server in the
same run. Every file's modification time is set to DEPLOYED, as on a server where the site was
put some time ago: the server sends no Cache-Control, so a browser's second visit relies on the
Last-Modified heuristic (fresh for a tenth of the file's age), as it would there. With the build's
fresh mtimes instead, a warm visit would revalidate every file and the figure would depend on how
many seconds ago the site was built.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from benchmarks.common import ROOT

BARE_DIR = "bench-bare"
DEPLOYED = 1740960000  # 2025-03-03 00:00 UTC, the notice's date (the build's SOURCE_DATE_EPOCH)


def runtime_info(site: Path) -> dict:
    return json.loads((site / "assets" / "selfcheck" / "runtime.json").read_text("utf-8"))


def copy_site(site: Path, tree: Path) -> Path:
    """Copy ``site`` to ``tree``/shipped and add the bare-Pyodide page; returns the copy."""
    shipped = tree / "shipped"
    if shipped.exists():
        shutil.rmtree(shipped)
    shutil.copytree(site, shipped)
    write_bare_page(shipped)
    set_deployed(shipped)
    return shipped


def set_deployed(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (DEPLOYED, DEPLOYED), follow_symlinks=False)


def write_bare_page(site: Path) -> None:
    """bench-bare/: a page whose module worker only runs loadPyodide on npm pyodide's own files.

    The same Pyodide release as the site's, as a site that self-hosts it without our build would
    serve it: the whole python_stdlib.zip, the plain wasm fetched by Pyodide itself. The module
    scripts are renamed .js and `createPyodideModule` passed in, as the site does (no .mjs type
    needed); the lock file is inlined and empty, so nothing but the interpreter is fetched.
    """
    from sitebuild.runtime import PYODIDE_FILES

    version = runtime_info(site)["pyodide"]
    npm = ROOT / "node_modules" / "pyodide"
    upstream = json.loads((npm / "pyodide-lock.json").read_text("utf-8"))
    lock = json.dumps({"info": upstream["info"], "packages": {}})
    folder = site / BARE_DIR
    (folder / "pyodide").mkdir(parents=True, exist_ok=True)
    for npm_name, served in PYODIDE_FILES.items():
        shutil.copyfile(npm / npm_name, folder / "pyodide" / served)
    (folder / "index.html").write_text(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<title>bare Pyodide boot (benchmark reference)</title></head>\n"
        "<body><p>Pyodide only: the benchmark's reference page.</p>\n"
        "<script type=\"module\" src=\"bare.js\"></script></body></html>\n", "utf-8")
    (folder / "bare.js").write_text("""\
// Start the worker at page load, as the self-check page does; mark the moment it reports ready.
const worker = new Worker(new URL("./bare-worker.js", import.meta.url), { type: "module" });
window.bare = {
  ready: new Promise((resolve, reject) => {
    worker.onmessage = (event) => {
      if (event.data.type === "ready") {
        performance.mark("bare-ready");
        resolve(event.data);
      } else {
        reject(new Error(event.data.message));
      }
    };
  }),
};
""", "utf-8")
    (folder / "bare-worker.js").write_text(f"""\
// Boot Pyodide {version} from npm's files and nothing else.
const indexURL = new URL("./pyodide/", import.meta.url).href;
try {{
  const [{{ loadPyodide }}, {{ default: createPyodideModule }}] = await Promise.all([
    import(indexURL + "pyodide.js"),
    import(indexURL + "pyodide.asm.js"),
  ]);
  const pyodide = await loadPyodide({{
    indexURL, createPyodideModule, packageBaseUrl: indexURL,
    lockFileContents: {lock},
  }});
  pyodide.runPython("1 + 1");
  postMessage({{ type: "ready" }});
}} catch (error) {{
  postMessage({{ type: "fatal", message: String(error) }});
}}
""", "utf-8")


def lifted_copy(site: Path, tree: Path, max_rows: int, notice_id: str) -> Path:
    """``tree``/lifted: the site with rules_py's MAX_ROWS raised to ``max_rows`` in its wheel.

    The wheel is rebuilt by sitebuild.runtime from a temporary project root whose rules_py is a copy
    with that one constant changed (the rest of the root is linked), so the lock file, its hashes
    and runtime.json are regenerated exactly as the build does it; the pages, which name the
    wheels' folder, are pointed at the new one.
    """
    from sitebuild import runtime as browser_runtime

    lifted = tree / "lifted"
    if lifted.exists():
        shutil.rmtree(lifted)
    shutil.copytree(site, lifted)
    root = tree / "lifted-root"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    for name in ("package.json", "package-lock.json", "node_modules", "requirements-browser.txt",
                 "pyproject.toml", ".cache"):
        if (ROOT / name).exists():
            os.symlink(ROOT / name, root / name)
    shutil.copytree(ROOT / "rules_py", root / "rules_py", ignore=shutil.ignore_patterns("__pycache__"))
    roster = root / "rules_py" / "roster" / "bounds.py"
    text, count = re.subn(r"^MAX_ROWS = [0-9_]+", f"MAX_ROWS = {max_rows}", roster.read_text("utf-8"),
                          flags=re.M)
    if count != 1:
        raise RuntimeError("rules_py/roster/bounds.py: MAX_ROWS = … not found; update benchmarks/bench_site.py")
    roster.write_text(text, "utf-8")
    shipped_folder = runtime_info(site)["lock_url"]
    lifted_folder = browser_runtime.write_runtime(lifted, notice_id, browser_runtime.plan_runtime(root))["lock_url"]
    for page in lifted.rglob("*.html"):
        text = page.read_text("utf-8")
        if shipped_folder in text:
            page.write_text(text.replace(shipped_folder, lifted_folder), "utf-8")
    set_deployed(lifted)
    return lifted
