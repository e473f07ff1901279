"""Moodle GIFT import and export."""

import itertools

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from quizzes.formats import MAX_BYTES, gift
from quizzes.grading import grade, normalise_text
from quizzes.questiondata import Answer, Choice, HotspotArea, QuestionData, QuestionKind


@pytest.fixture(autouse=True)
def _clear_caches():
    """Pure tests: shadow the root conftest's Django fixtures so they also run with `-p no:django`."""


@pytest.fixture(autouse=True)
def _media_root():
    """See `_clear_caches`."""


def only(source):
    result = gift.parse(source)
    assert result.ok, result.errors
    assert len(result.questions) == 1, result.questions
    return result.questions[0]


def error_messages(source):
    result = gift.parse(source)
    assert not result.ok
    return [(e.line, e.message) for e in result.errors]


# -- the question kinds ---------------------------------------------------------------------------


def test_single_choice_with_title_feedback_and_explanation():
    q = only(
        """::扫码登记::访客进入小区时，应扫描哪个二维码？{
            =门口张贴的登记码#对，登记码直接写入登记表。
            ~访客自己的付款码#付款码不能登记。
            ~工作人员的微信
            ####登记码由街道统一生成。
        }"""
    )
    assert q == QuestionData(
        kind=QuestionKind.SINGLE,
        title="扫码登记",
        text="访客进入小区时，应扫描哪个二维码？",
        choices=(
            Choice("门口张贴的登记码", True, feedback="对，登记码直接写入登记表。"),
            Choice("访客自己的付款码", False, feedback="付款码不能登记。"),
            Choice("工作人员的微信", False),
        ),
        explanation="登记码由街道统一生成。",
    )
    assert q.source_line == 1


def test_single_choice_on_one_line():
    q = only("Who is buried in Grant's tomb?{~Grant ~Jefferson =no one}")
    assert q.kind == QuestionKind.SINGLE
    assert [c.correct for c in q.choices] == [False, False, True]
    assert q.text == "Who is buried in Grant's tomb?"


def test_single_choice_with_partial_weights_on_wrong_answers():
    q = only("Q {=right ~%50%nearly ~%-100%harmful ~wrong}")
    assert q.kind == QuestionKind.SINGLE
    assert q.partial_credit
    assert [c.weight for c in q.choices] == [0.0, 0.5, -1.0, 0.0]
    assert grade(q, 1).score == 0.5


def test_multiple_choice_with_weights_is_partial_credit():
    q = only("Which are cities? {~%50%北京 ~%50%上海 ~%-100%长江}")
    assert q.kind == QuestionKind.MULTIPLE
    assert q.partial_credit
    assert q.choices == (Choice("北京", True, 0.5), Choice("上海", True, 0.5), Choice("长江", False, -1.0))
    assert grade(q, [0]).score == 0.5


def test_multiple_choice_with_only_100_and_0_is_all_or_nothing():
    q = only("Q {~%100%A ~%100%B ~C ~%0%D}")
    assert q.kind == QuestionKind.MULTIPLE
    assert not q.partial_credit
    assert q.choices == (Choice("A", True), Choice("B", True), Choice("C", False), Choice("D", False))


def test_decimal_and_full_width_percent_weights():
    q = only("Q {~%33.33333%A ~%33.33333%B ~％33.33334％C ~%-50%D}")
    assert q.partial_credit
    assert [c.weight for c in q.choices] == pytest.approx([1 / 3, 1 / 3, 1 / 3, -0.5], abs=1e-6)


@pytest.mark.parametrize("source", ["{T}", "{TRUE}", "{t}", "{ True }"])
def test_true(source):
    q = only("扫码登记需要联网。" + source)
    assert (q.kind, q.true_answer, q.choices) == (QuestionKind.TRUE_FALSE, True, ())


@pytest.mark.parametrize("source", ["{F}", "{FALSE}", "{false}"])
def test_false(source):
    assert only("Q " + source).true_answer is False


