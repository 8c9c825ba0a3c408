"""MkDocs hook: a Content-Security-Policy <meta> on every page, hashing the page's inline scripts.

Material writes three small inline scripts per page (storage helpers, palette restore, content-tab
switch) whose text holds the page's relative base URL, so the hashes differ from page to page.
Everything else is 'self'; 'wasm-unsafe-eval' lets the self-check pages compile Pyodide.
"""

from __future__ import annotations

import base64
import hashlib
import re

# Executable inline scripts: no src=, and not a JSON data island (Material's __config).
_INLINE_SCRIPT = re.compile(
    r'<script(?![^>]*\bsrc=)(?![^>]*type="application/(?:ld\+)?json")[^>]*>(.*?)</script>', re.S)
_CHARSET = '<meta charset="utf-8">'

POLICY = (
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval' {hashes}",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)


# The only inline scripts allowed a hash: Material's own (storage helpers, palette restore,
# content-tab switch). Anything else inline, e.g. a <script> typed into a Markdown page, stops the
# build rather than being let through by a hash computed for it.
MATERIAL_INLINE_STARTS = (
    "__md_scope=",
    "var palette=__md_get(",
    "var target=document.getElementById(location.hash.slice(1))",
)


def policy_for(html: str) -> str:
    """The policy for one page: the fixed directives plus a hash of each of Material's inline scripts."""
    scripts = [m.group(1) for m in _INLINE_SCRIPT.finditer(html)]
    foreign = [text for text in scripts if not text.startswith(MATERIAL_INLINE_STARTS)]
    if foreign:
        raise RuntimeError(f"csp hook: inline script not from Material: {foreign[0][:80]!r}; "
                           "put scripts in site_src/assets/js/ files")
    hashes = sorted({"'sha256-%s'" % base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
                     for text in scripts})
    return "; ".join(POLICY).format(hashes=" ".join(hashes)).replace("  ", " ").replace(" ;", ";")


def add_csp(html: str) -> str:
    """Insert the policy right after the charset declaration, before any script or style."""
    if _CHARSET not in html:
        raise RuntimeError("csp hook: page has no <meta charset>; cannot place the CSP first")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy_for(html)}">'
    return html.replace(_CHARSET, _CHARSET + "\n      " + meta, 1)


def on_post_page(output, page, config):
    return add_csp(output)


def on_post_template(output_content, template_name, config):
    # 404.html is rendered as a template, not a page.
    if template_name.endswith(".html"):
        return add_csp(output_content)
    return output_content
