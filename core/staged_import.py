"""Staged imports: upload → parse → preview every row's outcome → confirm once, all or nothing.

Every bulk import of the site (staff, questions, …) runs through this one pipeline; an import *kind* only
says how to read its file, what each row would do, and how to save. The pipeline owns the rest:

- **Staging.** The upload is parsed and every row validated *once*, when it arrives. The result — every
  row's outcome, the counts, whether it may be imported — is kept in the cache (Redis in production,
  shared by all workers) under a random token, bound to the user who uploaded it and expiring after
  ``kind.stage_seconds`` (an hour). The rows are kept in chunks of ``kind.page_size``, so a preview page
  reads the summary and one chunk, whatever the size of the file: a 2 MB file is read once, never again
  on each page.
- **Confirming.** Once, whatever happens: a second confirmation (double click, replayed request, second
  tab) raises :class:`StagedImportAlreadyDone` and changes nothing. The kind's :meth:`ImportKind.apply`
  runs all-or-nothing in a transaction and checks the rows again against the database as it stands then
  (someone may have taken a username since the preview). When that check fails, the new outcomes
  replace the staged ones — the preview shows the file as it stands now — and nothing is saved.
- **Who.** Every call names the ``actor``; a token staged by someone else, expired, malformed, or of
  another kind is :class:`StagedImportNotFound` — one answer for every case, which says nothing about
  other people's uploads. Rights to import at all stay with the kind and its views.
- **After.** What the import did (:func:`staged_import_result`) stays readable by the importer for
  ``stage_seconds``, and a kind may hand over something exactly once (the staff import's initial
  passwords): :func:`staged_import_hold`, :func:`staged_import_take`.

How to add an import kind (org units, say)
------------------------------------------
A parser and a row form; the views, templates' frame, staging, pagination and the confirm-once machinery
are shared::

    class OrgUnitRowForm(RowForm):                    # one spreadsheet row: the rules of one unit
        name = forms.CharField(max_length=100)
        parent = forms.CharField()

        def __init__(self, *args, tree, **kwargs):   # what every row needs, read once per file
            super().__init__(*args, **kwargs)
            self.tree = tree

        def clean_parent(self):
            unit = self.tree.find(self.cleaned_data["parent"])
            if unit is None:
                raise ValidationError(_("There is no unit called “%(name)s”."), code="unknown_parent", ...)
            return unit

    class OrgUnitImport(ImportKind):
        key = "accounts.org_units"                    # unique: tokens of one kind mean nothing to another
        row_form_class = OrgUnitRowForm

        def parse(self, upload):                      # the file → rows; FileRefused if it is unusable
            return records_parse(upload, aliases={"名称": "name", "上级": "parent"},
                                 required={"name": "名称", "parent": "上级"}, max_rows=2000)

        def row_form_kwargs(self, *, actor, options):
            return {"tree": UnitTree()}

        def save_row(self, row, *, actor, staged):    # one valid row, inside the import's transaction
            row.values["parent"].add_child(name=row.values["name"])

    ORG_UNIT_IMPORT = OrgUnitImport()

and two views, ``StagedImportUploadView`` and ``StagedImportPreviewView`` from core.staged_import_views
with ``kind = ORG_UNIT_IMPORT``, a rights check, and a preview template that lays out its columns. By
default every row through the form is a ``"create"`` row (its cleaned values in ``row.values``) or an
``"error"`` row (the form's errors, with their codes, in ``row.errors``); a kind whose rows can also
update or leave things unchanged, or that checks rows against each other or in bulk, overrides
:meth:`ImportKind.plan` (accounts.staff_import does) or :meth:`ImportKind.row_outcome`. A kind that
writes in bulk overrides :meth:`ImportKind.apply`.

The rows a kind's ``parse`` returns are kept (pickled) until the confirmation, which hands them to
``apply``: they must be plain data (dataclasses, strings, numbers), never model instances or open files.
"""

from __future__ import annotations

import re
import secrets
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.forms.forms import DeclarativeFieldsMetaclass

from core import tabular

