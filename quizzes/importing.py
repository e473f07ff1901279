"""Writes for the question bank's import and export: files in, published questions out.

The formats themselves (`quizzes/formats/`) are pure functions over bytes; this module is where their
`QuestionData` meets the database. An import is all-or-nothing: either every question of a file is
created, published and logged, or nothing is.

The upload → preview → confirm-once pipeline is core.staged_import's, run by `QUESTION_IMPORT`: the file
is parsed once, when it is uploaded; the questions it read (never the bytes) wait server-side in the cache
under a random token bound to the uploader until the confirmation, which imports them at most once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from wagtail.log_actions import LogContext, log
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from core.staged_import import (
    CREATE,
    ERROR,
    ImportKind,
    Plan,
    RowError,
    RowOutcome,
    StagedImport,
    StagedImportRefused,
    Upload,
    staged_import_confirm,
    staged_import_create,
)
from core.tabular import file_extension
from quizzes.formats import (
    MAX_QUESTIONS,
    InputRefused,
    aiken,
    decode_text,
    gift,
    moodlexml,
    spreadsheet,
    too_many,
)
from quizzes.kinds import question_type
from quizzes.models import KIND_CHOICES, Question, QuestionCategory
from quizzes.questiondata import ParseError, ParseNotice, ParseResult, QuestionData

IMPORT_LOG_ACTION = "quizzes.import"
# One limit for every format (quizzes.formats.MAX_QUESTIONS). Bigger banks are imported in parts.
MAX_IMPORT_QUESTIONS = MAX_QUESTIONS

# -- QuestionData -> Question -----------------------------------------------------------------------


def question_from_data(data: QuestionData, *, category: QuestionCategory | None) -> Question:
    """An unsaved `Question` holding `data`: `question.to_data()` gives `data` back, weights and every
    answer's feedback included. The kind's type (quizzes.kinds) writes the answer fields it uses."""
    kind_type = question_type(data.kind)
    return Question(
        kind=kind_type.kind.value,
        title=data.title,
        text=data.text,
        category=category,
        partial_credit=data.partial_credit and kind_type.partial_credit_switch,
        explanation=data.explanation,
        **kind_type.model_values(data),
    )


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


def category_export_moodlexml(category: QuestionCategory) -> bytes:
    """The category's published questions as Moodle XML (ordering and hotspot ones become comments)."""
    return moodlexml.export([question.to_data() for question in category_questions(category)])


# -- reading an upload -----------------------------------------------------------------------------

FORMAT_AUTO = "auto"
FORMAT_GIFT = "gift"
FORMAT_AIKEN = "aiken"
FORMAT_SPREADSHEET = "spreadsheet"
FORMAT_MOODLE_XML = "moodlexml"
FORMATS = (FORMAT_GIFT, FORMAT_AIKEN, FORMAT_SPREADSHEET, FORMAT_MOODLE_XML)

TEXT_EXTENSIONS = (".gift", ".txt")
SPREADSHEET_EXTENSIONS = (".csv", ".xlsx", ".xlsm", ".xls")
XML_EXTENSIONS = (".xml",)
ACCEPTED_EXTENSIONS = TEXT_EXTENSIONS + SPREADSHEET_EXTENSIONS + XML_EXTENSIONS
MAX_BYTES = spreadsheet.MAX_BYTES

_AIKEN_ANSWER_LINE = re.compile(
    r"^\s*(?:ANSWER|答案|正确答案|参考答案)\s*[:：]", re.IGNORECASE | re.MULTILINE
)
_GIFT_ANSWER_BLOCK = re.compile(r"(?<!\\)\{")


def import_format_detect(filename: str, raw: bytes) -> str | None:
    """The format a file is in, from its extension (and, for text, its content); None if unknown.

    .gift/.txt files are GIFT unless they have Aiken answer lines and no GIFT answer block.
    """
    extension = file_extension(filename)
    if extension in SPREADSHEET_EXTENSIONS:
        return FORMAT_SPREADSHEET
    if extension in XML_EXTENSIONS:
        return FORMAT_MOODLE_XML
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
    if file_format == FORMAT_MOODLE_XML:
        return moodlexml.parse(raw)
    return gift.parse(raw)


# -- the staged import (core.staged_import) --------------------------------------------------------

# The bank's own (translated) type names, as in its listing, rather than the parsers' Chinese ones.
KIND_LABELS = dict(KIND_CHOICES)


def answer_summary(data: QuestionData) -> list[str]:
    """What counts as right, one line per item, for a trainer to check at a glance."""
    return question_type(data.kind).summary(data)


