"""Grading and the question representation: pure functions, no database."""

import contextlib
import itertools
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from quizzes.grading import (
    Grade,
    InvalidResponse,
    coerce_response,
    grade,
    grade_fill_blank,
    grade_hotspot,
    grade_multiple,
    grade_ordering,
    grade_single,
    grade_true_false,
    normalise_text,
)
from quizzes.kinds import question_type
from quizzes.questiondata import (
    Answer,
    Choice,
    HotspotArea,
    ParseError,
    ParseResult,
    QuestionData,
    QuestionKind,
)


@pytest.fixture(autouse=True)
def _clear_caches():
    """Pure tests: shadow the root conftest's Django fixtures so they also run with `-p no:django`."""


@pytest.fixture(autouse=True)
def _media_root():
    """See `_clear_caches`."""


def single(*, partial=False, weights=(0.0, 0.0, 0.0)):
    return QuestionData(
        kind=QuestionKind.SINGLE,
        text="访客应扫描哪个码？",
        choices=(
            Choice("登记二维码", True, weights[0]),
            Choice("付款码", False, weights[1]),
            Choice("个人微信", False, weights[2]),
        ),
        partial_credit=partial,
    )


def multiple(correct=(0, 1, 3), n=5, *, partial=False, weights=None):
    weights = weights or (0.0,) * n
    return QuestionData(
        kind=QuestionKind.MULTIPLE,
        text="登记时需要填写哪些信息？",
        choices=tuple(Choice(f"选项{i}", i in correct, weights[i]) for i in range(n)),
        partial_credit=partial,
    )


TRUE_FALSE = QuestionData(kind=QuestionKind.TRUE_FALSE, text="应同时张贴纸质通知。", true_answer=True)
FILL = QuestionData(
    kind=QuestionKind.FILL_BLANK, text="热线号码是＿＿。", accepted_answers=("12345", "市民热线")
)


def ordering(n=4, *, partial=False):
    return QuestionData(
        kind=QuestionKind.ORDERING,
        text="排列步骤",
        steps=tuple(f"第{i}步" for i in range(n)),
        partial_credit=partial,
    )


HOTSPOT = QuestionData(
    kind=QuestionKind.HOTSPOT,
    text="点击“登记”按钮",
    areas=(HotspotArea("rect", 0.1, 0.2, 0.3, 0.1), HotspotArea("circle", 0.5, 0.5, r=0.1)),
)

ALL_QUESTIONS = (single(), single(partial=True, weights=(0, 0.5, -1)), multiple(), multiple(partial=True))
ALL_QUESTIONS += (TRUE_FALSE, FILL, ordering(), ordering(partial=True), HOTSPOT)
NUMERIC = QuestionData(
    kind=QuestionKind.NUMERIC,
    text="体温达到多少度要上报？",
    answers=(Answer("37.3", 1.0, "对"), Answer("37", 0.5, "接近了", 0.5), Answer("1e15", 0.0, "", 1e15)),
)
WEIGHTED_FILL = QuestionData(
    kind=QuestionKind.FILL_BLANK,
    text="热线是＿＿",
    answers=(Answer("12345", 1.0, "对"), Answer("市民热线", 0.5, "写号码"), Answer("110", 0.0, "那是报警")),
)
ESSAY = QuestionData(kind=QuestionKind.ESSAY, text="居民不肯扫码，你怎么说？", marking_guide="讲清原因")
ALL_QUESTIONS += (NUMERIC, WEIGHTED_FILL, ESSAY)


# -- normalise_text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ＡＢＣ１２３", "abc123"),
        ("  12 345 ", "12345"),
        ("\u3000市民\u3000热线\u3000", "市民热线"),
        ("Hello World！", "helloworld"),
        ("扫码登记。", "扫码登记"),
        ("真的吗？？", "真的吗"),
        ("end...", "end"),
        ("1,000", "1,000"),  # punctuation inside the answer is meaningful
        ("ＷｅＣｈａｔ\t小程序\n", "wechat小程序"),
        ("zero\u200bwidth", "zerowidth"),
        ("Straße", "strasse"),
        ("", ""),
        ("。！？", ""),
    ],
)
def test_normalise_text_examples(typed, expected):
    assert normalise_text(typed) == expected


