"""MkDocs hook: the privacy promise under the title of every self-check page.

A page joins by saying ``selfcheck: true`` in its front matter (the home page lists such pages too).
"""

from __future__ import annotations

from mkdocs.utils import get_relative_url

PRIVACY_LINE = (
    '<p class="privacy-line" role="note"><strong>您的信息不会离开这台设备：</strong>'
    "这里输入或上传的内容只在您的浏览器里计算，不会发送到任何服务器。"
    '<a href="{href}">隐私说明</a></p>'
)


def on_page_content(html, page, config, files):
    if not page.meta.get("selfcheck"):
        return html
    line = PRIVACY_LINE.format(href=get_relative_url("privacy/", page.url))
    if "</h1>" in html:
        return html.replace("</h1>", "</h1>\n" + line, 1)
    return line + html
