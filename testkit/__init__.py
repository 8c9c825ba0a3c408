"""What the tests and the benchmarks share: the built site, the logging static server, Debian's
chromium at phone size with request and console recorders, and synthetic roster workbooks.

- ``site.py``            ROOT, ``build_site(out)`` (the whole build.py pipeline into a folder)
- ``server.py``          ``start_server(root)``: 127.0.0.1 on a free port, logging every path it serves
- ``browser.py``         chromium's path and flags, phone contexts and pages, recorders, screenshots
- ``roster_factory.py``  filled rosters with synthetic, valid ID numbers (never a real person)
- ``applicants_factory.py``  filled 申报人员学时核对表 workbooks, from the same synthetic IDs
- ``bad_rosters.py``     wrong files and hostile XML that no roster check may read

Import from the package (``from testkit import start_server, phone_page``); pytest finds it through
``pythonpath`` in pyproject.toml, ``python -m benchmarks.run`` from the project root.
"""

from testkit.browser import (CHROMIUM, CHROMIUM_ARGS, PHONE, PYODIDE_VERSION, SCREENSHOTS, new_phone_context,
                             phone_page, record_requests, screenshot, watch_console)
from testkit.server import DEFAULT_MIME_TYPES, SiteServer, start_server
from testkit.site import ROOT, build_site

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "DEFAULT_MIME_TYPES", "PHONE", "PYODIDE_VERSION", "ROOT", "SCREENSHOTS",
           "SiteServer", "build_site", "new_phone_context", "phone_page", "record_requests", "screenshot",
           "start_server", "watch_console"]