def test_normalise_text_tolerates_non_strings():
    assert normalise_text(None) == ""
    assert normalise_text(123) == ""


@given(st.text())
def test_normalise_text_is_idempotent(s):
    once = normalise_text(s)
    assert normalise_text(once) == once


WHITESPACE = st.sampled_from([" ", "\t", "\n", "\u3000", "\u00a0", "\u2003", "  "])


@given(st.text(), st.lists(st.tuples(st.integers(min_value=0), WHITESPACE), max_size=8))
def test_normalise_text_ignores_inserted_whitespace(s, insertions):
    spaced = s
    for position, space in insertions:
        position %= len(spaced) + 1
        spaced = spaced[:position] + space + spaced[position:]
    assert normalise_text(spaced) == normalise_text(s)


def to_full_width(s):
    return "".join("\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in s)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)), st.data())
def test_normalise_text_treats_full_and_half_width_ascii_alike(s, data):
    mixed = "".join(to_full_width(ch) if data.draw(st.booleans()) else ch for ch in s)
    assert normalise_text(mixed) == normalise_text(s)
    assert normalise_text(to_full_width(s)) == normalise_text(s)
    assert normalise_text(s.upper()) == normalise_text(s.lower())


# -- Grade ----------------------------------------------------------------------------------------


def test_grade_invariants():
    assert Grade.full() == Grade(1.0, 1.0, True)
    assert Grade.zero() == Grade(0.0, 1.0, False)
    with pytest.raises(ValueError, match="outside"):
        Grade(1.5, 1.0, True)
    with pytest.raises(ValueError, match="full marks"):
        Grade(0.5, 1.0, True)
    assert Grade.partial(2.0).score < 1.0
    assert Grade.partial(-3).score == 0.0
    assert Grade.partial(math.nan).score == 0.0


# -- single ---------------------------------------------------------------------------------------


def test_single_right_and_wrong():
    assert grade_single(single(), 0) == Grade.full()
    assert grade_single(single(), 1) == Grade.zero()


@pytest.mark.parametrize("response", [-1, 3, 99, True, False, "0", 0.0, None, [0], (0,), b"0"])
def test_single_garbage_is_zero(response):
    assert grade_single(single(), response) == Grade.zero()


def test_single_partial_credit_uses_the_wrong_choice_weight():
    q = single(partial=True, weights=(0.0, 0.5, -1.0))
    assert grade_single(q, 1) == Grade(0.5, 1.0, False)
    assert grade_single(q, 2) == Grade.zero()  # negative weights never go below zero
    assert grade_single(q, 0) == Grade.full()
    # Without partial credit the weights are ignored.
    assert grade_single(single(weights=(0.0, 0.5, 0.0)), 1) == Grade.zero()


# -- multiple -------------------------------------------------------------------------------------


@pytest.mark.parametrize("response", [[0, 1, 3], (3, 1, 0), {0, 1, 3}, frozenset({0, 1, 3}), iter([1, 3, 0])])
def test_multiple_exact_set_is_full_marks(response):
    assert grade_multiple(multiple(), response) == Grade.full()


@pytest.mark.parametrize("response", [[0, 1], [0, 1, 3, 4], [], [2]])
def test_multiple_is_all_or_nothing_without_partial_credit(response):
    assert grade_multiple(multiple(), response) == Grade.zero()


@pytest.mark.parametrize(
    "response",
    [None, 0, "013", b"\x00\x01", {0: 1, 1: 1, 3: 1}, [0, 0, 1, 3], [0, 1, 5], [-1], [True], [0.0, 1.0, 3.0]],
)
def test_multiple_garbage_is_zero(response):
    assert grade_multiple(multiple(), response) == Grade.zero()
    assert grade_multiple(multiple(partial=True), response) == Grade.zero()


def test_multiple_endless_iterable_is_zero_not_a_hang():
    assert grade_multiple(multiple(), itertools.count()) == Grade.zero()
    assert grade_multiple(multiple(), itertools.repeat(0)) == Grade.zero()


def test_multiple_broken_iterator_is_zero():
    def broken():
        yield 0
        raise RuntimeError("connection lost")

    assert grade_multiple(multiple(), broken()) == Grade.zero()


def test_multiple_partial_credit_with_derived_weights():
    # 3 correct of 5: each correct option is worth 1/3, each wrong one costs 1/3.
    q = multiple(partial=True)
    assert q.effective_weights() == pytest.approx((1 / 3, 1 / 3, -1 / 3, 1 / 3, -1 / 3))
    assert grade_multiple(q, [0, 1]).score == pytest.approx(2 / 3)
    assert grade_multiple(q, [0, 1, 2]).score == pytest.approx(1 / 3)
    assert grade_multiple(q, [0, 2, 4]).score == 0.0
    assert grade_multiple(q, [0, 1, 2, 3, 4]).score == pytest.approx(1 / 3)  # ticking everything never pays
    assert grade_multiple(q, []) == Grade.zero()
    assert grade_multiple(q, [3, 1, 0]) == Grade.full()
    assert not grade_multiple(q, [0, 1]).correct


def test_multiple_partial_credit_with_explicit_moodle_weights():
    q = multiple(correct=(0, 1), n=3, partial=True, weights=(0.5, 0.5, -1.0))
    assert grade_multiple(q, [0]).score == pytest.approx(0.5)
    assert grade_multiple(q, [0, 2]).score == 0.0
    assert grade_multiple(q, [0, 1]) == Grade.full()


def test_multiple_mixed_weights_share_what_is_left():
    q = multiple(correct=(0, 1), n=3, partial=True, weights=(0.6, 0.0, 0.0))
    assert q.effective_weights() == pytest.approx((0.6, 0.4, -0.5))
    assert grade_multiple(q, [1]).score == pytest.approx(0.4)


def test_multiple_only_the_exact_set_is_correct_even_if_weights_overshoot():
    q = multiple(correct=(0, 1), n=3, partial=True, weights=(1.0, 0.005, 0.0))
    assert q.validate() == []  # within the tolerance for thirds written as 33.33333%
    assert not grade_multiple(q, [0]).correct
    assert grade_multiple(q, [0]).score < 1.0


@given(
    st.integers(min_value=2, max_value=8).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.sets(st.integers(0, n - 1), min_size=1),
            st.sets(st.integers(0, n - 1)),
        )
    )
)
def test_multiple_partial_scores_stay_in_range_and_full_only_for_the_exact_set(case):
    n, correct, chosen = case
    q = multiple(correct=tuple(correct), n=n, partial=True)
    result = grade_multiple(q, chosen)
    assert 0.0 <= result.score <= result.max_score
    assert result.correct == (chosen == correct)


