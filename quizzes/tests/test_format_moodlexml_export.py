"""Moodle XML export: what Moodle's exporter writes (xmlformat_test export cases), and the round trip
`parse(export(qs)).questions == qs` for every kind we export."""

import pytest
from defusedxml.ElementTree import fromstring
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.formats import moodlexml
from quizzes.questiondata import Answer, Choice, HotspotArea, QuestionData, QuestionKind


@pytest.fixture(autouse=True)
def _clear_caches():
    """Pure tests: shadow the root conftest's Django fixtures so they also run with `-p no:django`."""


@pytest.fixture(autouse=True)
def _media_root():
    """See `_clear_caches`."""


def roundtrip(questions):
    result = moodlexml.parse(moodlexml.export(questions))
    assert result.ok, result.errors
    return result.questions


def test_export_multichoice_writes_moodle_fractions_and_formats():
    q = QuestionData(
        kind=QuestionKind.MULTIPLE,
        text="哪些是双数？",
        title="双数",
        category="数学/基础",
        choices=(Choice("1", False, -1.0), Choice("2", True, 0.5, "对"), Choice("4", True, 0.5)),
        partial_credit=True,
        explanation="2 和 4",
    )
    xml = moodlexml.export([q]).decode()
    root = fromstring(xml.encode())
    category, question = root.findall("question")
    assert category.get("type") == "category"
    assert category.findtext("category/text") == "$course$/top/数学/基础"
    assert question.get("type") == "multichoice"
    assert question.findtext("name/text") == "双数"
    assert question.findtext("single") == "false"
    assert [a.get("fraction") for a in question.findall("answer")] == ["-100", "50", "50"]
    assert question.find("questiontext").get("format") == "html"
    assert roundtrip([q]) == [q]


def test_export_thirds_as_moodle_writes_them():
    q = QuestionData(
        kind=QuestionKind.MULTIPLE,
        text="三个都对",
        choices=(Choice("a", True), Choice("b", True), Choice("c", True), Choice("d", False, -1.0)),
        partial_credit=True,
    )
    root = fromstring(moodlexml.export([q]))
    assert [a.get("fraction") for a in root.iter("answer")] == ["33.33333", "33.33333", "33.33333", "-100"]


def test_export_all_or_nothing_multiple_comes_back_all_or_nothing():
    q = QuestionData(
        kind=QuestionKind.MULTIPLE,
        text="全对才得分",
        choices=(Choice("a", True), Choice("b", True), Choice("c", False)),
    )
    root = fromstring(moodlexml.export([q]))
    assert [a.get("fraction") for a in root.iter("answer")] == ["50", "50", "-100"]
    assert roundtrip([q]) == [q]


def test_export_truefalse_shortanswer_numerical_essay_as_moodle():
    questions = [
        QuestionData(
            kind=QuestionKind.TRUE_FALSE,
            text="访客要扫码。",
            true_answer=True,
            choices=(Choice("正确", True, 0.0, "答得好！"), Choice("错误", False, 0.0, "错了！")),
        ),
        QuestionData(
            kind=QuestionKind.FILL_BLANK,
            text="甲、＿＿、丙",
            answers=(Answer("乙", 1.0, "很好"), Answer("Z", 0.8, "差不多")),
            explanation="答案是乙。",
        ),
        QuestionData(
            kind=QuestionKind.NUMERIC,
            text="答案是多少？",
            answers=(Answer("42", 1.0, "答得好！", 0.001), Answer("13", 0.0, "你在想什么？！", 1.0)),
        ),
        QuestionData(kind=QuestionKind.ESSAY, text="写点什么。", marking_guide="打分宽松一点！\n看态度"),
    ]
    root = fromstring(moodlexml.export(questions))
    tf, sa, num, essay = root.findall("question")[1:]
    assert [(a.findtext("text"), a.get("fraction")) for a in tf.findall("answer")] == [
        ("true", "100"),
        ("false", "0"),
    ]
    assert [a.findtext("feedback/text") for a in tf.findall("answer")] == ["答得好！", "错了！"]
    assert [(a.findtext("text"), a.get("fraction")) for a in sa.findall("answer")] == [
        ("乙", "100"),
        ("Z", "80"),
    ]
    assert sa.findtext("usecase") == "0"
    assert [a.findtext("tolerance") for a in num.findall("answer")] == ["0.001", "1"]
    assert essay.findtext("graderinfo/text") == "打分宽松一点！<br>看态度"
    assert essay.findtext("responseformat") == "editor"
    assert roundtrip(questions) == questions


