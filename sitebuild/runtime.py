"""The browser runtime of the self-check pages, written into ``site/`` by one build step.

Layout (every path relative to ``site/``)::

    assets/pyodide/<version>-<digest>/pyodide.js          npm pyodide's pyodide.mjs, renamed (served as .js)
    assets/pyodide/<version>-<digest>/pyodide.asm.js      pyodide.asm.mjs, renamed
    assets/pyodide/<version>-<digest>/pyodide.asm.wasm
    assets/pyodide/<version>-<digest>/python_stdlib.zip   only the modules the engine imports
                                                          (sitebuild/stdlib.py), not npm's whole one
    assets/pyodide/<version>-<digest>/*.gzip.bin          gzip copies of the three large files
    assets/wheels/<digest>/app-lock.json         Pyodide lock file: our five wheels with SHA-256
    assets/wheels/<digest>/*.whl                 openpyxl, et_xmlfile, defusedxml, xlrd, rules_py
    assets/selfcheck/runtime.json                where the two folders above are (for Node and the
                                                 benchmark; each self-check page carries its own copy)
    assets/selfcheck/<notice id>.json            the notice data the self-check form shows
    assets/selfcheck/roster-<notice id>.json     limits, problem codes and columns for 花名册自查
    assets/selfcheck/applicants-<notice id>.json limits, fatal codes and clauses for 申报人员学时核对

Both versioned folders never change their contents under the same name (the runtime's ``<digest>``
is a hash of its files, the wheels' a hash of the lock file, which holds every wheel's hash), so a
server may cache them forever, and so may the worker (Cache Storage, keyed by URL).

**Packed copies.** ``pyodide.asm.wasm`` (9.6 MB), ``pyodide.asm.js`` (1.25 MB) and the stdlib zip
are also written gzip-compressed, as ``<name>.gzip.bin``: a name no common server maps to a
Content-Encoding (``.bin`` is application/octet-stream for python's http.server, nginx, Apache and
IIS; no ``.gz`` anywhere in it, which Apache's multi-extension ``AddEncoding x-gzip .gz`` would
match), so the bytes arrive as written and the worker decompresses them (DecompressionStream). A
server that compresses on its own adds a Content-Encoding the browser undoes before the worker
sees the bytes. The description gives each file's SHA-256 (as SRI strings) for both copies; the
worker fetches with ``integrity`` so what it runs is what the build wrote. The self-check
pages name both folders in their HTML (``Runtime.describe``, rendered into the page by build.py), so
a page always starts the runtime it was built with, and the worker has nothing to look up first.

The PyPI wheels are pinned by hash in ``requirements-browser.txt`` and fetched once with
pip into ``.cache/wheels/``; the rules_py wheel is built here from the working tree, byte for
byte the same for the same sources (fixed timestamps, sorted members).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sitebuild import stdlib

ROOT = Path(__file__).resolve().parents[1]
PYODIDE_FILES = {  # npm file -> name served (module scripts as .js: no .mjs MIME type needed)
    "pyodide.mjs": "pyodide.js",
    "pyodide.asm.mjs": "pyodide.asm.js",
    "pyodide.asm.wasm": "pyodide.asm.wasm",
    "python_stdlib.zip": "python_stdlib.zip",  # trimmed by sitebuild/stdlib.py
}
# The files the worker loads itself (packed, checked, kept in Cache Storage): key -> served name,
# with the Content-Type its decompressed copy gets (application/wasm for streaming compilation).
PACKED_FILES = {
    "wasm": ("pyodide.asm.wasm", "application/wasm"),
    "asm": ("pyodide.asm.js", "text/javascript"),
    "stdlib": ("python_stdlib.zip", "application/zip"),
}
PACKED_SUFFIX = ".gzip.bin"
# Lock-file entries of the PyPI wheels: (distribution, import names, depends).
PYPI_WHEELS = {
    "openpyxl": (["openpyxl"], ["et-xmlfile"]),
    "et_xmlfile": (["et_xmlfile"], []),
    "defusedxml": (["defusedxml"], []),
    "xlrd": (["xlrd"], []),
}
RULES_PACKAGE = "rules_py"
XLS_READER = "xlrd"  # rules_py/roster/file_formats.py imports it only for an OLE2 file
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class RuntimeBuildError(RuntimeError):
    """Something the runtime step needs is missing or does not match its pin."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sri(data: bytes) -> str:
    """Subresource Integrity string, as fetch(url, {integrity}) checks it."""
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()