# -- true/false, fill-in --------------------------------------------------------------------------


def test_true_false():
    assert grade_true_false(TRUE_FALSE, True) == Grade.full()
    assert grade_true_false(TRUE_FALSE, False) == Grade.zero()
    for garbage in (1, 0, "true", "对", None, [True]):
        assert grade_true_false(TRUE_FALSE, garbage) == Grade.zero()
    unanswerable = QuestionData(kind=QuestionKind.TRUE_FALSE, text="?")
    assert grade_true_false(unanswerable, True) == Grade.zero()


@pytest.mark.parametrize(
    "typed", ["12345", "１２３４５", " 12 345。", "市民热线", "市民 热线！", "市民热线?"]
)
def test_fill_blank_accepts_any_answer_after_normalising(typed):
    assert grade_fill_blank(FILL, typed) == Grade.full()


@pytest.mark.parametrize("typed", ["1234", "", "   ", "。", None, 12345, ["12345"], "12345" * 3000])
def test_fill_blank_wrong_or_garbage_is_zero(typed):
    assert grade_fill_blank(FILL, typed) == Grade.zero()


def test_fill_blank_never_matches_an_answer_that_normalises_to_nothing():
    q = QuestionData(kind=QuestionKind.FILL_BLANK, text="?", accepted_answers=("。",))
    assert grade_fill_blank(q, "") == Grade.zero()
    assert grade_fill_blank(q, "！") == Grade.zero()


