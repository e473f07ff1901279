"""A small learning record store for the tests: a threaded http.server on 127.0.0.1 that speaks the part
of the xAPI statements resource the platform uses.

- ``POST /xapi/statements`` (a statement or an array): 200 with the ids; 409 if any id is already stored
  (as conformant stores answer), 400 for a statement the validator refuses.
- ``PUT /xapi/statements?statementId=…``: 204, or 409 when a statement with that id is already stored.
- Every request is recorded (method, path, headers, body); ``fail_next(n, status)`` answers the next n
  requests with that status before storing anything.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from xapi.tests.validator import problems


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: object


@dataclass
class LocalLRS:
    key: str = "lrs-key"
    secret: str = "lrs-secret"
    statements: dict = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def endpoint(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/xapi"

    def fail_next(self, count: int, status: int = 500) -> None:
        self.failures.extend([status] * count)

    def start(self) -> LocalLRS:
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, body=None):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("X-Experience-API-Version", "1.0.3")
                if data:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                url = urlsplit(self.path)
                with lrs.lock:
                    lrs.requests.append(Request(self.command, self.path, dict(self.headers), body))
                    if lrs.failures:
                        return self._answer(lrs.failures.pop(0), {"error": "injected"})
                    expected = "Basic " + base64.b64encode(f"{lrs.key}:{lrs.secret}".encode()).decode()
                    if self.headers.get("Authorization") != expected:
                        return self._answer(401, {"error": "bad credentials"})
                    if self.headers.get("X-Experience-API-Version") != "1.0.3":
                        return self._answer(400, {"error": "version header"})
                    if url.path != "/xapi/statements":
                        return self._answer(404)
                    batch = body if isinstance(body, list) else [body]
                    for statement in batch:
                        if problems(statement):
                            return self._answer(400, {"error": problems(statement)})
                    if self.command == "PUT":
                        statement_id = parse_qs(url.query).get("statementId", [""])[0]
                        if statement_id != batch[0].get("id"):
                            return self._answer(400, {"error": "statementId"})
                        if statement_id in lrs.statements:
                            return self._answer(409, {"error": "exists"})
                        lrs.statements[statement_id] = batch[0]
                        return self._answer(204)
                    if any(statement.get("id") in lrs.statements for statement in batch):
                        return self._answer(409, {"error": "exists"})
                    for statement in batch:
                        lrs.statements[statement["id"]] = statement
                    return self._answer(200, [statement["id"] for statement in batch])

            do_POST = _handle
            do_PUT = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def posted(self) -> list[dict]:
        """Every statement the platform sent, in order, retries included."""
        sent = []
        for request in self.requests:
            sent.extend(request.body if isinstance(request.body, list) else [request.body])
        return sent


def running_lrs(settings):
    """A running local store, and the platform configured to send to it (the body of an ``lrs``
    fixture: ``yield from running_lrs(settings)``)."""
    store = LocalLRS().start()
    settings.XAPI_ENDPOINT = store.endpoint
    settings.XAPI_KEY = store.key
    settings.XAPI_SECRET = store.secret
    settings.XAPI_SITE_URL = "https://learn.example.org"
    settings.XAPI_ACTOR = "account"
    yield store
    store.stop()
