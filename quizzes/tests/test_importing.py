"""The import service: QuestionData → Question, all-or-nothing imports, staging, export."""

import pytest
from wagtail.models import ModelLogEntry

from core.staged_import import (
    StagedImportAlreadyDone,
    StagedImportBlocked,
    StagedImportNotFound,
    StagedImportRefused,
    staged_import_get,
    staged_import_page,
)
from quizzes import importing
from quizzes.formats import gift
from quizzes.grading import grade
from quizzes.models import Question, QuestionCategory
from quizzes.questiondata import Answer, Choice, HotspotArea, QuestionData, QuestionKind
from quizzes.tests.factories import make_staff
from tests.factories import make_image, make_question, make_user

pytestmark = pytest.mark.django_db

SAMPLES = {
    "single": QuestionData(
        kind=QuestionKind.SINGLE,
        title="扫码登记",
        text="访客进入小区时，应扫描哪个二维码？",
        category="扫码登记/基础",
        choices=(
            Choice("门口张贴的登记码", True, feedback="对，登记码直接写入登记表。"),
            Choice("访客自己的付款码", False, 0.5, feedback="只对了一半。"),
            Choice("工作人员的微信", False),
        ),
        partial_credit=False,
        explanation="登记码由街道统一生成。",
    ),
    "multiple": QuestionData(
        kind=QuestionKind.MULTIPLE,
        text="登记表需要填写哪些信息？",
        choices=(Choice("姓名", True), Choice("电话", True), Choice("银行卡号", False, feedback="不需要")),
    ),
    "multiple_partial": QuestionData(
        kind=QuestionKind.MULTIPLE,
        text="哪些可以证明身份？",
        choices=(Choice("身份证", True, 0.6), Choice("护照", True, 0.4), Choice("会员卡", False, -0.25)),
        partial_credit=True,
    ),
    "true_false": QuestionData(
        kind=QuestionKind.TRUE_FALSE,
        text="访客可以不登记直接进入。",
        true_answer=False,
        explanation="必须登记。",
    ),
    "fill_blank": QuestionData(
        kind=QuestionKind.FILL_BLANK, text="扫描＿＿即可登记。", accepted_answers=("登记码", "二维码")
    ),
    "ordering": QuestionData(
        kind=QuestionKind.ORDERING,
        text="请排列登记步骤。",
        steps=("打开小程序", "扫描登记码", "填写信息", "提交"),
        partial_credit=True,
    ),
    "hotspot": QuestionData(
        kind=QuestionKind.HOTSPOT,
        text="点一下“登记”按钮。",
        areas=(
            HotspotArea("rect", 0.1, 0.2, w=0.3, h=0.1),
            HotspotArea("circle", 0.5, 0.75, r=0.08),
        ),
    ),
}


@pytest.mark.parametrize("name", SAMPLES)
def test_question_from_data_round_trips_through_the_database(name):
    data = SAMPLES[name]
    category = QuestionCategory.objects.create(name=data.category) if data.category else None
    question = importing.question_from_data(data, category=category)
    if data.kind == QuestionKind.HOTSPOT:
        question.image = make_image()
    assert question.pk is None  # not saved by the mapping
    question.full_clean()
    question.save()

    stored = Question.objects.get(pk=question.pk)
    assert stored.to_data() == data
    assert stored.kind == data.kind.value


def test_hotspot_areas_are_stored_as_plain_dicts():
    question = importing.question_from_data(SAMPLES["hotspot"], category=None)
    assert question.areas == [
        {"shape": "rect", "x": 0.1, "y": 0.2, "w": 0.3, "h": 0.1},
        {"shape": "circle", "x": 0.5, "y": 0.75, "r": 0.08},
    ]


def test_choices_use_the_options_block_raw_format():
    question = importing.question_from_data(SAMPLES["multiple_partial"], category=None)
    assert question.choices.raw_data[0]["type"] == "option"
    assert [dict(block.value) for block in question.choices] == [
        {"text": "身份证", "correct": True, "weight": 60, "feedback": ""},
        {"text": "护照", "correct": True, "weight": 40, "feedback": ""},
        {"text": "会员卡", "correct": False, "weight": -25, "feedback": ""},
    ]


