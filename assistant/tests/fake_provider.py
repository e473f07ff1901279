"""A scripted OpenAI-compatible provider on 127.0.0.1 for tests (no network): each request takes the next
scripted reply (or the default one) and is recorded, body included, so a test can check what was sent.

    with FakeProvider() as fake:
        fake.script(Reply(pieces=["你好", "[1]"], usage=(120, 8)))
        ... AI_BASE_URL = fake.base_url ...
        fake.requests[0]["messages"]
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    pieces: list[str] = field(default_factory=lambda: ["好的。"])
    usage: tuple[int, int] | None = (100, 10)
    status: int = 200
    delay: float = 0.0  # before the answer starts
    piece_delay: float = 0.0  # between streamed pieces
    body: str | None = None  # a raw body instead (errors, broken answers)
    drop: bool = False  # close the connection without answering


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A client that gives up (the timeout tests) resets its connection: that is the test, not an error
        to print."""


class FakeProvider:
    def __init__(self, default: Reply | None = None, responder=None):
        self.replies: deque[Reply] = deque()
        self.default = default or Reply()
        # responder(body) -> Reply: answers from what was sent, when no reply is scripted.
        self.responder = responder
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def __enter__(self) -> FakeProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, body: dict) -> Reply:
        if self.replies:
            return self.replies.popleft()
        return self.responder(body) if self.responder else self.default

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                fake.headers.append(dict(self.headers))
                reply = fake._next(body)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drop:
                    self.close_connection = True
                    self.connection.close()
                    return
                if self.path != "/v1/chat/completions":
                    reply = Reply(status=404, body='{"error": "not found"}')
                if reply.status != 200 or reply.body is not None:
                    raw = (reply.body or '{"error": {"message": "scripted"}}').encode()
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                    return
                usage = (
                    {"prompt_tokens": reply.usage[0], "completion_tokens": reply.usage[1]}
                    if reply.usage
                    else None
                )
                if not body.get("stream"):
                    raw = json.dumps(
                        {
                            "choices": [
                                {
                                    "index": 0,
                                    "message": {"role": "assistant", "content": "".join(reply.pieces)},
                                }
                            ],
                            **({"usage": usage} if usage else {}),
                        },
                        ensure_ascii=False,
                    ).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for piece in reply.pieces:
                        chunk = {"choices": [{"index": 0, "delta": {"content": piece}}]}
                        self._chunk(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n")
                        if reply.piece_delay:
                            time.sleep(reply.piece_delay)
                    if usage:
                        self._chunk(f"data: {json.dumps({'choices': [], 'usage': usage})}\n\n")
                    self._chunk("data: [DONE]\n\n")
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _chunk(self, text: str) -> None:
                raw = text.encode()
                self.wfile.write(f"{len(raw):x}\r\n".encode() + raw + b"\r\n")
                self.wfile.flush()

        return Handler


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[\s，。！？、：；“”（）()<>/]", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def grounded_responder(body: dict) -> Reply:
    """A stand-in for a model that answers from the numbered lesson it was sent: the block sharing most
    two-character pieces with the question, cited as [n]; the prompt's own "not covered" sentence when no
    block shares enough. Enough to check the wiring (numbering, citations, anchors), not a model's quality."""
    system, user = body["messages"][0]["content"], body["messages"][1]["content"]
    question = user.rsplit("学员的问题：", 1)[-1]
    blocks = re.findall(r"^\[(\d+)\] (.*?)(?=\n\n\[\d+\] |\n\n学员的问题：)", user, re.M | re.S)
    wanted = _bigrams(question)
    scored = sorted(((len(wanted & _bigrams(text)), int(n), text) for n, text in blocks), reverse=True)
    if not scored or scored[0][0] < 2:
        sentence = system.split("只回答这一句：", 1)[1]
        return Reply(pieces=[sentence[: sentence.index("。") + 1] if "。" in sentence else sentence])
    _, number, text = scored[0]
    return Reply(pieces=[text[:40], f"[{number}]"])
