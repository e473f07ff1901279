"""Writes for the question bank's import and export: files in, published questions out.

The formats themselves (`quizzes/formats/`) are pure functions over bytes; this module is where their
`QuestionData` meets the database. An import is all-or-nothing: either every question of a file is
created, published and logged, or nothing is.

Between the preview and the confirmation the upload is kept server-side in the cache under a random
token bound to the user who uploaded it (the raw bytes, re-parsed on confirm, so a preview can never be
tampered with on its way back). A token imports at most once.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from wagtail.log_actions import LogContext, log
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from quizzes.formats import InputRefused, aiken, decode_text, gift, spreadsheet
from quizzes.models import Question, QuestionCategory
from quizzes.questiondata import TRUE_FALSE_LABELS, ParseResult, QuestionData, QuestionKind

IMPORT_LOG_ACTION = "quizzes.import"
# Each question costs a few dozen queries (save, first revision, publish, search index, audit log):
# a thousand stay well inside one web request's time limit. Bigger banks are imported in parts.
MAX_IMPORT_QUESTIONS = 1000

# -- QuestionData -> Question -----------------------------------------------------------------------


def question_from_data(data: QuestionData, *, category: QuestionCategory | None) -> Question:
    """An unsaved `Question` holding `data`. `question.to_data()` gives `data` back, except where the
    model has no room for it: weights are whole percents, and true/false per-answer feedback is folded
    into the explanation (learners see the explanation after answering); single choice has no partial
    credit in the bank, so GIFT's `~%50%nearly` becomes a plain wrong option."""
    kind = QuestionKind(data.kind)
    question = Question(
        kind=kind.value,
        title=data.title,
        text=data.text,
        category=category,
        true_answer=data.true_answer if kind == QuestionKind.TRUE_FALSE else None,
        areas=[_area_dict(area) for area in data.areas] if kind == QuestionKind.HOTSPOT else [],
        partial_credit=data.partial_credit and kind in (QuestionKind.MULTIPLE, QuestionKind.ORDERING),
        explanation=_explanation(data, kind),
    )
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        question.choices = [
            {
                "type": "option",
                "value": {
                    "text": choice.text,
                    "correct": choice.correct,
                    "weight": weight,
                    "feedback": choice.feedback,
                },
            }
            for choice, weight in zip(data.choices, _percent_weights(data), strict=True)
        ]
    if kind == QuestionKind.FILL_BLANK:
        question.accepted_answers = [{"type": "answer", "value": answer} for answer in data.accepted_answers]
    if kind == QuestionKind.ORDERING:
        question.steps = [{"type": "step", "value": step} for step in data.steps]
    return question


def _area_dict(area) -> dict:
    values = {"shape": area.shape, "x": area.x, "y": area.y}
    values.update({"w": area.w, "h": area.h} if area.shape == "rect" else {"r": area.r})
    return values


def _explanation(data: QuestionData, kind: QuestionKind) -> str:
    if kind != QuestionKind.TRUE_FALSE or not any(choice.feedback for choice in data.choices):
        return data.explanation
    # GIFT's {T#if wrong#if right} has no field of its own here; keep what the trainer wrote.
    parts = [data.explanation] if data.explanation else []
    for label, choice in zip(TRUE_FALSE_LABELS, data.choices, strict=False):
        if choice.feedback:
            parts.append(
                gettext("If you chose “%(answer)s”: %(feedback)s")
                % {"answer": label, "feedback": choice.feedback}
            )
    return "\n".join(parts)


def _percent_weights(data: QuestionData) -> list[int | None]:
    """Choice weights as the whole percents the options block stores (None = unset).

    Weights only count with partial credit. Moodle writes thirds as 33.33333%; rounding each would make
    the correct weights add up to 99%, so correct options that share equally are left unset (the
    grader shares what is left equally, exactly), unequal ones are rounded so that they still add up,
    and a wrong option costing exactly 1/k is left unset too (that is the default penalty).
    """
    if not (data.partial_credit and data.kind == QuestionKind.MULTIPLE):
        # The bank gives partial credit to multiple choice (and ordering) only, like the editor says.
        return [None] * len(data.choices)
    weights = [choice.weight for choice in data.choices]
    if all(_is_whole_percent(w) for w in weights):
        return [round(w * 100) or None for w in weights]
    correct = [i for i, choice in enumerate(data.choices) if choice.correct]
    result: list[int | None] = [round(w * 100) or None for w in weights]
    correct_weights = [weights[i] for i in correct if weights[i] != 0]
    if correct_weights and not all(_is_whole_percent(weights[i]) for i in correct):
        if len(correct_weights) == len(correct) and max(correct_weights) - min(correct_weights) < 1e-6:
            for i in correct:
                result[i] = None
        else:
            for i, percent in zip(
                correct, _rounded_keeping_sum([weights[i] * 100 for i in correct]), strict=True
            ):
                result[i] = percent or None
    if data.kind == QuestionKind.MULTIPLE and correct:
        penalty = -1 / len(correct)
        for i, w in enumerate(weights):
            if not data.choices[i].correct and math.isclose(w, penalty, abs_tol=1e-6):
                result[i] = None
    return result