def test_weights_are_kept_as_written_even_without_partial_credit():
    """A GIFT `~%50%` is stored as written, so the question exports again as it came in; it earns
    marks only once the trainer turns partial credit on."""
    category = QuestionCategory.objects.create(name=SAMPLES["single"].category)
    question = importing.question_from_data(SAMPLES["single"], category=category)
    assert [block.value["weight"] for block in question.choices] == [None, 50.0, None]
    assert question.to_data() == SAMPLES["single"]
    assert grade(question.to_data(), 1).score == 0


def test_moodle_thirds_keep_their_grades():
    third = 1 / 3
    data = QuestionData(
        kind=QuestionKind.MULTIPLE,
        text="选出三个正确项",
        choices=(
            Choice("甲", True, third),
            Choice("乙", True, third),
            Choice("丙", True, third),
            Choice("丁", False, -third),
        ),
        partial_credit=True,
    )
    question = importing.question_from_data(data, category=None)
    question.full_clean()  # 33.33333% × 3 adds up to 100% within Moodle's tolerance
    assert [block.value["weight"] for block in question.choices] == [33.33333, 33.33333, 33.33333, -33.33333]
    stored = question.to_data()
    assert stored.effective_weights() == pytest.approx(data.effective_weights(), abs=1e-6)
    assert grade(stored, frozenset({0, 1})).score == pytest.approx(2 / 3, abs=1e-6)


def test_fractional_weights_are_kept_exactly():
    data = QuestionData(
        kind=QuestionKind.MULTIPLE,
        text="选出正确项",
        choices=(Choice("甲", True, 0.125), Choice("乙", True, 0.875), Choice("丙", False, -0.5)),
        partial_credit=True,
    )
    question = importing.question_from_data(data, category=None)
    question.full_clean()
    assert [block.value["weight"] for block in question.choices] == [12.5, 87.5, -50.0]
    assert question.to_data() == data


def test_single_choice_partial_credit_is_kept():
    """GIFT's `~%50%nearly` on a single-choice question earns half marks, as in Moodle."""
    data = QuestionData(
        kind=QuestionKind.SINGLE,
        text="哪个最接近？",
        choices=(Choice("登记码", True), Choice("健康码", False, 0.5), Choice("付款码", False, -1.0)),
        partial_credit=True,
    )
    question = importing.question_from_data(data, category=None)
    question.full_clean()
    assert question.partial_credit
    assert question.to_data() == data
    assert grade(question.to_data(), 1).score == 0.5


def test_true_false_feedback_is_kept_for_each_answer():
    data = QuestionData(
        kind=QuestionKind.TRUE_FALSE,
        text="访客可以不登记。",
        true_answer=False,
        choices=(Choice("正确", False, feedback="不对，必须登记。"), Choice("错误", True, feedback="对！")),
        explanation="按规定执行。",
    )
    question = importing.question_from_data(data, category=None)
    question.full_clean()
    assert question.explanation == "按规定执行。"
    assert (question.true_feedback, question.false_feedback) == ("不对，必须登记。", "对！")
    assert question.to_data() == data


@pytest.mark.parametrize(
    "data",
    [
        QuestionData(
            kind=QuestionKind.NUMERIC,
            text="体温超过多少度要上报？",
            answers=(Answer("37.3", 1.0, "对", 0.0), Answer("37", 0.5, "接近了", 0.5)),
        ),
        QuestionData(
            kind=QuestionKind.FILL_BLANK,
            text="热线是＿＿",
            answers=(
                Answer("12345", 1.0, "对"),
                Answer("市民热线", 0.5, "写号码更好"),
                Answer("110", 0.0, "那是报警"),
            ),
        ),
        QuestionData(
            kind=QuestionKind.ESSAY, text="居民不肯扫码，你怎么说？", marking_guide="说明理由、提供纸质登记"
        ),
    ],
    ids=["numeric", "fill_blank", "essay"],
)
def test_new_kinds_round_trip_through_the_database(data):
    question = importing.question_from_data(data, category=None)
    question.full_clean()
    question.save()
    assert Question.objects.get(pk=question.pk).to_data() == data


# -- questions_import ------------------------------------------------------------------------------