def gzip_packed(data: bytes, root: Path = ROOT) -> bytes:
    """``data`` as gzip, written by zopfli (one iteration: 3.2 % smaller than zlib's level 9 on the
    wasm, 114 KB; more iterations gain little more), with no name or time in the header, so the
    same bytes every build. Kept in ``.cache/packed/`` by the input's hash: the 9.6 MB wasm takes
    about a minute. DecompressionStream("gzip") reads it like any gzip."""
    import zopfli.gzip

    cache = root / ".cache" / "packed" / (_sha256(data) + ".zopfli.gz")
    if cache.is_file():
        return cache.read_bytes()
    packed = zopfli.gzip.compress(data, numiterations=1)
    if gzip.decompress(packed) != data:
        raise RuntimeBuildError("zopfli wrote a gzip stream that does not give the file back")
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(packed)
    return packed


def canonical_name(name: str) -> str:
    """PEP 503 normalisation, which Pyodide uses for lock-file keys."""
    return re.sub(r"[-_.]+", "-", name).lower()


# -- the npm package ---------------------------------------------------------------------------

def pyodide_dir(root: Path = ROOT) -> Path:
    """``node_modules/pyodide``, checked against the version pinned in package.json."""
    pinned = json.loads((root / "package.json").read_text("utf-8"))["dependencies"]["pyodide"]
    folder = root / "node_modules" / "pyodide"
    try:
        installed = json.loads((folder / "package.json").read_text("utf-8"))["version"]
    except FileNotFoundError:
        raise RuntimeBuildError("node_modules/pyodide is missing: run `npm ci` (make site does it)") from None
    if installed != pinned:
        raise RuntimeBuildError(f"node_modules has pyodide {installed}, package.json pins {pinned}: run `npm ci`")
    return folder


# -- wheels ------------------------------------------------------------------------------------

def pinned_wheels(root: Path = ROOT) -> dict[str, tuple[str, str]]:
    """``{distribution: (version, sha256)}`` from requirements-browser.txt."""
    text = (root / "requirements-browser.txt").read_text("utf-8").replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)\s+--hash=sha256:([0-9a-f]{64})", line)
        if not match:
            raise RuntimeBuildError(f"requirements-browser.txt: cannot read {line!r}")
        pins[match[1]] = (match[2], match[3])
    return pins


def _find_wheel(folder: Path, dist: str, version: str, sha256: str) -> Path | None:
    for path in sorted(folder.glob(f"{dist}-{version}-*.whl")):
        if _sha256(path.read_bytes()) == sha256:
            return path
    return None


def pypi_wheels(root: Path = ROOT, cache: Path | None = None) -> list[Path]:
    """The pinned PyPI wheels, downloaded once with pip (hashes required) into ``.cache/wheels``."""
    cache = cache or root / ".cache" / "wheels"
    pins = pinned_wheels(root)
    found = {dist: _find_wheel(cache, dist, *pin) if cache.is_dir() else None for dist, pin in pins.items()}
    if not all(found.values()):
        cache.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                   "--require-hashes", "-r", str(root / "requirements-browser.txt"), "-d", str(cache)]
        completed = subprocess.run(command, capture_output=True, text=True)
        if completed.returncode:
            raise RuntimeBuildError("could not fetch the browser wheels with pip:\n" + completed.stderr)
        found = {dist: _find_wheel(cache, dist, *pin) for dist, pin in pins.items()}
    missing = [dist for dist, path in found.items() if path is None]
    if missing:
        raise RuntimeBuildError(f"no wheel matching the pinned hash for {missing}")
    unknown = set(pins) - set(PYPI_WHEELS)
    if unknown:
        raise RuntimeBuildError(f"requirements-browser.txt pins {sorted(unknown)}, which browser_runtime.py does not list")
    return [found[dist] for dist in PYPI_WHEELS]