# -- ordering -------------------------------------------------------------------------------------


def test_ordering_exact_order_only_without_partial_credit():
    assert grade_ordering(ordering(), [0, 1, 2, 3]) == Grade.full()
    assert grade_ordering(ordering(), (0, 1, 2, 3)) == Grade.full()
    assert grade_ordering(ordering(), [0, 1, 3, 2]) == Grade.zero()


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ([0, 2, 1, 3], 2 / 3),  # one swap: two of three neighbouring pairs still the right way round
        ([1, 2, 3, 0], 2 / 3),
        ([3, 2, 1, 0], 0.0),
        ([1, 0, 3, 2], 1 / 3),
    ],
)
def test_ordering_partial_credit_counts_neighbouring_pairs(order, expected):
    result = grade_ordering(ordering(partial=True), order)
    assert result.score == pytest.approx(expected)
    assert not result.correct


@pytest.mark.parametrize(
    "response",
    [[0, 1, 2], [0, 1, 2, 3, 4], [0, 1, 1, 3], [0, 1, 2, 4], "0123", None, 0, [0.0, 1.0, 2.0, 3.0]],
)
def test_ordering_garbage_is_zero(response):
    assert grade_ordering(ordering(partial=True), response) == Grade.zero()


@given(st.integers(min_value=1, max_value=8).flatmap(lambda n: st.permutations(range(n))), st.booleans())
def test_ordering_full_marks_exactly_for_the_identity(order, partial):
    result = grade_ordering(ordering(len(order), partial=partial), order)
    assert result.correct == (list(order) == sorted(order))
    assert 0.0 <= result.score <= 1.0


def test_ordering_without_steps_is_zero():
    assert grade_ordering(QuestionData(kind=QuestionKind.ORDERING, text="?"), []) == Grade.zero()


# -- hotspot --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "point", [(0.1, 0.2), (0.4, 0.3), (0.25, 0.25), [0.4, 0.2], (0.5, 0.5), (0.6, 0.5), (0.5, 0.4)]
)
def test_hotspot_inside_counts_and_rect_edges_are_inclusive(point):
    assert grade_hotspot(HOTSPOT, point) == Grade.full()


@pytest.mark.parametrize(
    "point", [(0.09, 0.2), (0.41, 0.25), (0.25, 0.31), (0.61, 0.5), (0.9, 0.9), (-1, -1), (5, 5)]
)
def test_hotspot_outside_is_zero(point):
    assert grade_hotspot(HOTSPOT, point) == Grade.zero()


def test_hotspot_circle_is_round_on_a_wide_image():
    # A 2:1 landscape screenshot: aspect = height / width = 0.5. The circle's radius is 0.1 of the
    # width, which is 0.2 of the height, so a point 0.19 of the height below the centre is inside…
    assert grade_hotspot(HOTSPOT, (0.5, 0.69), aspect=0.5) == Grade.full()
    # …but not on a square image, and never 0.21 of the height away.
    assert grade_hotspot(HOTSPOT, (0.5, 0.69), aspect=1.0) == Grade.zero()
    assert grade_hotspot(HOTSPOT, (0.5, 0.71), aspect=0.5) == Grade.zero()
    # Horizontally the radius is the same whatever the aspect.
    assert grade_hotspot(HOTSPOT, (0.59, 0.5), aspect=0.5) == Grade.full()
    assert grade_hotspot(HOTSPOT, (0.61, 0.5), aspect=0.5) == Grade.zero()


@pytest.mark.parametrize(
    "response",
    [
        None,
        "0.5,0.5",
        (0.5,),
        (0.5, 0.5, 0.5),
        (math.nan, 0.5),
        (0.5, math.inf),
        (True, False),
        {"x": 0.5, "y": 0.5},
        0.5,
    ],
)
def test_hotspot_garbage_is_zero(response):
    assert grade_hotspot(HOTSPOT, response) == Grade.zero()