def test_import_creates_live_questions_with_a_first_revision_and_categories():
    actor = make_user("trainer1")
    existing = QuestionCategory.objects.create(name="扫码登记/基础")
    default = QuestionCategory.objects.create(name="默认分类")
    questions = [
        SAMPLES["single"],
        QuestionData(
            kind=QuestionKind.TRUE_FALSE, text="需要登记。", true_answer=True, category="新分类/子类"
        ),
        SAMPLES["fill_blank"],
    ]

    created = importing.questions_import(questions=questions, default_category=default, actor=actor)

    assert [q.text for q in created] == [q.text for q in questions]
    assert [q.category.name for q in created] == ["扫码登记/基础", "新分类/子类", "默认分类"]
    assert created[0].category == existing
    assert QuestionCategory.objects.filter(name="新分类/子类").count() == 1
    for question in created:
        question.refresh_from_db()
        assert question.live and not question.has_unpublished_changes
        assert question.live_revision_id == question.latest_revision_id
        assert question.revisions.count() == 1
        assert question.revisions.get().user == actor
        assert question.first_published_at is not None
    assert [q.to_data() for q in created] == [
        questions[0],
        questions[1],
        QuestionData(**{**SAMPLES["fill_blank"].__dict__, "category": "默认分类"}),
    ]


def test_import_is_logged_in_the_audit_log():
    actor = make_user("trainer2")
    created = importing.questions_import(
        questions=[SAMPLES["single"], SAMPLES["multiple"]],
        default_category=None,
        actor=actor,
        source="题库.gift",
    )
    imports = ModelLogEntry.objects.filter(action=importing.IMPORT_LOG_ACTION)
    assert sorted(int(e.object_id) for e in imports) == sorted(q.pk for q in created)
    assert all(e.user_id == actor.pk and e.revision_id for e in imports)
    assert imports[0].data == {"source": "题库.gift", "questions": 2}
    publishes = ModelLogEntry.objects.filter(action="wagtail.publish")
    assert publishes.count() == 2
    # one import, one id across all its entries
    assert len({e.uuid for e in [*imports, *publishes]}) == 1


def test_import_is_all_or_nothing_when_a_question_cannot_be_saved():
    actor = make_user()
    before_categories = QuestionCategory.objects.count()
    bad = QuestionData(  # valid data, but the bank needs a screenshot for tap-the-spot questions
        kind=QuestionKind.HOTSPOT,
        text="点登记按钮",
        category="会被回滚的分类",
        areas=(HotspotArea("rect", 0, 0, w=0.5, h=0.5),),
        source_line=7,
    )
    with pytest.raises(importing.ImportRefused) as refused:
        importing.questions_import(questions=[SAMPLES["single"], bad], default_category=None, actor=actor)

    [message] = refused.value.messages  # only the bad question, named by its line
    assert "7" in message.split(": ", 1)[0]
    assert not Question.objects.exists()
    assert QuestionCategory.objects.count() == before_categories
    assert not ModelLogEntry.objects.filter(action=importing.IMPORT_LOG_ACTION).exists()


def test_import_refuses_nothing_and_too_much(monkeypatch):
    actor = make_user()
    with pytest.raises(importing.ImportRefused):
        importing.questions_import(questions=[], default_category=None, actor=actor)
    monkeypatch.setattr(importing, "MAX_IMPORT_QUESTIONS", 2)
    with pytest.raises(importing.ImportRefused):
        importing.questions_import(questions=[SAMPLES["single"]] * 3, default_category=None, actor=actor)
    assert not Question.objects.exists()


# -- export ----------------------------------------------------------------------------------------


def test_category_export_has_its_live_questions_and_sub_folders_only():
    top = QuestionCategory.objects.create(name="扫码")
    sub = QuestionCategory.objects.create(name="扫码/进阶")
    other = QuestionCategory.objects.create(name="扫码以外")
    make_question("顶层题", category=top)
    make_question("子类题", kind="true_false", category=sub)
    make_question("草稿题", category=top, live=False)
    make_question("别的题", category=other)
    make_question("排序题", kind="ordering", category=top)

    text = importing.category_export_gift(top)

    assert "顶层题" in text and "子类题" in text
    assert "草稿题" not in text and "别的题" not in text
    assert "// 跳过" in text  # ordering cannot be written as GIFT
    parsed = gift.parse(text)
    assert parsed.ok, parsed.errors
    assert {q.text for q in parsed.questions} == {"顶层题", "子类题"}
    assert {q.category for q in parsed.questions} == {"扫码", "扫码/进阶"}