__all__ = [
    "CREATE",
    "ERROR",
    "FileRefused",
    "ImportKind",
    "Plan",
    "RowError",
    "RowForm",
    "RowOutcome",
    "StagedImport",
    "StagedImportAlreadyDone",
    "StagedImportBlocked",
    "StagedImportNotFound",
    "StagedImportRefused",
    "Upload",
    "form_row_errors",
    "records_parse",
    "staged_import_confirm",
    "staged_import_create",
    "staged_import_create_from_rows",
    "staged_import_get",
    "staged_import_held",
    "staged_import_hold",
    "staged_import_page",
    "staged_import_result",
    "staged_import_take",
]

CREATE = "create"
ERROR = "error"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


# -- what a kind works with ------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """An uploaded file, already checked for size and type by the upload form; `options` holds the
    form's other choices (plain values: ids, not model instances)."""

    name: str
    data: bytes
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RowError:
    """One problem of one row: `code` for programs and tests, `message` for people."""

    code: str
    message: str


@dataclass(frozen=True, kw_only=True)
class RowOutcome:
    """What importing one row would do. `line` is where it is in the file (the row number Excel shows,
    or the text line; 0 for the whole file); `outcome` is one of the kind's outcomes ("create", "update",
    …, or ``ERROR``); `values` what the preview shows. Kinds may subclass it for typed columns."""

    line: int
    outcome: str
    errors: tuple[RowError, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    """Every row's outcome, in file order, and the kind's own figures for the preview (`summary`:
    plain values)."""

    rows: list[RowOutcome]
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(row.outcome for row in self.rows))

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)


class FileRefused(Exception):
    """The whole file cannot be used (unreadable, wrong headers, too many rows): raised by a parser;
    the upload form shows `messages` and nothing is staged."""

    def __init__(self, messages: Iterable[str]):
        self.messages = [str(message) for message in messages]
        super().__init__(*self.messages)


class StagedImportNotFound(Exception):
    """No staged import under this token for this user: never made, expired, or someone else's."""


class StagedImportAlreadyDone(Exception):
    """This staged import has been confirmed (or is being confirmed right now): nothing was done again.
    `result` is what the import did (None while the first confirmation is still running)."""

    def __init__(self, result: dict | None):
        super().__init__(result)
        self.result = result


class StagedImportBlocked(Exception):
    """Confirmed although the preview says it cannot be imported (errors, nothing to do): nothing was."""

    def __init__(self, staged: StagedImport):
        super().__init__(staged.token)
        self.staged = staged


class StagedImportRefused(Exception):
    """Raised by a kind's `apply` when the rows cannot all be saved; nothing was. With `plan` (the rows
    checked again now), the staged preview is replaced by it; `messages` say what failed otherwise.
    The pipeline sets `staged` to the staged import as it now stands before passing it on."""

    def __init__(self, messages: Iterable[str] = (), *, plan: Plan | None = None):
        self.messages = [str(message) for message in messages]
        self.plan = plan
        self.staged: StagedImport | None = None
        super().__init__(*(self.messages or ["the rows have errors"]))


class _SharedFields(dict):
    """A form's fields, shared by its instances instead of deep-copied for each one."""

    def __deepcopy__(self, memo):
        return self


