"""One way to show a person their own data (the "download my data" page, progress.exports).

Each app's ``personal_data`` returns plain values, so the JSON download stays machine-readable; a
coded value that has words for people (a status, a kind) is given as :class:`Coded`, a ``str`` that is
its code in the JSON and its label on the page. :func:`display_value` is the one formatter for the
page: local time (settings.TIME_ZONE), 是/否, lists and nested records."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Choices
from django.utils import timezone
from django.utils.translation import gettext


class Coded(str):
    """A code (stored, exported) that carries the words people read for it."""

    label: str

    def __new__(cls, code: str, label) -> Coded:
        value = super().__new__(cls, code)
        value.label = label
        return value


def coded(value, choices: type[Choices]) -> Coded | None:
    """``value`` with its label from ``choices`` (a model's TextChoices); None stays None."""
    if value is None or value == "":
        return None
    labels = dict(choices.choices)
    return Coded(str(value), labels.get(value, value))


class LocalTimeJSONEncoder(DjangoJSONEncoder):
    """Times in the site's time zone with their offset (``2026-12-07T09:30:00+08:00``), not UTC."""

    def default(self, o):
        if isinstance(o, datetime.datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
        return super().default(o)


def personal_data_json(data: dict) -> str:
    return json.dumps(data, cls=LocalTimeJSONEncoder, ensure_ascii=False, indent=2)


def display_value(value) -> str | list:
    """A value as the person reads it: local date and time, 是/否, — for nothing, codes by their
    label; a list of records becomes a list of lines (the page shows them as a list)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, Coded):
        return str(value.label)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return [f"{label}：{text}" for label, text in _fields(value)]
    if isinstance(value, (list, tuple)):
        if all(isinstance(item, str) or item is None for item in value):
            return " / ".join(display_value(item) for item in value)
        lines = []
        for item in value:
            shown = display_value(item)
            lines.append("；".join(shown) if isinstance(shown, list) else shown)
        return lines
    return str(value)


@dataclass(frozen=True)
class Shown:
    """A labelled value on the page: one line of text, or several (a list of records)."""

    label: str
    text: str = ""
    lines: tuple[str, ...] = ()

    @classmethod
    def of(cls, label, shown) -> Shown:
        if isinstance(shown, list):
            return cls(str(label), lines=tuple(shown))
        return cls(str(label), text=shown)


@dataclass
class Section:
    """One kind of record: ``fields`` of a single record (the account), or ``rows`` of records, each a
    list of labelled values."""

    key: str
    title: str
    fields: list[Shown] = field(default_factory=list)
    rows: list[list[Shown]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.fields or self.rows)


def _fields(record: dict):
    return [(key, display_value(value)) for key, value in record.items()]


def personal_data_sections(data: dict, *, titles: dict, labels: dict, hidden=frozenset()) -> list[Section]:
    """The JSON download's sections for a person to read: Chinese headings (``titles`` per section,
    ``labels`` per key), local times, nothing of the ids meant for machines (``hidden``)."""
    sections = []
    for key, value in data.items():
        section = Section(key=key, title=str(titles.get(key, key)))
        if isinstance(value, dict):
            section.fields = [
                Shown.of(labels.get(name, name), display_value(item))
                for name, item in value.items()
                if name not in hidden
            ]
        elif isinstance(value, list):
            columns = [name for name in dict.fromkeys(k for row in value for k in row) if name not in hidden]
            section.rows = [
                [Shown.of(labels.get(name, name), _nested(row.get(name), labels, hidden)) for name in columns]
                for row in value
            ]
        sections.append(section)
    return sections


def _nested(value, labels, hidden):
    """A cell: a list of records (a quiz attempt's answers) as one line per record, labelled."""
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return [
            "；".join(
                f"{labels.get(name, name)}：{_flat(display_value(item))}"
                for name, item in record.items()
                if name not in hidden
            )
            for record in value
        ]
    return display_value(value)


def _flat(shown) -> str:
    return "；".join(shown) if isinstance(shown, list) else shown