def test_true_false_feedback_goes_to_the_answer_it_is_shown_for():
    # Moodle: the first feedback is shown to a learner who answers wrongly, the second to one who is right.
    q = only("地球是平的。{F#不对，地球是圆的。#对！####地球近似球体。}")
    assert q.true_answer is False
    assert q.choices == (
        Choice("正确", False, feedback="不对，地球是圆的。"),
        Choice("错误", True, feedback="对！"),
    )
    assert q.explanation == "地球近似球体。"
    q = only("Q {T#wrong}")
    assert q.choices == (Choice("正确", True, feedback=""), Choice("错误", False, feedback="wrong"))


def test_short_answer_becomes_fill_blank():
    q = only("政务服务便民热线的号码是多少？{=12345 =一二三四五 =%100%市民热线#对}")
    assert q.kind == QuestionKind.FILL_BLANK
    assert q.accepted_answers == ("12345", "一二三四五", "市民热线")
    assert grade(q, "１２３４５").correct


def test_missing_word_keeps_the_text_after_the_answer_block():
    q = only("Moodle costs {~lots of money =nothing ~a small amount} to download.")
    assert q.text == "Moodle costs ＿＿ to download."
    q = only("拨打{=12345}可以反映问题。")
    assert q.text == "拨打＿＿可以反映问题。"


def test_matching_becomes_one_single_choice_per_pair():
    result = gift.parse(
        """::配对::把工具和用途配对 {
            =扫码登记 -> 访客登记
            =健康码 -> 查看状态
            =网格通 -> 上报事件
            = -> 缴纳物业费
        }"""
    )
    assert result.ok, result.errors
    rights = ("访客登记", "查看状态", "上报事件", "缴纳物业费")
    assert [q.text for q in result.questions] == [
        "把工具和用途配对 — 扫码登记",
        "把工具和用途配对 — 健康码",
        "把工具和用途配对 — 网格通",
    ]
    assert [q.title for q in result.questions] == ["配对（1）", "配对（2）", "配对（3）"]
    for number, q in enumerate(result.questions):
        assert q.kind == QuestionKind.SINGLE
        assert tuple(c.text for c in q.choices) == rights
        assert [c.correct for c in q.choices] == [i == number for i in range(4)]
    assert [q.source_line for q in result.questions] == [2, 3, 4]


# -- file-level features --------------------------------------------------------------------------


def test_categories_comments_and_blank_line_separation():
    result = gift.parse(
        """// 题库导出
// 第二行注释

$CATEGORY: $course$/top/数字工具/扫码登记

::一::Q1 {T}

::二::Q2
// 题目中间的注释既不属于题目，也不会把题目断开
{F}

$CATEGORY: 通知 / 微信群 /

Q3 {=a ~b}
"""
    )
    assert result.ok, result.errors
    assert [(q.title, q.category) for q in result.questions] == [
        ("一", "数字工具/扫码登记"),
        ("二", "数字工具/扫码登记"),
        ("", "通知/微信群"),
    ]
    assert [q.text for q in result.questions] == ["Q1", "Q2", "Q3"]
    assert [q.source_line for q in result.questions] == [6, 8, 14]


def test_category_and_question_in_one_block():
    q = only("$CATEGORY: A/B\n::t::Q {T}")
    assert (q.category, q.title) == ("A/B", "t")


def test_escapes():
    q = only(r"::a\:b::Use \{braces\}, \~tilde, \=equals, \#hash \\ and\nnewline {=x\=1 ~y\~2\#3 ~z\:4}")
    assert q.title == "a:b"
    assert q.text == "Use {braces}, ~tilde, =equals, #hash \\ and\nnewline"
    assert [c.text for c in q.choices] == ["x=1", "y~2#3", "z:4"]


@pytest.mark.parametrize("tag", ["[plain]", "[moodle]"])
def test_plain_and_moodle_format_tags_are_taken_literally(tag):
    q = only(f"::t::{tag}<b>粗体</b>文字 {{=a#{tag}好 ~{tag}b####{tag}解析}}")
    assert q.text == "<b>粗体</b>文字"  # never interpreted
    assert q.choices[0].feedback == "好"
    assert q.choices[1].text == "b"
    assert q.explanation == "解析"


