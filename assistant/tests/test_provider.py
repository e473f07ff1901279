"""The provider client against the scripted fake OpenAI-compatible server: streaming, usage, timeouts,
retries and errors."""

import socket
import time

import pytest

from assistant.conf import ProviderConfig
from assistant.provider import ProviderError, chat_complete, chat_stream
from assistant.tests.fake_provider import FakeProvider, Reply

MESSAGES = [{"role": "user", "content": "什么是扫码登记？"}]


def make_config(base_url: str, **overrides) -> ProviderConfig:
    values = {
        "base_url": base_url,
        "api_key": "sk-test",
        "chat_model": "chat-model",
        "vision_model": "vision-model",
        "timeout": 5.0,
        "daily_limit": 10,
        "helpers": frozenset({"ask", "simplify"}),
        "audit_text": False,
    }
    values.update(overrides)
    return ProviderConfig(**values)


@pytest.fixture
def fake():
    with FakeProvider() as server:
        yield server


def test_streams_pieces_in_order_and_counts_the_reported_tokens(fake):
    fake.script(Reply(pieces=["扫码", "登记", "就是……[1]"], usage=(321, 12)))
    stream = chat_stream(make_config(fake.base_url), messages=MESSAGES, model="chat-model")
    assert list(stream) == ["扫码", "登记", "就是……[1]"]
    assert stream.text == "扫码登记就是……[1]"
    assert (stream.usage.prompt_tokens, stream.usage.completion_tokens, stream.usage.estimated) == (
        321,
        12,
        False,
    )
    sent = fake.requests[0]
    assert sent["stream"] is True and sent["model"] == "chat-model" and sent["messages"] == MESSAGES
    assert fake.headers[0]["Authorization"] == "Bearer sk-test"


def test_without_reported_usage_the_tokens_are_estimated(fake):
    fake.script(Reply(pieces=["一二三四"], usage=None))
    stream = chat_stream(make_config(fake.base_url), messages=MESSAGES, model="m")
    assert "".join(stream) == "一二三四"
    assert stream.usage.estimated and stream.usage.completion_tokens == 4 and stream.usage.prompt_tokens > 0


def test_nothing_is_sent_before_the_stream_is_read(fake):
    chat_stream(make_config(fake.base_url), messages=MESSAGES, model="m")
    assert fake.requests == []


def test_a_5xx_before_streaming_is_retried_once(fake):
    fake.script(Reply(status=500), Reply(pieces=["好"]))
    assert list(chat_stream(make_config(fake.base_url), messages=MESSAGES, model="m")) == ["好"]
    assert len(fake.requests) == 2


def test_two_5xx_mean_the_provider_is_unavailable(fake):
    fake.script(Reply(status=502), Reply(status=503), Reply(pieces=["never"]))
    with pytest.raises(ProviderError) as caught:
        list(chat_stream(make_config(fake.base_url), messages=MESSAGES, model="m"))
    assert caught.value.reason == "unavailable"
    assert len(fake.requests) == 2


def test_429_is_busy_and_not_retried(fake):
    fake.script(Reply(status=429))
    with pytest.raises(ProviderError) as caught:
        list(chat_stream(make_config(fake.base_url), messages=MESSAGES, model="m"))
    assert caught.value.reason == "busy"
    assert len(fake.requests) == 1


def test_a_wrong_key_is_refused_without_retry(fake):
    fake.script(Reply(status=401))
    with pytest.raises(ProviderError) as caught:
        chat_complete(make_config(fake.base_url), messages=MESSAGES, model="m")
    assert caught.value.reason == "refused"
    assert len(fake.requests) == 1


def test_a_refused_connection_is_retried_then_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port any more.
    with pytest.raises(ProviderError) as caught:
        list(chat_stream(make_config(f"http://127.0.0.1:{port}/v1"), messages=MESSAGES, model="m"))
    assert caught.value.reason == "unavailable"


def test_a_slow_provider_times_out_within_the_limit(fake):
    fake.script(Reply(delay=3))
    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        list(chat_stream(make_config(fake.base_url, timeout=0.5), messages=MESSAGES, model="m"))
    assert caught.value.reason == "timeout"
    assert time.monotonic() - started < 2


def test_a_stream_that_dawdles_is_cut_at_the_limit(fake):
    fake.script(Reply(pieces=["一", "二", "三", "四", "五", "六"], piece_delay=0.3))
    received = []
    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        for piece in chat_stream(make_config(fake.base_url, timeout=0.7), messages=MESSAGES, model="m"):
            received.append(piece)
    assert caught.value.reason == "timeout"
    assert 0 < len(received) < 6
    assert time.monotonic() - started < 1.5


def test_complete_answer_with_json_format(fake):
    fake.script(Reply(pieces=['{"questions": []}'], usage=(50, 5)))
    result = chat_complete(make_config(fake.base_url), messages=MESSAGES, model="m", json_answer=True)
    assert result.text == '{"questions": []}'
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (50, 5)
    assert (
        fake.requests[0]["response_format"] == {"type": "json_object"} and fake.requests[0]["stream"] is False
    )


def test_a_broken_answer_is_unavailable(fake):
    fake.script(Reply(status=200, body="<html>proxy error</html>"))
    with pytest.raises(ProviderError) as caught:
        chat_complete(make_config(fake.base_url), messages=MESSAGES, model="m")
    assert caught.value.reason == "unavailable"