def test_export_skips_ordering_hotspot_and_invalid_with_a_comment():
    questions = [
        QuestionData(kind=QuestionKind.ORDERING, text="排一排", steps=("一", "二")),
        QuestionData(kind=QuestionKind.HOTSPOT, text="点一点", areas=(HotspotArea("rect", 0, 0, 0.5, 0.5),)),
        QuestionData(
            kind=QuestionKind.SINGLE, text="没有正确答案", choices=(Choice("a", False), Choice("b", False))
        ),
    ]
    xml = moodlexml.export(questions).decode()
    assert xml.count("<!-- 跳过：") == 3
    assert "<question type" not in xml
    assert fromstring(xml.encode()).tag == "quiz"


def test_export_special_characters_and_cdata_end_marker():
    text = "a < b && c > d ]]> <![CDATA[ 结束\n  缩进的行\t制表 "
    q = QuestionData(kind=QuestionKind.ESSAY, text=text.strip(), title="<名字> & ]]>")
    xml = moodlexml.export([q])
    assert fromstring(xml) is not None
    assert roundtrip([q]) == [q]


def test_export_untitled_question_gets_a_name_moodle_needs_and_comes_back_untitled():
    q = QuestionData(kind=QuestionKind.ESSAY, text="第一行很长" * 20 + "\n第二行")
    root = fromstring(moodlexml.export([q]))
    assert root.findtext("question/name/text").startswith("第一行很长")
    assert roundtrip([q]) == [q]


def test_export_empty_category_after_a_category_resets_to_top():
    questions = [
        QuestionData(kind=QuestionKind.ESSAY, text="一", category="甲/乙"),
        QuestionData(kind=QuestionKind.ESSAY, text="二"),
    ]
    root = fromstring(moodlexml.export(questions))
    assert [c.text for c in root.iter("text") if c.text and c.text.startswith("$course$")] == [
        "$course$/top/甲/乙",
        "$course$/top",
    ]
    assert roundtrip(questions) == questions


# -- round trip, property-tested ----------------------------------------------------------------------

_ALPHABET = st.characters(
    whitelist_categories=("L", "N", "P", "S", "Zs"), blacklist_characters="\u2028\u2029\x85"
) | st.sampled_from(list("<>&]]>\"'中文扫码登记\n\t "))
_POSITIVE = [f for f in moodlexml.MOODLE_FRACTIONS if 0 < f < 1]


def _clean(max_size: int = 40):
    return st.text(_ALPHABET, min_size=1, max_size=max_size).map(str.strip).filter(bool)


def _line(max_size: int = 20):
    return _clean(max_size).map(lambda s: " ".join(s.split())).filter(bool)


_category = st.lists(_line(8).map(lambda s: s.replace("/", "").strip()).filter(bool), max_size=3).map(
    "/".join
)
_optional = st.one_of(st.just(""), _clean())