def test_full_width_punctuation_and_chinese_everywhere():
    q = only("::社区：防疫::“健康码”是什么颜色时可以通行？（单选）{=绿色！#正确。 ~红色？ ~黄色……}")
    assert q.title == "社区：防疫"
    assert q.text == "“健康码”是什么颜色时可以通行？（单选）"
    assert [c.text for c in q.choices] == ["绿色！", "红色？", "黄色……"]


def test_urls_are_not_comments():
    q = only("打开 https://example.cn/登记 后点击哪里？ {=登记 ~退出}")
    assert q.text == "打开 https://example.cn/登记 后点击哪里？"


def test_windows_line_endings_bom_and_gbk():
    source = "$CATEGORY: 社区\r\n\r\n::标题::扫码登记需要联网吗？{T}\r\n"
    expected = only(source)
    assert expected.category == "社区"
    assert only(source.encode("utf-8")) == expected
    assert only(b"\xef\xbb\xbf" + source.encode("utf-8")) == expected
    assert only(source.encode("gbk")) == expected
    assert only(source.encode("gb18030")) == expected
    assert only(source.encode("utf-16")) == expected


# -- refused and malformed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("Q {\n   \n}", 1, None),  # a blank line inside braces splits the block
        ("只是一段说明文字。", 1, "不支持说明文字"),
        ("Q {=a =%-50%b}", 1, "必须在 0% 到 100% 之间"),
        ("Q {#abc}", 1, "数值题的答案「abc」"),
        ("Q {#3:x}", 1, "数值题的答案「3:x」"),
        ("Q {#}", 1, "数值题没有答案"),
        ("Q {=a* =b}", 1, "不支持通配符"),
        ("Q {=a ~b", 1, "缺少右花括号"),
        ("Q\n{\n=a\n~b\n\n", 2, "缺少右花括号"),
        ("Q } {=a}", 1, "多余的右花括号"),
        ("Q {=a {~b}", 1, "不能再出现「{」"),
        ("Q {=a ~b}\nQ2 {=c ~d}", 2, "只能有一个答案块"),
        ("::title without end Q {=a ~b}", 1, "标题缺少结尾"),
        ("Q {~a ~b}", 1, "多选题至少需要 1 个正确答案"),
        ("Q {=a}", None, None),  # a one-answer short answer is fine
        ("Q {abc}", 1, "无法识别答案块"),
        ("Q {junk =a ~b}", 1, "第一个选项前有多余的文字"),
        ("Q {=a ~%abc%b}", 1, "不是有效的百分数"),
        ("Q {=a ~%150%b}", 1, "-100% 到 100%"),
        ("Q {=a ~%50b}", 1, "分值缺少结尾的「%」"),
        ("Q {=a ~%nan%b}", 1, "不是有效的百分数"),
        ("Q {=%50%a ~b}", 1, "不能再带其他分值"),
        ("Q {=a ~}", 1, "答案内容为空"),
        ("Q {=a ~b ~b}", 1, "重复"),
        ("Q {=a ~%100%b}", 1, "恰好有 1 个正确答案"),
        ("Q {=a -> 1 =b}", 1, "左边 -> 右边"),
        ("Q {=a -> }", 1, "右边的内容为空"),
        ("Q {= -> 1 = -> 2}", 1, "没有任何配对"),
        ("Q {=a -> 1 =b -> 1}", 1, "至少需要 2 个选项"),
        ("{=a ~b}", 1, "题目内容不能为空"),
        ("Q {" + "~x " * 60 + "}", 1, "答案太多（60 个）"),
        ("Q {" + "".join(f"=a{i} -> b{i} " for i in range(27)) + "}", 1, "最多 26 个选项"),
    ],
)
def test_malformed_questions_get_line_numbered_chinese_errors(source, line, message):
    result = gift.parse(source)
    if line is None:
        assert result.ok, result.errors
        return
    assert not result.ok
    assert result.errors[0].line == line
    assert result.errors[0].message.startswith(f"第 {line} 行：")
    if message:
        assert any(message in e.message for e in result.errors), result.errors