def _project(root: Path) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]


def _package_files(root: Path) -> list[tuple[str, bytes]]:
    """Every source file of rules_py (``*.py`` and the notice data), sorted, read as bytes; the
    modules without comments and docstrings, as the stdlib travels (sitebuild/stdlib.py; lines
    kept, so tracebacks point right): 119 KB → 94 KB on the wire. The parity test runs this wheel
    against the sources as they are."""
    base = root / RULES_PACKAGE
    files = [path for path in base.rglob("*")
             if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".toml")]
    return [(path.relative_to(root).as_posix(),
             stdlib.without_comments_and_docstrings(path.read_bytes()) if path.suffix == ".py" else path.read_bytes())
            for path in sorted(files)]


def _zip_member(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3  # Unix, whatever machine builds it
    archive.writestr(info, data, compresslevel=9)


def rules_wheel(root: Path = ROOT) -> tuple[str, bytes]:
    """Build ``rules_py-<version>-py3-none-any.whl`` in memory; same sources give the same bytes."""
    project = _project(root)
    name, version = project["name"], project["version"]
    dist_info = f"{name}-{version}.dist-info"
    metadata = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        f"Summary: {project['description']}",
        f"Requires-Python: {project['requires-python']}",
        *(f"Requires-Dist: {dep}" for dep in project.get("dependencies", [])),
    ]
    members = _package_files(root)
    members.append((f"{dist_info}/METADATA", ("\n".join(metadata) + "\n").encode("utf-8")))
    members.append((f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: browser_runtime.py\n"
                                          b"Root-Is-Purelib: true\nTag: py3-none-any\n"))
    members.append((f"{dist_info}/top_level.txt", f"{RULES_PACKAGE}\n".encode()))
    record = []
    for member, data in members:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{member},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    members.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, data in members:
            _zip_member(archive, member, data)
    return f"{name}-{version}-py3-none-any.whl", buffer.getvalue()


# -- lock file ---------------------------------------------------------------------------------

def _lock_entry(name: str, version: str, file_name: str, data: bytes, imports: list[str],
                depends: list[str]) -> dict:
    return {"name": name, "version": version, "file_name": file_name, "install_dir": "site",
            "package_type": "package", "sha256": _sha256(data), "imports": imports,
            "depends": depends, "unvendored_tests": False}


def wheel_set(root: Path = ROOT) -> tuple[dict, dict[str, bytes]]:
    """The lock file (as a dict) and ``{file name: bytes}`` of every wheel it lists."""
    upstream = json.loads((pyodide_dir(root) / "pyodide-lock.json").read_text("utf-8"))
    files: dict[str, bytes] = {}
    packages: dict[str, dict] = {}
    for path in pypi_wheels(root):
        dist, version = path.name.split("-")[:2]
        imports, depends = PYPI_WHEELS[dist]
        data = path.read_bytes()
        files[path.name] = data
        packages[canonical_name(dist)] = _lock_entry(dist, version, path.name, data, imports, depends)
    file_name, data = rules_wheel(root)
    files[file_name] = data
    project = _project(root)
    # No depends: `import rules_py` needs only the standard library, and the person page should not
    # download openpyxl. The roster check's packages are loaded by the pages that check rosters
    # (tool_packages); listed here, they would be installed on every page.
    packages[canonical_name(project["name"])] = _lock_entry(
        project["name"], project["version"], file_name, data, [RULES_PACKAGE], [])
    unlisted = set(sum(tool_packages(root).values(), [])) - set(packages)
    if unlisted:
        raise RuntimeBuildError(f"self-check tools need packages the lock file does not list: {sorted(unlisted)}")
    unknown = set().union(*(entry["depends"] for entry in packages.values())) - set(packages)
    if unknown:
        raise RuntimeBuildError(f"lock file entries depend on packages it does not list: {sorted(unknown)}")
    return {"info": upstream["info"], "packages": dict(sorted(packages.items()))}, files