@st.composite
def questions(draw):
    kind = draw(
        st.sampled_from(
            [
                QuestionKind.SINGLE,
                QuestionKind.MULTIPLE,
                QuestionKind.TRUE_FALSE,
                QuestionKind.FILL_BLANK,
                QuestionKind.NUMERIC,
                QuestionKind.ESSAY,
            ]
        )
    )
    common = {
        "kind": kind,
        "text": draw(_clean(80)),
        "title": draw(st.one_of(st.just(""), _line(30))),
        "category": draw(_category),
        "explanation": draw(_optional),
    }
    if common["title"] == moodlexml._default_name(common["text"]):
        common["title"] = ""  # read back as "no title": the name our export gives an untitled question
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        texts = draw(st.lists(_clean(20), min_size=2, max_size=6, unique=True))
        feedbacks = [draw(_optional) for _ in texts]
        if kind == QuestionKind.SINGLE:
            right = draw(st.integers(0, len(texts) - 1))
            partial = draw(st.booleans())
            weights = [
                0.0 if n == right or not partial else draw(st.sampled_from([0.0, *_POSITIVE, -0.5, -1.0]))
                for n in range(len(texts))
            ]
            partial = any(weights)
            choices = [
                Choice(t, n == right, w, f)
                for n, (t, w, f) in enumerate(zip(texts, weights, feedbacks, strict=True))
            ]
        else:
            k = draw(st.integers(1, min(len(texts), 4)))
            partial = draw(st.booleans())
            share = {1: 1.0, 2: 0.5, 3: 0.3333333, 4: 0.25}[k]
            choices = []
            for n, (t, f) in enumerate(zip(texts, feedbacks, strict=True)):
                if n < k:
                    choices.append(Choice(t, True, share if partial else 0.0, f))
                else:
                    wrong = -draw(st.sampled_from([f for f in _POSITIVE if f >= 1 / k] + [1.0]))
                    choices.append(Choice(t, False, wrong if partial else 0.0, f))
            partial = partial and any(c.weight not in (0, 1) for c in choices)
            if not partial:
                choices = [Choice(c.text, c.correct, 0.0, c.feedback) for c in choices]
        return QuestionData(**common, choices=tuple(choices), partial_credit=partial)
    if kind == QuestionKind.TRUE_FALSE:
        answer = draw(st.booleans())
        on_true, on_false = draw(_optional), draw(_optional)
        choices = ()
        if on_true or on_false:
            choices = (Choice("正确", answer, 0.0, on_true), Choice("错误", not answer, 0.0, on_false))
        return QuestionData(**common, true_answer=answer, choices=choices)
    if kind == QuestionKind.FILL_BLANK:
        texts = draw(
            st.lists(
                st.from_regex(r"[a-z乙丙丁]{1,6}( [a-z]{1,4})?", fullmatch=True),
                min_size=1,
                max_size=4,
                unique=True,
            )
        )
        weights = [1.0] + [draw(st.sampled_from([0.0, *_POSITIVE, 1.0])) for _ in texts[1:]]
        answers = tuple(Answer(t, w, draw(_optional)) for t, w in zip(texts, weights, strict=True))
        return QuestionData(**common, answers=answers)
    if kind == QuestionKind.NUMERIC:
        numbers = draw(
            st.lists(st.from_regex(r"-?\d{1,4}(\.\d{1,3})?", fullmatch=True), min_size=1, max_size=3)
        )
        weights = [1.0] + [draw(st.sampled_from([0.0, *_POSITIVE])) for _ in numbers[1:]]
        tolerances = st.sampled_from([0.0, 0.5, 0.001, 2.0, 1e-05, 12.25])
        answers = tuple(
            Answer(n, w, draw(_optional), draw(tolerances)) for n, w in zip(numbers, weights, strict=True)
        )
        return QuestionData(**common, answers=answers)
    return QuestionData(**common, marking_guide=draw(_optional))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(questions(), min_size=1, max_size=5))
def test_roundtrip_is_identity(qs):
    qs = [q for q in qs if not q.validate()]
    if not qs:
        return
    assert roundtrip(qs) == qs


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=300)
    | st.text(max_size=300).map(lambda s: f"<quiz><question type='essay'>{s}</question></quiz>")
)
def test_parse_never_raises(data):
    result = moodlexml.parse(data)
    assert isinstance(result.errors, list)