class _RowFormMetaclass(DeclarativeFieldsMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_fields = _SharedFields(new_class.base_fields)
        return new_class


class RowForm(forms.BaseForm, metaclass=_RowFormMetaclass):
    """A form for one row of an import: declared like any `forms.Form`, but its instances share their
    fields. A file makes thousands of them and none changes its fields, while Django deep-copies every
    field and widget for each instance — half the time of checking a 5,000-row file."""


def form_row_errors(form, codes: Mapping[tuple[str, str], str] | None = None) -> tuple[RowError, ...]:
    """A bound row form's errors as `RowError`s, in field order. `codes` renames Django's own codes,
    e.g. ``{("name", "required"): "missing_name"}``; an error's own code is kept otherwise."""
    codes = codes or {}
    errors = []
    for name, field_errors in form.errors.as_data().items():
        for error in field_errors:
            code = codes.get((name, error.code or ""), error.code or "invalid")
            errors.extend(RowError(code, message) for message in error.messages)
    return tuple(errors)


def records_parse(
    upload: Upload,
    *,
    aliases: Mapping[str, str],
    required: Mapping[str, str],
    max_rows: int,
    messages: Mapping[str, Any] | None = None,
) -> list[tabular.Record]:
    """A table's rows for a kind's `parse` (core.tabular.records_read), or `FileRefused`."""
    try:
        return tabular.records_read(
            upload.data, upload.name, aliases=aliases, required=required, max_rows=max_rows, messages=messages
        )
    except tabular.TabularRefused as refused:
        raise FileRefused(refused.messages) from refused


class ImportKind:
    """One kind of bulk import. Subclass it, set `key`, and implement `parse` and either a row form
    (`row_form_class`, `save_row`) or `plan` and `apply`. One instance per kind, at module level."""

    key: str = ""
    """Unique; namespaces the cache, so a token of one kind means nothing to another."""
    row_form_class: type | None = None
    row_error_codes: Mapping[tuple[str, str], str] = {}
    page_size = 100
    stage_seconds = 60 * 60

    # -- 1. reading the file (no database) --

    def parse(self, upload: Upload) -> Sequence[Any]:
        """The rows of the file, in file order (plain, picklable data, each with a ``line``), or
        `FileRefused` when the whole file is unusable. A parser that collects per-row problems may
        return them as rows too: :meth:`plan` decides what each row means."""
        raise NotImplementedError

    # -- 2. the dry run: what every row would do (reads, never writes) --

    def row_form_kwargs(self, *, actor, options: Mapping[str, Any]) -> dict[str, Any]:
        """Keyword arguments for every row's form: what all rows need, read once per file."""
        return {}

    def plan(self, rows: Sequence[Any], *, actor, options: Mapping[str, Any]) -> Plan:
        """Every row's outcome. By default each row (a `core.tabular.Record`, or anything with `line`
        and `cells`) goes through `row_form_class`, and `row_outcome` says what it means."""
        if self.row_form_class is None:
            raise NotImplementedError(f"{type(self).__name__}: set row_form_class or override plan()")
        kwargs = self.row_form_kwargs(actor=actor, options=options)
        return Plan(
            rows=[self.row_outcome(row, self.row_form_class(data=row.cells, **kwargs)) for row in rows]
        )

    def row_outcome(self, row, form) -> RowOutcome:
        if form.is_valid():
            return RowOutcome(line=row.line, outcome=CREATE, values=form.cleaned_data)
        return RowOutcome(
            line=row.line, outcome=ERROR, errors=form_row_errors(form, self.row_error_codes), values=form.data
        )

    def can_import(self, plan: Plan) -> bool:
        """Whether the preview offers the import: by default, some rows and no errors."""
        return bool(plan.rows) and not plan.error_count

    # -- 3. saving, all or nothing --

    def apply(self, rows: Sequence[Any], *, actor, staged: StagedImport) -> Any:
        """Save `rows` (what `parse` returned), all or none; runs once per staged import. Checks the rows
        again first: raise `StagedImportRefused` (with the new plan, or messages) to save nothing.
        By default: plan again inside a transaction, then `save_row` for each row."""
        with transaction.atomic():
            plan = self.plan(rows, actor=actor, options=staged.options)
            if not self.can_import(plan):
                raise StagedImportRefused(plan=plan)
            return [self.save_row(row, actor=actor, staged=staged) for row in plan.rows]

    def save_row(self, row: RowOutcome, *, actor, staged: StagedImport) -> Any:
        raise NotImplementedError

    def result_summary(self, result: Any) -> dict[str, Any]:
        """What the import did, in plain values, for the result page and a second confirmation."""
        return {"count": len(result)} if isinstance(result, Sized) else {}


# -- the staged import -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StagedImport:
    """What the preview shows about a staged upload: everything but the rows themselves, which are read
    a page at a time (:func:`staged_import_page`)."""

    token: str
    kind: str
    owner_id: int
    filename: str
    options: Mapping[str, Any]
    counts: Mapping[str, int]
    row_count: int
    error_count: int
    summary: Mapping[str, Any]
    can_import: bool
    expires_at: float
    chunk_size: int
    generation: int = 0


def _now() -> float:
    return time.time()


def _cache():
    # Shared by every app process (Redis in production): the upload, the preview pages and the
    # confirmation may each be served by another worker.
    return caches[getattr(settings, "STAGED_IMPORT_CACHE", "default")]


def _key(kind: ImportKind | str, token: str, *parts: object) -> str:
    name = kind if isinstance(kind, str) else kind.key
    return ":".join(["staged-import", name, token, *map(str, parts)])


def _chunks(rows: Sequence[RowOutcome], size: int) -> list[list[RowOutcome]]:
    return [list(rows[start : start + size]) for start in range(0, len(rows), size)]


def staged_import_create(*, kind: ImportKind, upload: Upload, actor) -> StagedImport:
    """Parse and plan `upload` for `actor` and keep the outcome; raises `FileRefused`."""
    rows = kind.parse(upload)
    return staged_import_create_from_rows(
        kind=kind, rows=rows, filename=upload.name, actor=actor, options=upload.options
    )


def staged_import_create_from_rows(
    *, kind: ImportKind, rows: Sequence[Any], filename: str, actor, options: Mapping[str, Any] | None = None
) -> StagedImport:
    """Plan rows already read (what `kind.parse` returns) for `actor` and keep the outcome."""
    options = dict(options or {})
    rows = list(rows)
    plan = kind.plan(rows, actor=actor, options=options)
    token = secrets.token_urlsafe(32)
    return _store(
        kind, token=token, plan=plan, rows=rows, owner_id=actor.pk, filename=filename[:255], options=options
    )


def _store(
    kind: ImportKind,
    *,
    token: str,
    plan: Plan,
    rows: Sequence[Any] | None,
    owner_id: int,
    filename: str,
    options: Mapping[str, Any],
    generation: int = 0,
    expires_at: float | None = None,
) -> StagedImport:
    can_import = kind.can_import(plan)
    expires_at = expires_at if expires_at is not None else _now() + kind.stage_seconds
    timeout = max(1, int(expires_at - _now()) + 1)
    staged = StagedImport(
        token=token,
        kind=kind.key,
        owner_id=owner_id,
        filename=filename,
        options=options,
        counts=plan.counts,
        row_count=len(plan.rows),
        error_count=plan.error_count,
        summary=plan.summary,
        can_import=can_import,
        expires_at=expires_at,
        chunk_size=kind.page_size,
        generation=generation,
    )
    values: dict[str, Any] = {}
    for number, chunk in enumerate(_chunks(plan.rows, staged.chunk_size)):
        values[_key(kind, token, generation, "all", number)] = chunk
    for number, chunk in enumerate(_chunks([row for row in plan.rows if row.errors], staged.chunk_size)):
        values[_key(kind, token, generation, "errors", number)] = chunk
    if rows is not None and can_import:
        # Only what may be imported is kept for the confirmation.
        values[_key(kind, token, "rows")] = rows
    cache = _cache()
    cache.set_many(values, timeout)
    cache.set(_key(kind, token), staged, timeout)  # last: the rows are there once it is
    return staged


def staged_import_get(*, kind: ImportKind, token: str, actor) -> StagedImport:
    """The staged import under `token`, for `actor` only; `StagedImportAlreadyDone` once confirmed."""
    if not _TOKEN.fullmatch(token or ""):
        raise StagedImportNotFound
    values = _cache().get_many([_key(kind, token), _key(kind, token, "done")])
    done = values.get(_key(kind, token, "done"))
    if isinstance(done, dict) and done.get("owner_id") == actor.pk:
        raise StagedImportAlreadyDone(done)
    staged = values.get(_key(kind, token))
    if (
        not isinstance(staged, StagedImport)
        or staged.kind != kind.key
        or staged.owner_id != actor.pk
        or _now() >= staged.expires_at
    ):
        raise StagedImportNotFound
    return staged


class _StagedRows(Sequence):
    """The rows of a staged import as a sequence, read from the cache a chunk at a time (for a
    paginator: one page is one chunk)."""

    def __init__(self, staged: StagedImport, series: str):
        self.staged = staged
        self.series = series
        self.length = staged.error_count if series == "errors" else staged.row_count

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, step = index.indices(self.length)
        if start >= stop:
            return []
        size = self.staged.chunk_size
        numbers = range(start // size, (stop - 1) // size + 1)
        keys = [
            _key(self.staged.kind, self.staged.token, self.staged.generation, self.series, n) for n in numbers
        ]
        found = _cache().get_many(keys)
        if len(found) != len(keys):  # expired while being read
            raise StagedImportNotFound
        rows = [row for key in keys for row in found[key]]
        offset = numbers[0] * size
        return rows[start - offset : stop - offset : step]


def staged_import_page(staged: StagedImport, number: int | str | None, *, errors_only: bool = False) -> Page:
    """Page `number` (1-based; out-of-range numbers give the nearest page) of the staged rows, or of
    the rows with errors: reads one chunk from the cache, never the file."""
    rows = _StagedRows(staged, "errors" if errors_only else "all")
    return Paginator(rows, staged.chunk_size).get_page(number)


def staged_import_confirm(*, kind: ImportKind, token: str, actor) -> Any:
    """Import the staged rows, once: returns what `kind.apply` returns.

    Raises `StagedImportNotFound`, `StagedImportAlreadyDone` (a second confirmation: nothing is done
    again), `StagedImportBlocked` (the preview offered no import) or `StagedImportRefused` (the rows
    failed their check against the database as it is now: nothing was saved, and the staged preview
    now shows why)."""
    staged = staged_import_get(kind=kind, token=token, actor=actor)
    if not staged.can_import:
        raise StagedImportBlocked(staged)
    cache = _cache()
    claim = _key(kind, token, "claim")
    # add() is atomic: of two concurrent confirmations only one gets past here. The claim is kept
    # after a success, so a confirmation arriving after the first has finished is refused too.
    if not cache.add(claim, actor.pk, max(1, int(staged.expires_at - _now()) + 1)):
        raise StagedImportAlreadyDone(cache.get(_key(kind, token, "done")))
    try:
        rows = cache.get(_key(kind, token, "rows"))
        if rows is None:
            raise StagedImportNotFound
        result = kind.apply(rows, actor=actor, staged=staged)
    except StagedImportRefused as refused:
        cache.delete(claim)
        if refused.plan is not None:
            staged = _store(
                kind,
                token=token,
                plan=refused.plan,
                rows=rows,
                owner_id=staged.owner_id,
                filename=staged.filename,
                options=staged.options,
                generation=staged.generation + 1,
                expires_at=staged.expires_at,
            )
        refused.staged = staged
        raise
    except BaseException:
        cache.delete(claim)
        raise
    done = {"owner_id": actor.pk, "filename": staged.filename, **kind.result_summary(result)}
    cache.set(_key(kind, token, "done"), done, kind.stage_seconds)
    cache.delete_many(
        [_key(kind, token), _key(kind, token, "rows")]
        + [
            _key(kind, token, staged.generation, "all", n)
            for n in range(-(-staged.row_count // staged.chunk_size))
        ]
        + [
            _key(kind, token, staged.generation, "errors", n)
            for n in range(-(-staged.error_count // staged.chunk_size))
        ]
    )
    return result


def staged_import_result(*, kind: ImportKind, token: str, actor) -> dict | None:
    """What the import under `token` did (`kind.result_summary` and the file name), for its importer
    only; None if it has not been imported, has expired, or is not theirs."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    done = _cache().get(_key(kind, token, "done"))
    if not isinstance(done, dict) or done.get("owner_id") != actor.pk:
        return None
    return done


# -- handing something over once (e.g. initial passwords) ----------------------------------------


def staged_import_hold(*, kind: ImportKind, token: str, actor, name: str, value: Any, seconds: int) -> None:
    """Keep `value` for `actor` for at most `seconds`, until `staged_import_take` hands it over."""
    _cache().set(_key(kind, token, "held", name), {"owner_id": actor.pk, "value": value}, seconds)


def staged_import_held(*, kind: ImportKind, token: str, actor, name: str) -> bool:
    if not _TOKEN.fullmatch(token or ""):
        return False
    held = _cache().get(_key(kind, token, "held", name))
    return isinstance(held, dict) and held.get("owner_id") == actor.pk


def staged_import_take(*, kind: ImportKind, token: str, actor, name: str) -> Any | None:
    """What was held under `name`, once, for its owner only; None when taken already or expired."""
    if not staged_import_held(kind=kind, token=token, actor=actor, name=name):
        return None
    cache = _cache()
    # add() is atomic: of two concurrent downloads only one gets the value.
    if not cache.add(_key(kind, token, "taken", name), actor.pk, kind.stage_seconds):
        return None
    held = cache.get(_key(kind, token, "held", name))
    cache.delete(_key(kind, token, "held", name))
    if not isinstance(held, dict) or held.get("owner_id") != actor.pk:
        return None
    return held["value"]