@dataclass(frozen=True, kw_only=True)
class QuestionPreviewRow(RowOutcome):
    """A question read from the file (`question`, its `number` among them), or a problem the parser
    found at `line` (in `errors`). Labels are worked out when shown, in the viewer's language."""

    number: int = 0
    question: QuestionData | None = None
    category: str = ""
    new_category: bool = False

    @property
    def kind_label(self) -> str:
        if self.question is None:
            return ""
        return str(KIND_LABELS.get(self.question.kind.value, self.question.kind.value))

    @property
    def title(self) -> str:
        return self.question.title if self.question else ""

    @property
    def text(self) -> str:
        return self.question.text if self.question else ""

    @property
    def answer(self) -> list[str]:
        return answer_summary(self.question) if self.question else []


def _line(item: QuestionData | ParseError) -> int:
    return item.source_line if isinstance(item, QuestionData) else item.line


class QuestionImport(ImportKind):
    """Questions from GIFT, Aiken or a spreadsheet. The parsers (quizzes.formats) validate each
    question themselves (`QuestionData.validate`), so there is no row form: a row is a question read,
    or a problem found at a line; `questions_import` saves them all or none."""

    key = "quizzes.questions"

    def parse(self, upload: Upload) -> list[QuestionData | ParseError]:
        """The questions and the problems of the file, in file order. Never refuses the file: a file
        that cannot be read is one problem at line 0, shown on the preview."""
        result = import_parse(upload.data, filename=upload.name, file_format=upload.options["file_format"])
        questions, errors = result.questions, result.errors
        if len(questions) > MAX_IMPORT_QUESTIONS:  # a parser that read on: the cap as the others give it
            questions = questions[:MAX_IMPORT_QUESTIONS]
            errors = [*errors, too_many(result.questions[MAX_IMPORT_QUESTIONS].source_line).error]
        notices = [ParseNotice(n.line, n.message) for n in result.notices]
        return sorted([*questions, *errors, *notices], key=_line)

    def plan(self, rows, *, actor, options) -> Plan:
        questions = [item for item in rows if isinstance(item, QuestionData)]
        names = {data.category for data in questions if data.category}
        existing = set(QuestionCategory.objects.filter(name__in=names).values_list("name", flat=True))
        default = _category_or_none(options.get("default_category_id"))
        default_name = default.name if default else ""
        outcomes: list[RowOutcome] = []
        number = 0
        stopped_at = 0  # the line where a parser stopped at question MAX_IMPORT_QUESTIONS + 1
        notices: list[tuple[int, str]] = []
        for item in rows:
            if isinstance(item, ParseNotice):
                notices.append((item.line, item.message))
                continue
            if isinstance(item, ParseError):
                if item.line and item.message == too_many(item.line).error.message:
                    stopped_at = item.line
                outcomes.append(
                    QuestionPreviewRow(
                        line=item.line, outcome=ERROR, errors=(RowError("parse", item.message),)
                    )
                )
                continue
            number += 1
            outcomes.append(
                QuestionPreviewRow(
                    line=item.source_line,
                    outcome=CREATE,
                    number=number,
                    question=item,
                    category=item.category or default_name,
                    new_category=bool(item.category) and item.category not in existing,
                )
            )
        return Plan(
            rows=outcomes,
            summary={
                "questions": len(questions),
                "too_many": len(questions) > MAX_IMPORT_QUESTIONS or bool(stopped_at),
                "stopped_at": stopped_at,
                "default_category": default_name,
                # What was mapped or left out (a matching question split, a picture not imported).
                "notices": notices[:200],
                "notice_count": len(notices),
            },
        )

    def can_import(self, plan: Plan) -> bool:
        return super().can_import(plan) and not plan.summary["too_many"]

    def apply(self, rows, *, actor, staged: StagedImport) -> list[Question]:
        try:
            return questions_import(
                questions=[item for item in rows if isinstance(item, QuestionData)],
                # Looked up again: the category may have gone since the upload.
                default_category=_category_or_none(staged.options.get("default_category_id")),
                actor=actor,
                source=staged.filename,
            )
        except ImportRefused as refused:
            raise StagedImportRefused(refused.messages) from refused


def _category_or_none(pk: int | None) -> QuestionCategory | None:
    return QuestionCategory.objects.filter(pk=pk).first() if pk is not None else None


QUESTION_IMPORT = QuestionImport()


def import_stage(
    *, raw: bytes, filename: str, file_format: str, default_category: QuestionCategory | None, actor
) -> StagedImport:
    """Parse and stage an upload for `actor` (the upload view does the same through its form)."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}")
    options = {
        "file_format": file_format,
        "default_category_id": default_category.pk if default_category else None,
    }
    return staged_import_create(
        kind=QUESTION_IMPORT, upload=Upload(name=filename, data=bytes(raw), options=options), actor=actor
    )


def import_staged_confirm(*, token: str, actor) -> list[Question]:
    return staged_import_confirm(kind=QUESTION_IMPORT, token=token, actor=actor)