@pytest.mark.parametrize("aspect", [0, -1, math.nan, math.inf, "wide", None, True])
def test_hotspot_bad_aspect_falls_back_to_square(aspect):
    assert grade_hotspot(HOTSPOT, (0.5, 0.55), aspect=aspect) == Grade.full()


def test_hotspot_ignores_broken_areas():
    q = QuestionData(kind=QuestionKind.HOTSPOT, text="?", areas=(HotspotArea("rect", 0, 0, -1, -1),))
    assert grade_hotspot(q, (0, 0)) == Grade.zero()


# -- the dispatcher and the never-raise guarantee -------------------------------------------------


def test_grade_dispatches_on_kind():
    assert grade(single(), 0).correct
    assert grade(multiple(), [0, 1, 3]).correct
    assert grade(TRUE_FALSE, True).correct
    assert grade(FILL, "１２３４５").correct
    assert grade(ordering(), [0, 1, 2, 3]).correct
    assert grade(HOTSPOT, (0.5, 0.69), aspect=0.5).correct
    assert not grade(HOTSPOT, (0.5, 0.69)).correct


def test_grade_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown"):
        grade(QuestionData(kind="description", text="?"), "anything")


RESPONSES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=50)
    | st.binary(max_size=10)
    | st.complex_numbers(),
    lambda inner: (
        st.lists(inner, max_size=6)
        | st.tuples(inner, inner)
        | st.frozensets(st.integers(-3, 10), max_size=6)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_QUESTIONS), RESPONSES, st.floats() | st.integers())
def test_grading_never_raises_and_scores_stay_in_range(q, response, aspect):
    result = grade(q, response, aspect=aspect)
    assert 0.0 <= result.score <= result.max_score == 1.0
    assert result.correct == (result.score == result.max_score)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_QUESTIONS), RESPONSES)
def test_every_type_describes_any_response_without_raising(q, response):
    """Feedback, review and statistics texts are read from stored responses of any shape."""
    kind_type = question_type(q.kind)
    for text in (
        kind_type.feedback(q, response),
        kind_type.response_text(q, response),
        kind_type.statistics_label(q, response),
        kind_type.correct_answer_text(q),
    ):
        assert isinstance(text, str)
    with contextlib.suppress(InvalidResponse):
        kind_type.coerce(q, response)


@given(
    st.sampled_from(ALL_QUESTIONS),
    st.dictionaries(
        st.sampled_from(["choice", "answer", "row-0", "row-1", "tap_fx", "tap_fy", "tap.x", "tap.y"]),
        st.text(max_size=20),
        max_size=4,
    ),
)
def test_every_type_reads_any_form_post_without_raising(q, fields):
    from django.http import QueryDict

    post = QueryDict(mutable=True)
    for key, value in fields.items():
        post[key] = value
    question_type(q.kind).from_post(q, post, {"image": {"width": 400, "height": 800}})


@pytest.mark.parametrize(
    ("typed", "score", "feedback"),
    [
        ("37.3", 1.0, "对"),
        ("３７．３", 1.0, "对"),
        ("37,3", 1.0, "对"),
        (" 37.30 ", 1.0, "对"),
        ("36.5", 0.5, "接近了"),
        ("37.5", 0.5, "接近了"),
        ("38", 0.0, ""),
        ("37.3℃", 0.0, ""),  # a unit typed along is not a number: the input says "a number"
        ("abc", 0.0, ""),
        ("nan", 0.0, ""),
        ("1e400", 0.0, ""),
    ],
)
def test_numeric_answers_within_their_tolerance(typed, score, feedback):
    result = grade(NUMERIC, typed)
    assert result.score == pytest.approx(score)
    assert question_type(NUMERIC.kind).feedback(NUMERIC, typed) == feedback


