"""MkDocs hook: put the notice's identity (issuer, date, 文号, rules version) into ``config.extra``,
and its year into the site's name and description (``{year}`` in mkdocs.yml).

The footer of every page (templates/overrides/partials/copyright.html) prints it, so a reader of any
page sees which notice the site follows and which version of the rules the self-checks use.
build.py sets ``extra.notice_id`` to the notice it builds (``--notice``).
"""

from __future__ import annotations

from rules_py import load_notice
from rules_py.dates import cn_date
from rules_py.notice import DEFAULT_NOTICE


def on_config(config):
    notice = load_notice(config.extra.get("notice_id", DEFAULT_NOTICE))
    config.site_name = config.site_name.format(year=notice.year)
    config.site_description = config.site_description.format(year=notice.year)
    config.extra["notice"] = {
        "id": notice.id,
        "title": notice.title,
        "issuer": notice.data["issuer"],
        "issued": cn_date(notice.issued),
        "basis": notice.data["basis"],
        "rules_version": notice.rules_version,
        "enquiry_phone": notice.data["enquiry_phone"],
    }
    return config