def test_answer_errors_point_at_the_answer_line():
    result = gift.parse("::t::Q {\n=a\n~b\n~%x%c\n}")
    assert [e.line for e in result.errors] == [4]


def test_all_errors_are_collected_and_good_questions_still_returned():
    result = gift.parse(
        """Good one {=a ~b}

Description without answers

Good two {T}

Unterminated {=a ~b

Bad weight {=a ~%999%b}

Good three {=x =y}
"""
    )
    assert [q.text for q in result.questions] == ["Good one", "Good two", "Good three"]
    assert [e.line for e in result.errors] == [3, 7, 9]
    assert not result.ok


def test_empty_and_comment_only_files():
    for source in ("", b"", "\n\n  \n", "// only a comment\n// another"):
        result = gift.parse(source)
        assert result.questions == []
        assert [(e.line, e.message) for e in result.errors] == [(0, "文件中没有找到任何题目")]


def test_huge_input_is_refused_before_parsing():
    result = gift.parse(b"Q {T}\n\n" * (MAX_BYTES // 7 + 1))
    assert result.questions == []
    assert [e.line for e in result.errors] == [0]
    assert "文件太大" in result.errors[0].message
    assert not gift.parse("题" * (MAX_BYTES // 3 + 1)).ok  # counted in bytes, not characters


def test_binary_garbage_and_undecodable_bytes_are_refused():
    assert "看起来是 PNG 文件" in gift.parse(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").errors[0].message
    assert "编码" in gift.parse("题目 {T}".encode() + b"\xff").errors[0].message
    result = gift.parse(bytes(range(256)) * 4)
    assert result.questions == [] and result.errors[0].line == 0


def test_not_bytes_at_all():
    assert gift.parse(None).errors[0].line == 0


def test_control_characters_are_dropped():
    q = only("Q\x07 {=a\x1b ~b}")
    assert (q.text, q.choices[0].text) == ("Q", "a")


GIFT_ALPHABET = st.sampled_from(
    list("{}~=#:%\\->/\n \t$[]TF题目，。") + ["::", "####", "->", "//", "[html]", "$CATEGORY:"]
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(GIFT_ALPHABET, max_size=60).map("".join) | st.text(max_size=200) | st.binary(max_size=200))
def test_parse_never_raises(source):
    result = gift.parse(source)
    for error in result.errors:
        assert error.line >= 0
        assert error.message
    for q in result.questions:
        assert q.validate() == []


# -- export ---------------------------------------------------------------------------------------


EXPORTABLE = [
    QuestionData(
        kind=QuestionKind.SINGLE,
        title="扫码登记",
        category="数字工具/扫码登记",
        text="访客应扫描哪个码？",
        choices=(
            Choice("登记码", True, feedback="对"),
            Choice("付款码", False),
            Choice("微信", False, feedback="不对"),
        ),
        explanation="登记码由街道统一生成。",
    ),
    QuestionData(
        kind=QuestionKind.SINGLE,
        category="数字工具/扫码登记",
        text="部分得分 {特殊} ~字符~ = # : \\ 都要转义",
        choices=(Choice("=正确", True), Choice("~差一点", False, 0.5), Choice("#错误", False, -1.0)),
        partial_credit=True,
    ),
    QuestionData(
        kind=QuestionKind.MULTIPLE,
        text="哪些信息需要登记？",
        category="通知",
        choices=(Choice("姓名", True), Choice("电话", True), Choice("银行卡号", False)),
    ),
    QuestionData(
        kind=QuestionKind.MULTIPLE,
        text="部分得分多选",
        category="通知",
        choices=(Choice("A", True, 0.3), Choice("B", True, 0.7), Choice("C", False, -0.5)),
        partial_credit=True,
    ),
    QuestionData(kind=QuestionKind.TRUE_FALSE, text="应张贴纸质通知。", true_answer=True),
    QuestionData(
        kind=QuestionKind.TRUE_FALSE,
        text="微信群通知就够了。",
        true_answer=False,
        choices=(Choice("正确", False, feedback="老人可能不用微信"), Choice("错误", True, feedback="")),
        explanation="要兼顾不用微信的居民。",
    ),
    QuestionData(
        kind=QuestionKind.FILL_BLANK,
        title="热线",
        text="拨打＿＿可以反映问题。",
        accepted_answers=("12345", "a->b", "%百分比", "T"),
    ),
    QuestionData(kind=QuestionKind.FILL_BLANK, text="//看起来像注释", accepted_answers=("x",)),
    QuestionData(kind=QuestionKind.FILL_BLANK, text="[html]看起来像格式", accepted_answers=("x",)),
    QuestionData(kind=QuestionKind.FILL_BLANK, text="答案在最后＿＿", accepted_answers=("x",)),
    QuestionData(kind=QuestionKind.FILL_BLANK, text="::不是标题:: 多行\n文字", accepted_answers=("x",)),
]


def test_export_round_trips_every_supported_kind():
    exported = gift.export(EXPORTABLE)
    result = gift.parse(exported)
    assert result.ok, (result.errors, exported)
    assert result.questions == EXPORTABLE


def test_export_text_is_readable_gift():
    exported = gift.export(EXPORTABLE[:1])
    assert exported.splitlines()[2:] == [
        "$CATEGORY: 数字工具/扫码登记",
        "",
        "::扫码登记::访客应扫描哪个码？ {",
        "\t=登记码#对",
        "\t~付款码",
        "\t~微信#不对",
        "\t####登记码由街道统一生成。",
        "}",
    ]
    assert "\t~%50%\\~差一点" in gift.export(EXPORTABLE[1:2])


def test_export_skips_kinds_gift_cannot_hold_with_a_comment():
    ordering = QuestionData(kind=QuestionKind.ORDERING, text="排列\n步骤", steps=("a", "b"))
    hotspot = QuestionData(
        kind=QuestionKind.HOTSPOT, text="点这里", areas=(HotspotArea("circle", 0.5, 0.5, r=0.1),)
    )
    broken = QuestionData(
        kind=QuestionKind.SINGLE, text="无答案", choices=(Choice("a", False), Choice("b", False))
    )
    exported = gift.export([ordering, EXPORTABLE[4], hotspot, broken])
    assert "// 跳过：排序题「排列 步骤」无法用 GIFT 格式表示" in exported
    assert "// 跳过：点选题「点这里」无法用 GIFT 格式表示" in exported
    assert "// 跳过：单选题「无答案」有错误" in exported
    assert gift.parse(exported).questions == [EXPORTABLE[4]]


def test_export_of_derived_weights_grades_the_same():
    q = QuestionData(
        kind=QuestionKind.MULTIPLE,
        text="Q",
        choices=(Choice("a", True), Choice("b", True), Choice("c", True), Choice("d", False)),
        partial_credit=True,
    )
    (back,) = gift.parse(gift.export([q])).questions
    assert back.partial_credit
    for size in range(5):
        for chosen in itertools.combinations(range(4), size):
            assert grade(back, chosen).score == pytest.approx(grade(q, chosen).score, abs=1e-6)


def test_export_of_nothing():
    assert gift.parse(gift.export([])).questions == []


# A hypothesis strategy for questions in the canonical form that importers produce.

TEXT = (
    st.lists(
        st.sampled_from(
            list("abcXYZ 题目扫码，。？！～＝＃｛｝：％\t\n")
            + list("~=#{}:\\%->/[]$*")
            + ["＿＿", "//", "[html]", "::"]
        ),
        min_size=1,
        max_size=12,
    )
    .map(lambda parts: "".join(parts).strip())
    .filter(bool)
)
OPTIONAL_TEXT = st.just("") | TEXT
CATEGORY = st.sampled_from(["", "社区", "数字工具/扫码登记", "a/b/c"])
PERCENT_SPLITS = {
    1: [(100,)],
    2: [(50, 50), (30, 70)],
    3: [(20, 30, 50), (25, 25, 50)],
    4: [(10, 20, 30, 40)],
}


@st.composite
def canonical_questions(draw):
    kind = draw(st.sampled_from(sorted(gift.EXPORTABLE_KINDS)))
    common = {
        "text": draw(TEXT),
        "title": draw(OPTIONAL_TEXT),
        "category": draw(CATEGORY),
        "explanation": draw(OPTIONAL_TEXT),
    }
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        texts = draw(st.lists(TEXT, min_size=2, max_size=5, unique=True))
        feedback = [draw(OPTIONAL_TEXT) for _ in texts]
        partial = draw(st.booleans())
        if kind == QuestionKind.SINGLE:
            right = draw(st.integers(0, len(texts) - 1))
            weights = [0.0] * len(texts)
            if partial:
                for i in range(len(texts)):
                    if i != right:
                        weights[i] = draw(st.sampled_from([0, 10, 50, -100, -33.5])) / 100
                assume(any(weights))
            correct = [i == right for i in range(len(texts))]
        else:
            correct_set = draw(st.sets(st.integers(0, len(texts) - 1), min_size=1, max_size=4))
            correct = [i in correct_set for i in range(len(texts))]
            weights = [0.0] * len(texts)
            if partial:
                split = iter(draw(st.sampled_from(PERCENT_SPLITS[len(correct_set)])))
                for i in range(len(texts)):
                    weights[i] = (
                        next(split) if correct[i] else draw(st.sampled_from([-100, -50, -12.5]))
                    ) / 100
                assume(any(w not in (0, 1) for w in weights))
        choices = tuple(
            Choice(t, c, w, f) for t, c, w, f in zip(texts, correct, weights, feedback, strict=True)
        )
        q = QuestionData(kind=kind, choices=choices, partial_credit=partial, **common)
    elif kind == QuestionKind.TRUE_FALSE:
        answer = draw(st.booleans())
        on_true, on_false = draw(OPTIONAL_TEXT), draw(OPTIONAL_TEXT)
        choices = (Choice("正确", answer, 0.0, on_true), Choice("错误", not answer, 0.0, on_false))
        q = QuestionData(
            kind=kind, true_answer=answer, choices=choices if on_true or on_false else (), **common
        )
    elif kind == QuestionKind.FILL_BLANK:
        texts = draw(st.lists(TEXT, min_size=1, max_size=3, unique_by=normalise_text))
        weights = [1.0] + [draw(st.sampled_from([1.0, 0.5, 0.125, 0.0])) for _ in texts[1:]]
        answers = tuple(Answer(t, w, draw(OPTIONAL_TEXT)) for t, w in zip(texts, weights, strict=True))
        q = QuestionData(kind=kind, answers=answers, **common)
    elif kind == QuestionKind.NUMERIC:
        count = draw(st.integers(1, 3))
        answers = tuple(
            Answer(
                draw(st.sampled_from(["3.5", "-2", "0", "1e3", "12345", "0.1", "+7"])),
                1.0 if n == 0 else draw(st.sampled_from([1.0, 0.5, 1 / 3, 0.0])),
                draw(OPTIONAL_TEXT),
                draw(st.sampled_from([0.0, 0.5, 2.0, 0.1, 1e-5])),
            )
            for n in range(count)
        )
        q = QuestionData(kind=kind, answers=answers, **common)
    else:
        q = QuestionData(kind=kind, **common)
    assume(q.validate() == [])
    return q


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much], deadline=None)
@given(st.lists(canonical_questions(), min_size=1, max_size=4))
def test_export_then_parse_round_trips(questions):
    exported = gift.export(questions)
    result = gift.parse(exported)
    assert result.ok, (result.errors, exported)
    assert result.questions == questions