def test_a_weighted_fill_in_answer_earns_its_weight_and_its_feedback():
    assert grade(WEIGHTED_FILL, "１２３４５").correct
    assert grade(WEIGHTED_FILL, "市民 热线").score == 0.5
    assert grade(WEIGHTED_FILL, "110").score == 0
    assert question_type(QuestionKind.FILL_BLANK).feedback(WEIGHTED_FILL, "110") == "那是报警"
    assert WEIGHTED_FILL.accepted_answers == ("12345",)


def test_a_written_answer_is_never_graded_automatically():
    assert grade(ESSAY, "我会耐心解释。").score == 0
    assert question_type(QuestionKind.ESSAY).manually_marked


def test_coerce_response_gives_the_canonical_shape():
    assert coerce_response(single(), 2) == 2
    assert coerce_response(multiple(), [3, 0]) == frozenset({0, 3})
    assert coerce_response(TRUE_FALSE, False) is False
    assert coerce_response(FILL, "x") == "x"
    assert coerce_response(ordering(), [1, 0, 2, 3]) == (1, 0, 2, 3)
    assert coerce_response(HOTSPOT, [1, 0]) == (1.0, 0.0)
    for q, bad in (
        (single(), "2"),
        (multiple(), [0, 0]),
        (TRUE_FALSE, 1),
        (ordering(), [0, 1]),
        (HOTSPOT, [1]),
    ):
        with pytest.raises(InvalidResponse):
            coerce_response(q, bad)


# -- QuestionData.validate ------------------------------------------------------------------------


def test_valid_questions_have_no_errors():
    for q in ALL_QUESTIONS:
        assert q.validate() == [], q


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (QuestionData(kind=QuestionKind.SINGLE, text=" ", choices=single().choices), "题目内容不能为空"),
        (QuestionData(kind=QuestionKind.SINGLE, text="?", choices=(Choice("a", True),)), "至少需要 2 个选项"),
        (
            QuestionData(kind=QuestionKind.SINGLE, text="?", choices=(Choice("a", True), Choice("b", True))),
            "恰好有 1 个正确答案（当前 2 个）",
        ),
        (
            QuestionData(
                kind=QuestionKind.SINGLE, text="?", choices=(Choice("a", False), Choice("b", False))
            ),
            "恰好有 1 个正确答案（当前 0 个）",
        ),
        (
            QuestionData(kind=QuestionKind.SINGLE, text="?", choices=(Choice("a", True), Choice("a", False))),
            "选项「a」重复",
        ),
        (
            QuestionData(kind=QuestionKind.SINGLE, text="?", choices=(Choice("a", True), Choice(" ", False))),
            "第 2 个选项内容为空",
        ),
        (
            QuestionData(
                kind=QuestionKind.SINGLE, text="?", choices=(Choice("a", True), Choice("b", False, 2.0))
            ),
            "-100% 到 100%",
        ),
        (
            QuestionData(
                kind=QuestionKind.SINGLE, text="?", choices=(Choice("a", True), Choice("b", False, math.nan))
            ),
            "不是有效数字",
        ),
        (multiple(correct=()), "至少需要 1 个正确答案"),
        (multiple(correct=(0,), n=1), "至少需要 2 个选项"),
        (multiple(correct=(0, 1), n=3, partial=True, weights=(0.5, 0.3, 0.0)), "之和应为 100%"),
        (multiple(correct=(0, 1), n=3, partial=True, weights=(1.0, 0.0, 0.0)), "分不到分值"),
        (multiple(correct=(0,), n=3, partial=True, weights=(1.0, 0.5, 0.0)), "不是正确答案，分值不能为正"),
        (multiple(correct=(0, 1), n=3, partial=True, weights=(-0.5, 0.0, 0.0)), "分值不能为负"),
        (QuestionData(kind=QuestionKind.TRUE_FALSE, text="?"), "缺少正确答案"),
        (
            QuestionData(
                kind=QuestionKind.TRUE_FALSE, text="?", true_answer=True, choices=(Choice("正确", False),)
            ),
            "反馈选项",
        ),
        (QuestionData(kind=QuestionKind.FILL_BLANK, text="?"), "至少需要 1 个参考答案"),
        (
            QuestionData(kind=QuestionKind.FILL_BLANK, text="?", accepted_answers=("。",)),
            "去掉空格和标点后为空",
        ),
        (QuestionData(kind=QuestionKind.ORDERING, text="?", steps=("a",)), "至少需要 2 个步骤"),
        (QuestionData(kind=QuestionKind.ORDERING, text="?", steps=("a", "a")), "步骤「a」重复"),
        (
            QuestionData(kind=QuestionKind.ORDERING, text="?", steps=tuple(map(str, range(21)))),
            "最多 20 个步骤",
        ),
        (QuestionData(kind=QuestionKind.HOTSPOT, text="?"), "至少需要 1 个正确区域"),
        (
            QuestionData(
                kind=QuestionKind.HOTSPOT, text="?", areas=(HotspotArea("rect", 0.9, 0.9, 0.2, 0.2),)
            ),
            "超出了图片范围",
        ),
        (
            QuestionData(kind=QuestionKind.HOTSPOT, text="?", areas=(HotspotArea("rect", 0.1, 0.1, 0, 0.2),)),
            "必须大于 0",
        ),
        (
            QuestionData(kind=QuestionKind.HOTSPOT, text="?", areas=(HotspotArea("circle", 0.5, 0.5, r=0),)),
            "半径",
        ),
        (
            QuestionData(kind=QuestionKind.HOTSPOT, text="?", areas=(HotspotArea("star", 0.5, 0.5),)),
            "未知的区域形状",
        ),
        (
            QuestionData(
                kind=QuestionKind.HOTSPOT, text="?", areas=(HotspotArea("circle", 1.5, 0.5, r=0.1),)
            ),
            "图片范围内",
        ),
        (
            QuestionData(
                kind=QuestionKind.HOTSPOT, text="?", areas=(HotspotArea("circle", math.nan, 0.5, r=0.1),)
            ),
            "有限",
        ),
        (
            QuestionData(kind=QuestionKind.FILL_BLANK, text="x" * 5001, accepted_answers=("a",)),
            "题目内容过长",
        ),
        (QuestionData(kind=QuestionKind.FILL_BLANK, text="a\x07b", accepted_answers=("a",)), "控制字符"),
        (QuestionData(kind="description", text="?"), "未知的题型"),
    ],
)
def test_validate_explains_what_is_wrong(question, expected):
    errors = question.validate()
    assert any(expected in error for error in errors), errors


