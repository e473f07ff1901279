"""Aiken import."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.formats import MAX_BYTES, aiken
from quizzes.questiondata import Choice, QuestionData, QuestionKind


@pytest.fixture(autouse=True)
def _clear_caches():
    """Pure tests: shadow the root conftest's Django fixtures so they also run with `-p no:django`."""


@pytest.fixture(autouse=True)
def _media_root():
    """See `_clear_caches`."""


CLASSIC = """What is the correct answer to this question?
A. Is it this one?
B. Maybe this answer?
C. Possibly this one?
D. Must be this one!
ANSWER: D

Which LMS has the most quiz import formats?
A) Moodle
B) ATutor
C) Claroline
D) Blackboard
E) WebCT
F) Ilias
ANSWER: A
"""


def test_classic_aiken():
    result = aiken.parse(CLASSIC)
    assert result.ok, result.errors
    first, second = result.questions
    assert first == QuestionData(
        kind=QuestionKind.SINGLE,
        text="What is the correct answer to this question?",
        choices=(
            Choice("Is it this one?", False),
            Choice("Maybe this answer?", False),
            Choice("Possibly this one?", False),
            Choice("Must be this one!", True),
        ),
    )
    assert [c.text for c in second.choices] == [
        "Moodle",
        "ATutor",
        "Claroline",
        "Blackboard",
        "WebCT",
        "Ilias",
    ]
    assert second.correct_indexes() == {0}
    assert (first.source_line, second.source_line) == (1, 8)


def test_chinese_style_with_full_width_separators_and_answer_line():
    result = aiken.parse(
        """1、访客扫码登记时，需要出示什么？
Ａ．身份证
Ｂ．登记码截图
C、健康码
d) 不需要
答案：Ｃ
解析：按街道要求出示健康码即可。

2. 通知发布在哪里？
A：业主微信群
B: 公告栏
正确答案: b
"""
    )
    assert result.ok, result.errors
    first, second = result.questions
    assert first.text == "访客扫码登记时，需要出示什么？"
    assert [c.text for c in first.choices] == ["身份证", "登记码截图", "健康码", "不需要"]
    assert first.correct_indexes() == {2}
    assert first.explanation == "按街道要求出示健康码即可。"
    assert second.text == "通知发布在哪里？"
    assert second.correct_indexes() == {1}


def test_numbers_that_are_part_of_the_question_are_kept():
    result = aiken.parse(
        "1.5 米是安全距离吗？\nA. 是\nB. 否\nANSWER: A\n\n110、119 哪个是火警？\nA. 110\nB. 119\nANSWER: B"
    )
    assert [q.text for q in result.questions] == ["1.5 米是安全距离吗？", "110、119 哪个是火警？"]


def test_question_text_over_several_lines_and_no_blank_lines_between_questions():
    result = aiken.parse("第一行\n第二行\nA. x\nB. y\nANSWER: A\nNext?\nA. 1\nB. 2\nANSWER: B\n")
    assert result.ok, result.errors
    assert [q.text for q in result.questions] == ["第一行\n第二行", "Next?"]


def test_blank_line_between_answer_and_explanation_is_allowed():
    (q,) = aiken.parse("Q\nA. x\nB. y\nANSWER: A\n\nEXPLANATION: because\n").questions
    assert q.explanation == "because"


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("Q\nA. x\nB. y\n", 1, "缺少答案行"),
        ("Q\nA. x\nB. y\n\nQ2\nA. x\nB. y\nANSWER: A", 1, "缺少答案行"),
        ("Q\nA. x\nB. y\nANSWER: AB", 4, "只支持单选题"),
        ("Q\nA. x\nB. y\nANSWER: A,C", 4, "只支持单选题"),
        ("Q\nA. x\nB. y\nANSWER: E", 4, "超出了选项范围（这道题只有 A–B）"),
        ("Q\nA. x\nB. y\nANSWER: 1", 4, "无法识别"),
        ("Q\nA. x\nB. y\nANSWER:", 4, "无法识别"),
        ("Q\nA. x\nC. y\nANSWER: A", 3, "应该是「B」"),
        ("Q\nA. x\nwrapped text\nANSWER: A", 3, "无法识别这一行"),
        ("ANSWER: A", 1, "答案行前面没有题目"),
        ("Q\nANSWER: A", 2, "没有选项"),
        ("Q\nA. x\nANSWER: A", 1, "至少需要 2 个选项"),
        ("Q\nA. x\nB. x\nANSWER: A", 1, "重复"),
        ("Q\nA.\nB. y\nANSWER: A", 1, "第 1 个选项内容为空"),
    ],
)
def test_malformed_items_get_line_numbered_chinese_errors(source, line, message):
    result = aiken.parse(source)
    assert not result.ok
    assert result.errors[0].line == line
    assert result.errors[0].message.startswith(f"第 {line} 行：")
    assert message in result.errors[0].message, result.errors


def test_all_errors_are_collected_and_good_questions_still_returned():
    result = aiken.parse(
        "Good 1\nA. a\nB. b\nANSWER: A\n\n"
        "Bad 1\nA. a\nB. b\nANSWER: Z\n\n"
        "Good 2\nA. a\nB. b\nANSWER: B\n\n"
        "Bad 2\nA. a\nC. b\nANSWER: A\n\n"
        "Good 3\nA. a\nB. b\nANSWER: A\n"
    )
    assert [q.text for q in result.questions] == ["Good 1", "Good 2", "Good 3"]
    assert [e.line for e in result.errors] == [9, 18]


def test_a_broken_item_reports_once_and_the_next_item_is_read():
    result = aiken.parse("Q\nA. x\n???\nmore junk\nANSWER: A\nQ2\nA. x\nB. y\nANSWER: B")
    assert [e.line for e in result.errors] == [3]
    assert [q.text for q in result.questions] == ["Q2"]


def test_encodings():
    source = "扫码登记需要联网吗？\r\nA. 需要\r\nB. 不需要\r\n答案：A\r\n"
    expected = aiken.parse(source).questions
    assert len(expected) == 1
    for encoded in (
        source.encode(),
        b"\xef\xbb\xbf" + source.encode(),
        source.encode("gbk"),
        source.encode("utf-16"),
    ):
        assert aiken.parse(encoded).questions == expected


def test_empty_huge_and_binary_input():
    assert [e.message for e in aiken.parse(b"").errors] == ["文件中没有找到任何题目"]
    huge = aiken.parse(b"Q\nA. x\nB. y\nANSWER: A\n" * (MAX_BYTES // 20))
    assert [e.line for e in huge.errors] == [0] and "文件太大" in huge.errors[0].message
    assert huge.questions == []
    assert "这是 Excel/Word 文件" in aiken.parse(b"PK\x03\x04\x00\x00binary").errors[0].message
    assert "二进制" in aiken.parse(b"\x00\x01\x02\x03binary").errors[0].message


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Q", "A. x", "B. y", "C、z", "ANSWER: A", "答案：B", "解析：x", "", "ANSWER: Q", "Ａ．"]
        )
    ).map("\n".join)
    | st.text(max_size=200)
    | st.binary(max_size=200)
)
def test_parse_never_raises(source):
    result = aiken.parse(source)
    assert all(e.line >= 0 and e.message for e in result.errors)
    assert all(q.validate() == [] and q.kind == QuestionKind.SINGLE for q in result.questions)
