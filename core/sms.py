"""Text messages (SMS): one gateway, the backend chosen from the environment.

Callers build a `TextMessage` — the mobile number, the template it uses (our own key, such as
``"sign_in_code"``), its parameters and the Chinese text as the person will read it — and call `send`.
The backend (``SMS_BACKEND``, a dotted path) does the rest:

* ``core.sms.ConsoleBackend`` (development): logs the message;
* ``core.sms.FileBackend`` (``SMS_FILE_PATH``): appends one JSON line per message, for a demo machine;
* ``core.sms.LocmemBackend`` (tests): keeps messages in ``core.sms.outbox``;
* provider adapters (``core.sms_providers``: Alibaba Cloud, Tencent Cloud) send through the provider's
  API with the signature and template codes the organisation registered (``SMS_OPTIONS``).

A backend raises `SmsError` when a message cannot be sent; ``retryable`` says whether trying again later
may succeed (a network error, a provider's rate limit) or not (an unknown number, a template refused).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextMessage:
    mobile: str  # 11 digits (accounts.mobile.mobile_normalise)
    template: str  # our key for the provider's template: "sign_in_code", "join_code", "reminder", …
    text: str  # the whole message as the person reads it, in Chinese (console, file, test outbox)
    params: dict[str, str] = field(default_factory=dict)  # the template's variables, for providers
    key: str = ""  # the same on every try of one message ("delivery-42"), so a repeat can be recognised


class SmsError(Exception):
    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


class BaseBackend:
    def __init__(self, **options):
        self.options = options

    def send(self, message: TextMessage) -> str:
        """Send one message; returns the provider's message id (or a local one)."""
        raise NotImplementedError

    def accepted(self, key: str, mobile: str) -> str | None:
        """Whether a message sent with ``key`` reached the provider: its id if so, "" if not, None when
        this backend cannot tell (then a message in flight when its worker died is sent again)."""
        return None


class ConsoleBackend(BaseBackend):
    """Development: the message in the log. Outside DEBUG the digits are hidden, so a server left on this
    backend never writes a working sign-in code where whoever reads the logs could use it."""

    def send(self, message: TextMessage) -> str:
        text = message.text if settings.DEBUG else re.sub(r"\d", "*", message.text)
        logger.warning("SMS to %s: %s", message.mobile, text)
        return "console"


class FileBackend(BaseBackend):
    _lock = threading.Lock()

    def send(self, message: TextMessage) -> str:
        path = Path(self.options.get("path") or getattr(settings, "SMS_FILE_PATH", "sms-outbox.jsonl"))
        line = json.dumps({"sent_at": timezone.now().isoformat(), **asdict(message)}, ensure_ascii=False)
        with self._lock, path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")
        return f"file:{path.name}"

    def accepted(self, key: str, mobile: str) -> str | None:
        path = Path(self.options.get("path") or getattr(settings, "SMS_FILE_PATH", "sms-outbox.jsonl"))
        if not key or not path.exists():
            return ""
        needle = json.dumps(key, ensure_ascii=False)
        with path.open(encoding="utf-8") as file:
            for line in file:
                if needle in line:
                    try:
                        sent = json.loads(line)
                    except ValueError:  # a line cut short by a crash is no message
                        continue
                    if sent.get("key") == key and sent.get("mobile") == mobile:
                        return f"file:{path.name}"
        return ""


outbox: list[TextMessage] = []


class LocmemBackend(BaseBackend):
    def send(self, message: TextMessage) -> str:
        outbox.append(message)
        return f"locmem:{len(outbox)}"

    def accepted(self, key: str, mobile: str) -> str | None:
        found = [
            n for n, message in enumerate(outbox, 1) if key and (message.key, message.mobile) == (key, mobile)
        ]
        return f"locmem:{found[0]}" if found else ""


def get_backend() -> BaseBackend:
    backend = getattr(settings, "SMS_BACKEND", "core.sms.ConsoleBackend")
    return import_string(backend)(**getattr(settings, "SMS_OPTIONS", {}))


def send(message: TextMessage) -> str:
    return get_backend().send(message)


def accepted(key: str, mobile: str) -> str | None:
    return get_backend().accepted(key, mobile)


def sms_enabled() -> bool:
    """Whether text messages reach real phones (a provider is configured), not only a log or a file."""
    backend = getattr(settings, "SMS_BACKEND", "core.sms.ConsoleBackend")
    return backend not in ("core.sms.ConsoleBackend", "core.sms.FileBackend")