def _is_whole_percent(weight: float) -> bool:
    return abs(weight * 100 - round(weight * 100)) < 1e-6


def _rounded_keeping_sum(values: list[float]) -> list[int]:
    """Largest-remainder rounding: whole numbers whose sum is the rounded sum of `values`."""
    floors = [math.floor(v) for v in values]
    missing = round(sum(values)) - sum(floors)
    by_remainder = sorted(range(len(values)), key=lambda i: values[i] - floors[i], reverse=True)
    for i in by_remainder[: max(0, missing)]:
        floors[i] += 1
    return floors


# -- the import ------------------------------------------------------------------------------------


class ImportRefused(ValidationError):
    """The questions cannot all be saved; nothing was. `messages` name the question (line) and why."""


def questions_import(
    *,
    questions: list[QuestionData],
    default_category: QuestionCategory | None,
    actor,
    source: str = "",
) -> list[Question]:
    """Create and publish every question, or none (raises `ImportRefused`).

    A question's own category path (GIFT `$CATEGORY`, the spreadsheet's 分类 column) wins over
    `default_category`; categories that do not exist yet are created. Each question gets a first
    revision, is published, and the import is recorded in the audit log (one `quizzes.import` entry per
    question, sharing one id with the publish entries of the same import).
    """
    if not questions:
        raise ImportRefused(gettext("There are no questions to import."))
    if len(questions) > MAX_IMPORT_QUESTIONS:
        raise ImportRefused(
            gettext("At most %(limit)s questions can be imported at once; this file has %(count)s. Split it.")
            % {"limit": MAX_IMPORT_QUESTIONS, "count": len(questions)}
        )
    with transaction.atomic(), LogContext(user=actor):
        categories = _categories_for(questions)
        built = [
            question_from_data(data, category=categories.get(data.category, default_category))
            for data in questions
        ]
        problems: list[str] = []
        for number, (data, question) in enumerate(zip(questions, built, strict=True), start=1):
            try:
                question.full_clean()
            except ValidationError as exc:
                where = (
                    gettext("Line %(line)s") % {"line": data.source_line}
                    if data.source_line
                    else gettext("Question %(number)s") % {"number": number}
                )
                problems.extend(f"{where}: {message}" for message in _flat_messages(exc))
        if problems:
            raise ImportRefused(problems)
        created = []
        # The reference index would be rewritten on each of a question's three saves; once is enough.
        with disable_reference_index_auto_update():
            for question in built:
                _create_published(question, actor=actor, source=source, batch_size=len(built))
                created.append(question.pk)
        for question in Question.objects.filter(pk__in=created).select_related("category"):
            ReferenceIndex.create_or_update_for_object(question)
    by_pk = Question.objects.select_related("category").in_bulk(created)
    return [by_pk[pk] for pk in created]


def _create_published(question: Question, *, actor, source: str, batch_size: int) -> None:
    """What the snippet "create and publish" does, with an import entry in the audit log."""
    question.live = False  # made live by publishing its first revision
    question.save()
    revision = question.save_revision(user=actor, clean=False)
    log(
        instance=question,
        action=IMPORT_LOG_ACTION,
        user=actor,
        revision=revision,
        content_changed=True,
        data={"source": source[:255], "questions": batch_size},
    )
    revision.publish(user=actor, skip_permission_checks=True)


def _categories_for(questions: list[QuestionData]) -> dict[str, QuestionCategory]:
    names = sorted({data.category for data in questions if data.category})
    existing = {c.name: c for c in QuestionCategory.objects.filter(name__in=names)}
    for name in names:
        if name not in existing:
            category = QuestionCategory(name=name)
            category.full_clean()
            category.save()
            existing[name] = category
    return existing


def _flat_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for messages in exc.message_dict.values() for m in messages]
    return [str(m) for m in exc.messages]


# -- export ----------------------------------------------------------------------------------------


def category_questions(category: QuestionCategory) -> QuerySet[Question]:
    """Live questions of a category and of its sub-folders ("a" holds "a/b"), in a stable order."""
    return (
        Question.objects.filter(live=True)
        .filter(Q(category=category) | Q(category__name__startswith=category.name + "/"))
        .select_related("category")
        .order_by("category__name", "pk")
    )


def category_export_gift(category: QuestionCategory) -> str:
    """The category's published questions as GIFT text (ordering and hotspot ones become comments)."""
    return gift.export([question.to_data() for question in category_questions(category)])


# -- reading an upload -----------------------------------------------------------------------------

FORMAT_AUTO = "auto"
FORMAT_GIFT = "gift"
FORMAT_AIKEN = "aiken"
FORMAT_SPREADSHEET = "spreadsheet"
FORMATS = (FORMAT_GIFT, FORMAT_AIKEN, FORMAT_SPREADSHEET)

TEXT_EXTENSIONS = (".gift", ".txt")
SPREADSHEET_EXTENSIONS = (".csv", ".xlsx", ".xlsm", ".xls")
ACCEPTED_EXTENSIONS = TEXT_EXTENSIONS + SPREADSHEET_EXTENSIONS
MAX_BYTES = spreadsheet.MAX_BYTES

