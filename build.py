"""Build the site into site/: notice, FAQ, forms and key dates, with no request to any other host.

    python build.py [--notice ID] [--site-dir DIR] [--build-dir DIR]

The pipeline (``STEPS``) plans the browser runtime (the self-check pages name it), stages site_src/
into build/docs, writes the blank forms and the calendar file, renders the templated pages there
(FAQ examples computed by rules_py; the forms page shows the files' sizes, so it comes after
them), runs ``mkdocs build --strict`` into site/, copies the runtime in, and verifies the result:
a CSP on every page, no reference to another host, every cited clause anchor present, every
self-check page's runtime present. The same inputs give byte-identical files.

``--notice`` builds the site of another notice file, rules_py/notices/<ID>.toml (default: the one
mkdocs.yml names). A notice lives there, not beside the site: the self-check pages' engine loads it
by id from the rules_py wheel, and the command line takes the same id.

Each step is a short function here; what it uses lives in the package ``sitebuild/`` beside this file.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tomllib
from pathlib import Path

from sitebuild import Build, BuildError, reproducible_environment
from sitebuild import calendar, context, faq, runtime, verify

ROOT = Path(__file__).resolve().parent
log = logging.getLogger("build")


def main(argv: list[str] | None = None) -> int:
    """Run every step in order; a failing step stops the build with its message."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s %(name)s: %(message)s")
    b = Build(ROOT, args.build_dir.resolve(), args.site_dir.resolve(), notice_id=args.notice)
    try:
        run(b)
    except BuildError as error:
        log.error("%s", error)
        return 1
    log.info("site written to %s", b.site_dir)
    return 0


def run(b: Build) -> None:
    """The steps, in order, with the environment that makes the output reproducible."""
    with reproducible_environment():
        for step in STEPS:
            log.info("step: %s", step.__name__)
            step(b)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options: the notice, where to put the staged sources and the built site."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notice", metavar="ID",
                        help="build the site of rules_py/notices/ID.toml (default: extra.notice_id of mkdocs.yml)")
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site", help="output (default: site/)")
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build", help="staging (default: build/)")
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------------------------

def load_data(b: Build) -> None:
    """Load the notice (``--notice``, else the one mkdocs.yml names) and the site facts of
    templates/site.toml."""
    import yaml

    from rules_py.notice import NoticeDataError, available_notices, load_notice

    notice_id = b.notice_id or yaml.safe_load((b.root / "mkdocs.yml").read_text("utf-8"))["extra"]["notice_id"]
    try:
        b.notice = load_notice(notice_id)
    except NoticeDataError as error:
        raise BuildError(f"notice: {error} (rules_py/notices has {', '.join(available_notices())})") from None
    b.site = tomllib.loads((b.templates / "site.toml").read_text("utf-8"))


def plan_runtime(b: Build) -> None:
    """Read the pinned Pyodide and build our wheels and their lock file (sitebuild/runtime.py), so
    the self-check pages can name the runtime they start."""
    try:
        b.runtime = runtime.plan_runtime(b.root)
    except runtime.RuntimeBuildError as error:
        raise BuildError(f"runtime: {error}") from None


def stage_sources(b: Build) -> None:
    """Copy site_src/ into a fresh build/docs (mkdocs reads only from there)."""
    if b.docs.exists():
        shutil.rmtree(b.docs)
    shutil.copytree(b.root / "site_src", b.docs)


def write_forms(b: Build) -> None:
    """Write the blank .xlsx forms (附件1, 附件2) into build/docs/forms/."""
    from rules_py.blank_forms import write_blank_forms

    paths = write_blank_forms(b.docs / "forms", b.notice)
    log.info("forms: %s", ", ".join(p.name for p in paths))


def write_calendar(b: Build) -> None:
    """Write the key dates as an .ics calendar into build/docs/dates/."""
    out = b.docs / "dates" / f"{b.notice.id}.ics"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(calendar.ics_calendar(b.notice, calendar.key_dates(b.notice)))


def render_pages(b: Build) -> None:
    """Render the templated pages (学时自查, 花名册自查, 申报人员学时核对, the roster's code list, then
    home, FAQ, forms, key dates) into build/docs. The tool pages come first: home and forms list
    every ``selfcheck: true`` page."""
    env = context.jinja_env(b)
    page_context = context.page_context(b)
    page_context["roster"] = context.roster_context(b.notice)
    page_context["applicants"] = context.applicants_context(b.notice)
    for name in ("selfcheck.md", "roster.md", "applicants.md", "roster-codes.md"):
        (b.docs / name).write_text(env.get_template(f"{name}.j2").render(page_context), "utf-8")
    page_context["selfchecks"] = context.selfcheck_pages(b.docs)
    page_context["faq"] = faq.faq_entries(b, env, page_context)
    for name in ("index.md", "faq.md", "forms.md", "dates.md"):
        (b.docs / name).write_text(env.get_template(f"{name}.j2").render(page_context), "utf-8")


def run_mkdocs(b: Build) -> None:
    """mkdocs build --strict from build/docs into the site directory."""
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(b.root / "mkdocs.yml"), docs_dir=str(b.docs), site_dir=str(b.site_dir),
                         strict=True)
    config.extra["notice_id"] = b.notice.id  # the hooks (templates/hooks/) read the notice from here
    try:
        build(config)
    except exceptions.Abort as error:
        raise BuildError(f"mkdocs: {error}") from None
    finally:
        config.plugins.on_shutdown()


def copy_runtime_and_wheels(b: Build) -> None:
    """Copy Pyodide (npm, pinned) and our wheels with their lock file into site/assets."""
    written = runtime.write_runtime(b.site_dir, b.notice.id, b.runtime)
    log.info("runtime: pyodide %s, %s, %.1f MB", written["pyodide"], written["lock_url"], written["bytes"] / 1e6)


def verify_site(b: Build) -> None:
    """Fail on a page without CSP, a reference to another host, a missing clause anchor, or a
    self-check page whose runtime is not in the site."""
    problems = verify.find_problems(b.site_dir, b.site, b.notice)
    if problems:
        raise BuildError("verify: %d problem(s)\n  %s" % (len(problems), "\n  ".join(problems)))


# To add a step: write the function, list it here.
STEPS = (load_data, plan_runtime, stage_sources, write_forms, write_calendar, render_pages, run_mkdocs,
         copy_runtime_and_wheels, verify_site)


if __name__ == "__main__":
    sys.exit(main())