# -- format detection and staging ------------------------------------------------------------------

AIKEN = "访客需要出示什么？\nA. 身份证\nB. 健康码\nANSWER: B\n".encode()
GIFT = "::t::访客需要出示什么？{=身份证 ~健康码}\n".encode()


@pytest.mark.parametrize(
    ("filename", "raw", "expected"),
    [
        ("题库.gift", GIFT, "gift"),
        ("题库.TXT", GIFT, "gift"),
        ("题库.txt", AIKEN, "aiken"),
        ("题库.gift", AIKEN, "aiken"),
        ("题库.txt", "答案：见下文 {=甲 ~乙}".encode(), "gift"),
        ("题库.csv", b"a,b", "spreadsheet"),
        ("题库.xlsx", b"PK\x03\x04", "spreadsheet"),
        ("题库.pdf", GIFT, None),
        ("题库", GIFT, None),
        ("题库.txt", b"\x00\x01\x02", "gift"),
    ],
)
def test_format_is_detected_from_the_extension_and_content(filename, raw, expected):
    assert importing.import_format_detect(filename, raw) == expected


def test_a_staged_upload_imports_once_and_only_for_its_owner():
    owner = make_staff("quizzes.add_question", "quizzes.publish_question")
    other = make_staff("quizzes.add_question", "quizzes.publish_question")
    staged = importing.import_stage(
        raw=GIFT, filename="题库.gift", file_format="gift", default_category=None, actor=owner
    )
    kind = importing.QUESTION_IMPORT

    with pytest.raises(StagedImportNotFound):
        staged_import_get(kind=kind, token=staged.token, actor=other)
    with pytest.raises(StagedImportNotFound):
        importing.import_staged_confirm(token=staged.token, actor=other)
    with pytest.raises(StagedImportNotFound):
        staged_import_get(kind=kind, token="../../etc", actor=owner)

    created = importing.import_staged_confirm(token=staged.token, actor=owner)
    assert [q.text for q in created] == ["访客需要出示什么？"]

    with pytest.raises(StagedImportAlreadyDone) as done:
        importing.import_staged_confirm(token=staged.token, actor=owner)
    assert done.value.result["count"] == 1
    assert Question.objects.count() == 1


def test_a_staged_upload_with_errors_imports_nothing():
    owner = make_user()
    staged = importing.import_stage(
        raw="没有答案块的题目\n".encode(),
        filename="x.gift",
        file_format="gift",
        default_category=None,
        actor=owner,
    )
    assert not staged.can_import
    for _ in range(2):  # a second try gets the same answer, not "already done"
        with pytest.raises(StagedImportBlocked) as blocked:
            importing.import_staged_confirm(token=staged.token, actor=owner)
        (error_row,) = staged_import_page(blocked.value.staged, 1, errors_only=True)
        assert error_row.line == 1 and error_row.outcome == "error"
    assert not Question.objects.exists()


def test_a_refused_import_can_be_confirmed_again(monkeypatch):
    owner = make_user()
    staged = importing.import_stage(
        raw=GIFT, filename="x.gift", file_format="gift", default_category=None, actor=owner
    )

    def refuse(**kwargs):
        raise importing.ImportRefused(["第 1 行：数据库暂时不可用"])

    monkeypatch.setattr(importing, "questions_import", refuse)
    with pytest.raises(StagedImportRefused) as refused:
        importing.import_staged_confirm(token=staged.token, actor=owner)
    assert refused.value.messages == ["第 1 行：数据库暂时不可用"] and refused.value.staged.can_import
    monkeypatch.undo()
    assert len(importing.import_staged_confirm(token=staged.token, actor=owner)) == 1


def test_the_default_category_may_disappear_before_confirming():
    owner = make_user()
    category = QuestionCategory.objects.create(name="临时")
    staged = importing.import_stage(
        raw=GIFT, filename="x.gift", file_format="gift", default_category=category, actor=owner
    )
    category.delete()
    created = importing.import_staged_confirm(token=staged.token, actor=owner)
    assert created[0].category is None