def test_question_equality_ignores_source_line_and_container_type():
    a = QuestionData(kind="single", text="?", choices=[Choice("a", True), Choice("b", False)], source_line=3)
    b = QuestionData(kind=QuestionKind.SINGLE, text="?", choices=(Choice("a", True), Choice("b", False)))
    assert a == b
    assert hash(a) == hash(b)
    assert a.kind is QuestionKind.SINGLE


def test_question_survives_a_dict_round_trip():
    for q in ALL_QUESTIONS:
        assert QuestionData.from_dict(q.as_dict()) == q


def test_parse_result_ok_and_error_message():
    assert ParseResult().ok
    assert not ParseResult(errors=[ParseError.at(12, "缺少正确答案")]).ok
    assert str(ParseError.at(12, "缺少正确答案")) == "第 12 行：缺少正确答案"
    assert ParseError.at(0, "文件太大").message == "文件太大"


@given(st.integers(min_value=2, max_value=6), st.data())
def test_single_partial_grades_are_in_range(n, data):
    weights = data.draw(st.lists(st.floats(-1, 0.99), min_size=n, max_size=n))
    correct = data.draw(st.integers(0, n - 1))
    q = QuestionData(
        kind=QuestionKind.SINGLE,
        text="?",
        choices=tuple(Choice(str(i), i == correct, weights[i]) for i in range(n)),
        partial_credit=True,
    )
    assume(q.validate() == [])
    for i in range(n):
        result = grade_single(q, i)
        assert 0.0 <= result.score <= 1.0
        assert result.correct == (i == correct)
