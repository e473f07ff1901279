"""The one client for an AI provider: OpenAI-compatible ``POST {AI_BASE_URL}/chat/completions``.

Standard library only (http.client), so any provider that speaks the OpenAI chat API works: DeepSeek, Qwen
through DashScope's compatible mode, a self-hosted Ollama or vLLM. Streaming reads the server-sent events
(``data: {...}`` lines, ``data: [DONE]``).

* Timeouts: every socket read waits at most ``timeout`` seconds, and a whole call (connect, retries and
  streaming included) never lasts longer than ``timeout`` either, so a slow provider cannot hold a worker.
* Retries: a refused connection or a 5xx answer is tried once more, but only before any text has been
  streamed (a retry after that would repeat words the learner already reads).
* Token accounting: the ``usage`` the provider reports (``stream_options.include_usage`` when streaming);
  when it reports none, an estimate from the text's length, marked ``estimated``.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from assistant.conf import ProviderConfig

RETRIES = 1
RETRY_PAUSE_SECONDS = 0.3


class ProviderError(Exception):
    """The provider gave no usable answer. ``reason``: ``unavailable`` (cannot connect, 5xx, nonsense),
    ``busy`` (429: the provider's own rate limit), ``timeout``, ``refused`` (4xx: key, model, request)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = False


def estimate_tokens(text: str) -> int:
    """About one token per Chinese character and per four other characters: only used when the provider
    reports no usage."""
    wide = sum(1 for ch in text if ord(ch) > 0x2E7F)
    return wide + (len(text) - wide + 3) // 4


class Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def left(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise ProviderError("timeout", f"no answer within {self.seconds:g} s")
        return left


def _post(config: ProviderConfig, body: dict, deadline: Deadline) -> http.client.HTTPResponse:
    """The response to the POST, status 200; retried once on a connect error or a 5xx."""
    url = urlsplit(config.base_url)
    path = (url.path.rstrip("/") or "") + "/chat/completions"
    headers = {"Content-Type": "application/json", "Accept": "text/event-stream, application/json"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    payload = json.dumps(body, ensure_ascii=False).encode()
    connection_class = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    last: ProviderError | None = None
    for attempt in range(RETRIES + 1):
        if attempt:
            time.sleep(min(RETRY_PAUSE_SECONDS, max(deadline.left() - 0.01, 0)))
        connection = connection_class(url.hostname, url.port, timeout=min(config.timeout, deadline.left()))
        try:
            connection.request("POST", path, body=payload, headers=headers)
            response = connection.getresponse()
        except TimeoutError as exc:
            connection.close()
            raise ProviderError("timeout", str(exc)) from exc
        except OSError as exc:  # refused, reset, no route: worth one more try
            connection.close()
            last = ProviderError("unavailable", str(exc))
            continue
        if response.status == 200:
            return response
        detail = response.read(2000).decode("utf-8", "replace")
        connection.close()
        if response.status == 429:
            raise ProviderError("busy", detail)
        if response.status >= 500:
            last = ProviderError("unavailable", f"HTTP {response.status} {detail}")
            continue
        raise ProviderError("refused", f"HTTP {response.status} {detail}")
    assert last is not None
    raise last


def _usage_from(data: dict, usage: Usage) -> None:
    reported = data.get("usage") or {}
    if isinstance(reported, dict) and reported:
        usage.prompt_tokens = int(reported.get("prompt_tokens") or 0)
        usage.completion_tokens = int(reported.get("completion_tokens") or 0)
        usage.estimated = False


class ChatStream:
    """The answer's text, piece by piece as the provider writes it; ``usage`` is complete once iterated."""

    def __init__(self, config: ProviderConfig, *, messages: list[dict], model: str, max_tokens: int | None):
        self.config = config
        self.messages = messages
        self.model = model
        self.max_tokens = max_tokens
        self.usage = Usage(estimated=True)
        self.text = ""
        self._response: http.client.HTTPResponse | None = None

    def __iter__(self) -> Iterator[str]:
        deadline = Deadline(self.config.timeout)
        body = {
            "model": self.model,
            "messages": self.messages,
            "stream": True,
            "stream_options": {"include_usage": True},
            "temperature": 0.2,
        }
        if self.max_tokens:
            body["max_tokens"] = self.max_tokens
        self._response = response = _post(self.config, body, deadline)
        pieces: list[str] = []
        try:
            while True:
                deadline.left()
                try:
                    line = response.readline()
                except TimeoutError as exc:
                    raise ProviderError("timeout", str(exc)) from exc
                except OSError as exc:
                    raise ProviderError("unavailable", str(exc)) from exc
                if not line:
                    break
                line = line.strip()
                if not line.startswith(b"data:"):
                    continue
                data = line[5:].strip()
                if data == b"[DONE]":
                    break
                try:
                    chunk = json.loads(data)
                except ValueError as exc:
                    raise ProviderError("unavailable", "not JSON") from exc
                _usage_from(chunk, self.usage)
                for choice in chunk.get("choices") or ():
                    piece = (choice.get("delta") or {}).get("content") or ""
                    if piece:
                        pieces.append(piece)
                        yield piece
        finally:
            self.text = "".join(pieces)
            self.close()
        if self.usage.estimated:
            self.usage.prompt_tokens = sum(estimate_tokens(str(m.get("content", ""))) for m in self.messages)
            self.usage.completion_tokens = estimate_tokens(self.text)

    def close(self) -> None:
        if self._response is not None:
            self._response.close()
            self._response = None


def chat_stream(
    config: ProviderConfig, *, messages: list[dict], model: str, max_tokens: int | None = None
) -> ChatStream:
    """A streamed answer: iterate it for the text; nothing is sent until the first ``next()``."""
    return ChatStream(config, messages=messages, model=model, max_tokens=max_tokens)


@dataclass
class ChatResult:
    text: str
    usage: Usage


def chat_complete(
    config: ProviderConfig,
    *,
    messages: list[dict],
    model: str,
    max_tokens: int | None = None,
    json_answer: bool = False,
) -> ChatResult:
    """A whole answer at once (trainer helpers: question drafts, alt text)."""
    deadline = Deadline(config.timeout)
    body: dict = {"model": model, "messages": messages, "stream": False, "temperature": 0.2}
    if max_tokens:
        body["max_tokens"] = max_tokens
    if json_answer:
        body["response_format"] = {"type": "json_object"}
    response = _post(config, body, deadline)
    try:
        raw = response.read()
    except TimeoutError as exc:
        raise ProviderError("timeout", str(exc)) from exc
    finally:
        response.close()
    try:
        data = json.loads(raw)
        text = data["choices"][0]["message"]["content"] or ""
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ProviderError("unavailable", "unexpected answer") from exc
    usage = Usage(estimated=True)
    _usage_from(data, usage)
    if usage.estimated:
        usage.prompt_tokens = sum(estimate_tokens(str(m.get("content", ""))) for m in messages)
        usage.completion_tokens = estimate_tokens(text)
    return ChatResult(text=text, usage=usage)