def _dumps(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


# -- the form's notice data --------------------------------------------------------------------

def notice_data(notice_id: str) -> dict:
    from rules_py.page_data import notice_data

    return notice_data(notice_id)


def roster_data(notice_id: str) -> dict:
    from rules_py.page_data import roster_data

    return roster_data(notice_id)


def applicants_data(notice_id: str) -> dict:
    from rules_py.page_data import applicants_data

    return applicants_data(notice_id)


# -- the step ---------------------------------------------------------------------------------

def tool_packages(root: Path = ROOT) -> dict[str, list[str]]:
    """What each tool of a page adds to the engine, beyond `import rules_py` (which needs nothing
    but the standard library): the roster and applicants checks read workbooks with openpyxl, the
    project's dependencies."""
    requirements = _project(root)["dependencies"]
    workbooks = sorted(canonical_name(re.split(r"[<>=!~ ;\[]", dep, maxsplit=1)[0]) for dep in requirements)
    # On demand (Runtime.describe's on_demand): "xlsx", 学时自查's 保存为核对表 / 从核对表读取; "xls",
    # the .xls/.et reader, which the roster and applicants pages fetch only when such a file is chosen.
    xlsx_readers = [name for name in workbooks if name != XLS_READER]
    return {"roster": xlsx_readers, "applicants": xlsx_readers, "xls": [XLS_READER], "xlsx": workbooks}


@dataclass(frozen=True)
class Runtime:
    """The runtime one build ships: planned before the pages are rendered (each self-check page
    carries its description, so the worker fetches nothing before it starts downloading), written
    into the site after mkdocs."""

    version: str                  # Pyodide's
    source: Path                  # node_modules/pyodide
    files: dict[str, bytes]       # served Pyodide file -> bytes (the stdlib trimmed)
    packed: dict[str, bytes]      # served name -> its gzip copy (PACKED_FILES)
    lock: dict                    # the lock file
    wheels: dict[str, bytes]      # file name -> bytes
    engine: str                   # the rules_py package's lock-file key, loaded on every page
    tools: dict[str, list[str]]   # tool -> the packages it adds

    @property
    def lock_bytes(self) -> bytes:
        return _dumps(self.lock)

    @property
    def runtime_folder(self) -> str:
        """``<version>-<digest>``: the digest covers every file, the trimmed stdlib included."""
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(f"{name}\0{_sha256(self.files[name])}\0".encode())
        return f"{self.version}-{digest.hexdigest()[:12]}"

    @property
    def wheel_folder(self) -> str:
        """The wheels' folder name: a digest of the lock file, which holds every wheel's hash."""
        return _sha256(self.lock_bytes)[:16]

    def describe(self, tools: tuple[str, ...] = (), on_demand: tuple[str, ...] = ()) -> dict:
        """What the worker needs for a page offering ``tools`` (paths relative to assets/selfcheck/):
        the packages to load and the bytes the page will download, for its progress bar.
        ``on_demand``: tools the page loads only when the person asks for them (the worker's
        loadTools request), each with the packages it adds and their bytes; nothing at boot."""
        unknown = (set(tools) | set(on_demand)) - set(self.tools)
        if unknown:
            raise RuntimeBuildError(f"unknown self-check tools {sorted(unknown)}; known: {sorted(self.tools)}")
        packages = [self.engine]
        for tool in tools:
            packages += [name for name in self.tools[tool] if name not in packages]
        wheel_bytes = sum(len(self.wheels[self.lock["packages"][name]["file_name"]])
                          for name in self._closure(packages))
        other = len(self.files["pyodide.js"]) + len(self.lock_bytes) + wheel_bytes
        return {
            "pyodide": self.version,
            "index_url": f"../pyodide/{self.runtime_folder}/",
            "lock_url": f"../wheels/{self.wheel_folder}/app-lock.json",
            "packages": packages,
            "tools": list(tools),
            # What the page downloads, for its progress bar: plain files, or packed where it can unpack.
            "bytes": other + sum(len(self.files[name]) for name, _ in PACKED_FILES.values()),
            "packed_bytes": other + sum(len(data) for data in self.packed.values()),
            # pyodide.js arrives through import(), which the worker's byte counter cannot see.
            "module_bytes": len(self.files["pyodide.js"]),
            # The files the worker fetches itself, relative to index_url.
            "files": {key: {"plain": name, "packed": name + PACKED_SUFFIX, "type": content_type,
                            "plain_integrity": _sri(self.files[name]),
                            "packed_integrity": _sri(self.packed[name])}
                      for key, (name, content_type) in PACKED_FILES.items()},
            **({"on_demand": {tool: self._on_demand(tool, packages) for tool in on_demand}} if on_demand else {}),
        }

    def _on_demand(self, tool: str, loaded: list[str]) -> dict:
        """The packages ``tool`` adds to those loaded at boot, and their wheels' bytes."""
        packages = [name for name in self.tools[tool] if name not in loaded]
        added = self._closure(packages) - self._closure(loaded)
        return {"packages": packages,
                "bytes": sum(len(self.wheels[self.lock["packages"][name]["file_name"]]) for name in added)}

    def _closure(self, names: list[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo += self.lock["packages"][name]["depends"]
        return seen


def plan_runtime(root: Path = ROOT) -> Runtime:
    """Read the pinned Pyodide, build the rules_py wheel and the lock file; nothing is written."""
    source = pyodide_dir(root)
    version = json.loads((source / "package.json").read_text("utf-8"))["version"]
    files = {served: (source / npm_name).read_bytes() for npm_name, served in PYODIDE_FILES.items()}
    files["python_stdlib.zip"] = stdlib.trimmed_stdlib(files["python_stdlib.zip"], cache=root / ".cache" / "packed")
    packed = {name: gzip_packed(files[name], root) for name, _ in PACKED_FILES.values()}
    lock, wheels = wheel_set(root)
    return Runtime(version, source, files, packed, lock, wheels,
                   engine=canonical_name(_project(root)["name"]), tools=tool_packages(root))


def _fresh_folder(parent: Path, name: str, files: dict[str, bytes]) -> None:
    """``parent``/``name`` holding ``files`` and nothing else; earlier builds' folders go."""
    if parent.exists():
        shutil.rmtree(parent)
    (parent / name).mkdir(parents=True)
    for file_name, data in files.items():
        (parent / name / file_name).write_bytes(data)


def write_runtime(site_dir: Path, notice_id: str, runtime: Runtime) -> dict:
    """Copy Pyodide and the wheels into ``site_dir`` and write the JSON files; returns runtime.json
    (the engine without tools: what the parity test's Node runner and the benchmark read)."""
    site_dir = Path(site_dir)
    _fresh_folder(site_dir / "assets" / "pyodide", runtime.runtime_folder,
                  {**runtime.files, **{name + PACKED_SUFFIX: data for name, data in runtime.packed.items()}})
    _fresh_folder(site_dir / "assets" / "wheels", runtime.wheel_folder,
                  {**runtime.wheels, "app-lock.json": runtime.lock_bytes})

    description = runtime.describe()
    selfcheck_dir = site_dir / "assets" / "selfcheck"
    selfcheck_dir.mkdir(parents=True, exist_ok=True)
    (selfcheck_dir / "runtime.json").write_bytes(_dumps(description))
    (selfcheck_dir / f"{notice_id}.json").write_bytes(_dumps(notice_data(notice_id)))
    (selfcheck_dir / f"roster-{notice_id}.json").write_bytes(_dumps(roster_data(notice_id)))
    (selfcheck_dir / f"applicants-{notice_id}.json").write_bytes(_dumps(applicants_data(notice_id)))
    return description


if __name__ == "__main__":  # python browser_runtime.py SITE_DIR [NOTICE_ID]
    print(json.dumps(write_runtime(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "songshan-2025",
                                   plan_runtime()), indent=1))