_AIKEN_ANSWER_LINE = re.compile(
    r"^\s*(?:ANSWER|答案|正确答案|参考答案)\s*[:：]", re.IGNORECASE | re.MULTILINE
)
_GIFT_ANSWER_BLOCK = re.compile(r"(?<!\\)\{")


def file_extension(filename: str) -> str:
    return "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def import_format_detect(filename: str, raw: bytes) -> str | None:
    """The format a file is in, from its extension (and, for text, its content); None if unknown.

    .gift/.txt files are GIFT unless they have Aiken answer lines and no GIFT answer block.
    """
    extension = file_extension(filename)
    if extension in SPREADSHEET_EXTENSIONS:
        return FORMAT_SPREADSHEET
    if extension not in TEXT_EXTENSIONS:
        return None
    try:
        text = decode_text(raw)
    except InputRefused:
        return FORMAT_GIFT  # the parser reports why the file cannot be read
    if _AIKEN_ANSWER_LINE.search(text) and not _GIFT_ANSWER_BLOCK.search(text):
        return FORMAT_AIKEN
    return FORMAT_GIFT


def import_parse(raw: bytes, *, filename: str, file_format: str) -> ParseResult:
    if file_format == FORMAT_AIKEN:
        return aiken.parse(raw)
    if file_format == FORMAT_SPREADSHEET:
        return spreadsheet.parse(raw, filename)
    return gift.parse(raw)


# -- keeping an upload between preview and confirmation --------------------------------------------

STAGE_SECONDS = 60 * 60
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


@dataclass(frozen=True)
class StagedImport:
    token: str
    user_id: int
    filename: str
    file_format: str
    raw: bytes
    default_category_id: int | None

    def parse(self) -> ParseResult:
        return import_parse(self.raw, filename=self.filename, file_format=self.file_format)

    @property
    def default_category(self) -> QuestionCategory | None:
        if self.default_category_id is None:
            return None
        return QuestionCategory.objects.filter(pk=self.default_category_id).first()


class ImportNotFound(Exception):
    """No upload under this token for this user: never made, expired, or someone else's."""


class ImportAlreadyDone(Exception):
    def __init__(self, count: int | None):
        super().__init__(count)
        self.count = count


class ImportHasErrors(Exception):
    def __init__(self, result: ParseResult):
        super().__init__(len(result.errors))
        self.result = result


def _cache():
    # Must be shared by every app process (Redis in production): the preview and the confirmation
    # may be served by different workers.
    return caches[getattr(settings, "QUIZ_IMPORT_CACHE", "default")]


def _keys(token: str) -> tuple[str, str, str]:
    return f"quizzes:import:{token}", f"quizzes:import:{token}:claim", f"quizzes:import:{token}:done"


def import_stage(
    *, raw: bytes, filename: str, file_format: str, default_category: QuestionCategory | None, actor
) -> StagedImport:
    """Keep an upload for an hour for `actor` only; returns it with its token."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}")
    staged = StagedImport(
        token=secrets.token_urlsafe(32),
        user_id=actor.pk,
        filename=filename[:255],
        file_format=file_format,
        raw=bytes(raw),
        default_category_id=default_category.pk if default_category else None,
    )
    upload_key, _claim, _done = _keys(staged.token)
    _cache().set(upload_key, staged, STAGE_SECONDS)
    return staged


def import_staged(*, token: str, actor) -> StagedImport:
    """The upload kept under `token` for `actor`, or `ImportNotFound` (`ImportAlreadyDone` once imported)."""
    if not _TOKEN.fullmatch(token or ""):
        raise ImportNotFound
    upload_key, _claim, done_key = _keys(token)
    values = _cache().get_many([upload_key, done_key])
    done = values.get(done_key)
    if done is not None and done["user_id"] == actor.pk:
        raise ImportAlreadyDone(done["count"])
    staged = values.get(upload_key)
    if not isinstance(staged, StagedImport) or staged.user_id != actor.pk:
        raise ImportNotFound
    return staged


def import_staged_confirm(*, token: str, actor) -> list[Question]:
    """Import the upload kept under `token`, once. A second confirmation (double click, replayed
    request, second tab) raises `ImportAlreadyDone` and imports nothing."""
    staged = import_staged(token=token, actor=actor)
    cache = _cache()
    upload_key, claim_key, done_key = _keys(token)
    # add() is atomic: of two concurrent confirmations only one gets past here.
    if not cache.add(claim_key, actor.pk, STAGE_SECONDS):
        raise ImportAlreadyDone(None)
    try:
        result = staged.parse()
        if not result.ok:
            raise ImportHasErrors(result)
        created = questions_import(
            questions=result.questions,
            default_category=staged.default_category,
            actor=actor,
            source=staged.filename,
        )
    except BaseException:
        cache.delete(claim_key)
        raise
    cache.set(done_key, {"user_id": actor.pk, "count": len(created)}, STAGE_SECONDS)
    cache.delete(upload_key)
    return created
