"""A DevTools probe into a page's dedicated worker, for measurements the page cannot make itself.

Playwright gives a CDP session per page, not per worker; the page session can auto-attach to its
workers in the non-flat mode and talk to them through Target.sendMessageToTarget. Nothing in the
site changes: the probe is a script evaluated in the worker before its own first line.
"""

from __future__ import annotations

import json
import time


class WorkerProbe:
    """DevTools sessions to a page's workers: each worker is paused before its first line, the one
    whose URL contains ``match`` first runs ``script`` (in its global scope), then all go on.
    ``call`` sends a DevTools command to that worker. Create it before the page navigates."""

    def __init__(self, page, match: str, script: str):
        self.page = page
        self.match = match
        self.script = script
        self.cdp = page.context.new_cdp_session(page)
        self.session = None
        self.replies: dict[int, dict] = {}
        self.next_id = 1000
        self.cdp.on("Target.attachedToTarget", self._attached)
        self.cdp.on("Target.receivedMessageFromTarget", self._received)
        self.cdp.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True,
                                               "flatten": False})

    def _post(self, session: str, method: str, params: dict | None = None, id_: int | None = None) -> int:
        if id_ is None:
            self.next_id += 1
            id_ = self.next_id
        self.cdp.send("Target.sendMessageToTarget", {"sessionId": session, "message": json.dumps(
            {"id": id_, "method": method, "params": params or {}})})
        return id_

    def _attached(self, event):
        session = event["sessionId"]
        if self.match in event["targetInfo"]["url"]:
            self.session = session
            self._post(session, "Runtime.evaluate", {"expression": self.script})
        self._post(session, "Runtime.runIfWaitingForDebugger")

    def _received(self, event):
        message = json.loads(event["message"])
        if "id" in message:
            self.replies[message["id"]] = message

    def call(self, method: str, params: dict | None = None, timeout_s: float = 30) -> dict:
        id_ = self._post(self.session, method, params)
        deadline = time.monotonic() + timeout_s
        while id_ not in self.replies:
            if time.monotonic() > deadline:
                raise TimeoutError(method)
            self.page.wait_for_timeout(20)  # lets Playwright deliver the events
        return self.replies.pop(id_).get("result", {})
