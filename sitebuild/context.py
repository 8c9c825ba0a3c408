"""What the page templates may use: the jinja environment with its filters, and the page context
(the notice's numbers and dates, links, helpers), built from the notice data and rules_py."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

from rules_py.dates import cn_date
from sitebuild import Build, BuildError
from sitebuild.calendar import key_dates


def jinja_env(b: Build):
    """Templates from templates/; an undefined name is an error, not an empty string."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(b.templates)),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             autoescape=False, trim_blocks=True, lstrip_blocks=True)
    env.filters["hours"] = hours
    env.filters["cn_date"] = cn_date
    env.filters["header_field"] = _header_field
    env.filters["cite_md"] = lambda text: _link_citations(b.notice, text, "md", "notice.md")
    env.filters["cite_html"] = lambda text, base: _link_citations(b.notice, text, "html", base)
    return env


def page_context(b: Build) -> dict:
    """What every template may use: the notice's numbers and dates, links, helpers."""
    from rules_py import wording
    from rules_py.forms import forms_for

    n = b.notice
    filing = n.data["filing"]

    def cite(clause_id: str, *, title: bool = False) -> str:
        clause = n.clause(clause_id)
        if title:
            return f"[{clause.citation} {clause.title}](notice.md#{clause_id})"
        return f"[{clause.citation}](notice.md#{clause_id}){{ .cite }}"

    def link(key: str) -> str:
        item = b.site["links"][key]
        return f"[{item['name']}]({item['url']})（{item['host']}）"

    def tel(number: str) -> str:
        return f"[{number}](tel:{number.replace('-', '')}){{ .tel }}"

    month, day = (int(x) for x in n.exemptions["age_reference"].split("-"))
    return {
        "n": n,
        "year": n.year,
        "issuer": n.data["issuer"],
        "enquiry_phone": n.data["enquiry_phone"],
        "rules_version": n.rules_version,
        "req": n.requirements,
        "ty": n.data["training_year"],
        "filing": filing,
        "report_weeks": filing["training_report_within_days"] // 7,
        "ex": n.exemptions,
        "assessment_hint": n.assessment["hint"],
        "age_reference": f"{month}月{day}日",
        "mph": n.minutes_per_hour,
        "contacts": b.site["contacts"],
        "forms": forms_for(n),
        "form_files": {f.id: f"forms/{f.filename}" for f in forms_for(n)},
        "form_sizes": {f.id: _size_text(b.docs / "forms" / f.filename) for f in forms_for(n)},
        "column_letter": lambda index: chr(ord("A") + index),
        "dates": key_dates(n),
        "calendar_file": f"dates/{n.id}.ics",
        "selfchecks": selfcheck_pages(b.docs),
        "level_names": wording.LEVEL_NAMES,
        "subject_names": wording.SUBJECT_NAMES,
        "circumstance_names": wording.CIRCUMSTANCE_NAMES,
        "activity_labels": {k: v["label"] for k, v in n.activity_kinds.items()},
        "clause_of": n.clause,
        "cite": cite,
        "link": link,
        "tel": tel,
        "tels": lambda numbers: "、".join(tel(x) for x in numbers),
        "short_label": lambda label: label.split("（")[0],
        "date": cn_date,
        "hours": hours,
        # A self-check page's engine: its tools, the runtime it starts and the notice it judges by,
        # as one line of JSON for the front matter (templates/overrides/main.html writes it into
        # the page <head>). on_demand: tools loaded only when the person asks (Runtime.describe).
        "engine": lambda *tools, on_demand=(): json.dumps({**b.runtime.describe(tools, tuple(on_demand)),
                                                           "notice": b.notice.id}, sort_keys=True),
    }


def roster_context(notice) -> dict:
    """What the roster pages show: every code of rules_py.roster, its limits, the form (附件2)."""
    from rules_py.forms import form_by_id
    from rules_py.roster import ROSTER_FORM, describe_codes

    return {**describe_codes(), "form": form_by_id(notice, ROSTER_FORM)}


def applicants_context(notice) -> dict:
    """What the applicants page shows: its limits and the form (申报人员学时核对表, our own)."""
    from rules_py.applicants import APPLICANTS_FORM, limits
    from rules_py.forms import form_by_id

    return {"limits": limits(), "form": form_by_id(notice, APPLICANTS_FORM)}


def selfcheck_pages(docs: Path) -> list[dict]:
    """Pages under build/docs whose front matter says ``selfcheck: true`` (title and path), in the
    order their front matter gives (``order``, default 1), then by path."""
    import yaml

    found = []
    for path in sorted(docs.rglob("*.md")):
        text = path.read_text("utf-8")
        if not text.startswith("---\n"):
            continue
        meta = yaml.safe_load(text[4:text.index("\n---", 4)]) or {}
        if meta.get("selfcheck"):
            found.append({"title": meta.get("title", path.stem), "path": path.relative_to(docs).as_posix(),
                          "description": meta.get("description", ""), "order": meta.get("order", 1)})
    return sorted(found, key=lambda page: page["order"])


def hours(value, gap: bool = False) -> str:
    """Hours as people read them: at most one decimal; a gap rounds up, an amount rounds down."""
    from rules_py.wording import hours as engine_hours

    return engine_hours(Fraction(value), round_up=gap)


# A date as 2025-03-15 in a cell's text. The browser may break a line after its hyphens ("2025-03-" /
# "15"): in HTML it is kept on one line.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _html_text(text: str) -> str:
    import markupsafe

    return _DATE.sub(lambda m: f'<span class="nobreak">{m.group(0)}</span>', str(markupsafe.escape(text)))


def _link_citations(notice, text: str, kind: str, base: str) -> str:
    """Turn every "通知 二（五）1" in ``text`` into a link to that clause (Markdown or escaped HTML,
    where a date stays on one line)."""
    import markupsafe

    by_citation = {c.citation: cid for cid, c in notice.clauses.items()}
    pattern = re.compile("|".join(re.escape(c) for c in sorted(by_citation, key=len, reverse=True)))
    out, last = [], 0
    for match in pattern.finditer(text):
        plain = text[last:match.start()]
        cid = by_citation[match.group(0)]
        if kind == "md":
            out += [plain, f"[{match.group(0)}]({base}#{cid})"]
        else:
            out += [_html_text(plain),
                    f'<a href="{base}#{cid}">{markupsafe.escape(match.group(0))}</a>']
        last = match.end()
    tail = text[last:]
    out.append(tail if kind == "md" else _html_text(tail))
    return "".join(out)


def _header_field(line: str) -> str:
    """"联系人：" → "联系人"; "填报日期：　　年　　月　　日" → "填报日期"; "计划年度：2025年" stays."""
    name, _, rest = line.partition("：")
    return name if not rest.strip("\u3000 年月日") else line


def _size_text(path: Path) -> str:
    if not path.exists():
        raise BuildError(f"{path} was not written; write_forms must run before render_pages")
    return f"{max(1, round(path.stat().st_size / 1024))} KB"
