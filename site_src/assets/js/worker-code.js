// Code the worker (selfcheck-worker.js) brings in besides Pyodide's own loading: the Cache Storage
// it keeps the runtime in, pyodide.asm.js from checked bytes, and the standard library's bytecode
// kept for later visits.

const CACHE_NAME = "selfcheck-runtime";

/** The worker's cache, without the entries of earlier builds (not in `urls`); null without one. */
export async function openCache(indexURL, urls) {
  if (!self.caches) return null;
  try {
    const cache = await caches.open(CACHE_NAME);
    // Runtimes of earlier builds of this site (same assets/pyodide/ folder, other digest) go.
    const folder = new URL("../", indexURL).href;
    for (const request of await cache.keys()) {
      if (request.url.startsWith(folder) && !urls.has(request.url)) cache.delete(request).catch(() => {});
    }
    return cache;
  } catch {
    return null;  // storage refused (private browsing, quota): run from memory
  }
}

// pyodide.asm.js, unpacked and checked, is imported from a blob: URL. The page's meta CSP does not
// govern this worker (a same-origin worker takes its policy from its own response headers, and the
// site sends none), so blob: needs no CSP entry; a server that adds a CSP header to .js files would
// have to allow blob: in script-src for workers.
export async function importFromResponse(response) {
  const blobURL = URL.createObjectURL(new Blob([await response.text()], { type: "text/javascript" }));
  try {
    return await import(blobURL);
  } finally {
    URL.revokeObjectURL(blobURL);
  }
}

// Python compiles every module it imports from the standard library zip from source, on every
// visit (zipimport writes no bytecode anywhere): about 1.7 s of CPU of a boot that takes 2.9 s
// (Node, this machine), for bare Pyodide as for us. Shipping the bytecode would cost 1 MB more on
// the wire (it compresses far worse than source), so the worker makes it once: after a visit has
// booted and prepared its tools, it compiles, one module per task (requests are answered between
// them), each module that visit imported from source, and keeps the zip with those .pyc members
// added in Cache Storage; the next visit mounts that zip and imports the bytecode (zipimport
// prefers a .pyc member to the .py beside it; the .py stays, for tracebacks). Made by this
// interpreter from the checked sources, so it matches both; a boot that fails with it drops it.
// The pyc header is PEP 552's: magic, flags 0b01 (hash-based, not checked against the source),
// the source's hash.
const BYTECODE_PY = `
import importlib.util, io, marshal, sys, zipfile, zipimport

class Bytecode:
    def __init__(self):
        self.archive = next(path for path in sys.path if path.endswith(".zip"))
        prefix = self.archive + "/"
        self.source = zipfile.ZipFile(self.archive)
        # Loaded by zipimport from a .py member (frozen modules have a __file__ there too)
        self.todo = sorted({module.__file__[len(prefix):] for module in list(sys.modules.values())
                            if isinstance(getattr(module, "__loader__", None), zipimport.zipimporter)
                            and isinstance(getattr(module, "__file__", None), str)
                            and module.__file__.startswith(prefix) and module.__file__.endswith(".py")})
        self.compiled = {}

    def compile(self, member):
        source = self.source.read(member)
        code = compile(source, self.archive + "/" + member, "exec", dont_inherit=True)
        self.compiled[member + "c"] = (importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little")
                                       + importlib.util.source_hash(source) + marshal.dumps(code))

    def zip(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for info in self.source.infolist():
                archive.writestr(info, self.source.read(info))
            for name, data in self.compiled.items():
                archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
        return out.getvalue()

Bytecode()
`;

export async function keepBytecode(pyodide, cache, url) {
  const namespace = pyodide.globals.get("dict")();
  const bytecode = pyodide.runPython(BYTECODE_PY, { globals: namespace });
  try {
    const todo = bytecode.todo.toJs();
    if (!todo.length) return;
    for (const member of todo) {
      bytecode.compile(member);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const zip = bytecode.zip();
    const data = zip.toJs();
    zip.destroy();
    await cache.put(url, new Response(data, { headers: { "content-type": "application/zip" } }));
  } finally {
    bytecode.destroy();
    namespace.destroy();
  }
}
