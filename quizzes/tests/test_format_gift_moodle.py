"""Every case of Moodle's own GIFT tests (question/format/gift/tests/giftformat_test.php), in our words and
data, with Moodle's result as the expected one — or, where we cannot hold what Moodle keeps, the notice or
error that says so, at its line."""

import pytest

from quizzes.formats import MAX_QUESTIONS, gift
from quizzes.questiondata import Answer, Choice, QuestionData, QuestionKind


@pytest.fixture(autouse=True)
def _clear_caches():
    """Pure tests: shadow the root conftest's Django fixtures so they also run with `-p no:django`."""


@pytest.fixture(autouse=True)
def _media_root():
    """See `_clear_caches`."""


def read(source, **kwargs):
    result = gift.parse(source, **kwargs)
    assert result.ok, result.errors
    return result


def only(source):
    result = read(source)
    assert len(result.questions) == 1, result.questions
    return result.questions[0]


def notices(result):
    return [(n.line, n.message) for n in result.notices]


def round_trip(q):
    (back,) = read(gift.export([q])).questions
    assert back == q
    return gift.export([q])


# -- essay (test_import_essay, test_export_essay) ---------------------------------------------------


def test_import_essay():
    q = only("\n// 问答题\n::巡查::  说说你如何劝导拒绝扫码的居民。 {}")
    assert q == QuestionData(kind=QuestionKind.ESSAY, title="巡查", text="说说你如何劝导拒绝扫码的居民。")
    assert q.source_line == 3


def test_export_essay():
    q = QuestionData(kind=QuestionKind.ESSAY, title="巡查", text="说说你的做法。")
    assert "::巡查::说说你的做法。 {}" in round_trip(q)


def test_essay_general_feedback_round_trips_but_the_marking_guide_does_not():
    q = QuestionData(kind=QuestionKind.ESSAY, text="说说你的做法。", explanation="先倾听。")
    round_trip(q)
    with_guide = QuestionData(kind=QuestionKind.ESSAY, text="说说你的做法。", marking_guide="要点：倾听")
    (back,) = gift.parse(gift.export([with_guide])).questions
    assert back.marking_guide == ""  # GIFT has no field for it, in Moodle neither


# -- matching (test_import_match; test_export_match has no counterpart: we keep no matching kind) ------


def test_import_match_with_format_markers_is_split_in_single_choice_questions():
    result = read(
        "\n// question: 2  name: 工具\n::工具::[html]把<b>工具</b>和用途配对。{\n"
        "    =[html]登记<i>访客</i> -> 扫码登记\n"
        "    =[moodle]看<b>状态</b> -> 健康码\n"
        "    =[plain]上报事件 -> 网格通\n"
        "    =[markdown]**缴费** -> 物业 App\n"
        "    = -> 微信群\n"
        "}"
    )
    rights = ("扫码登记", "健康码", "网格通", "物业 App", "微信群")
    assert [(q.text, q.title, q.choices) for q in result.questions] == [
        ("把工具和用途配对。 — 登记访客", "工具（1）", tuple(Choice(r, r == "扫码登记") for r in rights)),
        ("把工具和用途配对。 — 看<b>状态</b>", "工具（2）", tuple(Choice(r, r == "健康码") for r in rights)),
        ("把工具和用途配对。 — 上报事件", "工具（3）", tuple(Choice(r, r == "网格通") for r in rights)),
        ("把工具和用途配对。 — 缴费", "工具（4）", tuple(Choice(r, r == "物业 App") for r in rights)),
    ]
    assert [q.source_line for q in result.questions] == [4, 5, 6, 7]
    assert notices(result) == [(3, "第 3 行：匹配题已拆成 4 道单选题（每个配对一道，选项是所有右边的内容）")]


# -- multiple choice (test_import_multichoice[_multi][_tricky], test_export_multichoice[_multi_tricky]) --


def test_import_multichoice_with_feedback_and_answer_formats():
    q = only(
        "\n// 单选，对错都有反馈\n::Q2:: 橙色和绿色之间是什么颜色？\n{\n"
        "    =黄色 # 对，很好！\n    ~红色 # [html]不对，是<b>黄色</b>\n    ~[plain]蓝色 # 不对，是黄色\n}"
    )
    assert q == QuestionData(
        kind=QuestionKind.SINGLE,
        title="Q2",
        text="橙色和绿色之间是什么颜色？",
        choices=(
            Choice("黄色", True, feedback="对，很好！"),
            Choice("红色", False, feedback="不对，是黄色"),
            Choice("蓝色", False, feedback="不对，是黄色"),
        ),
    )


def test_import_multichoice_multi():
    q = only(
        "::颜色:: 橙色和绿色之间是什么颜色？\n{\n    ~%50%黄色 # 对\n    ~%-100%红色 # [html]错\n"
        "    ~%50%米黄 # 对\n    ~%-100%[plain]蓝色 # 错\n}"
    )
    assert q.kind == QuestionKind.MULTIPLE and q.partial_credit
    assert q.choices == (
        Choice("黄色", True, 0.5, "对"),
        Choice("红色", False, -1.0, "错"),
        Choice("米黄", True, 0.5, "对"),
        Choice("蓝色", False, -1.0, "错"),
    )


def test_import_multichoice_multi_tricky():
    q = only("::颜色:: 哪个对？\n{\n    ~%100%黄色 # 对\n    ~%-50%红色 # 错\n    ~%-50%蓝色 # 错\n}")
    assert q.kind == QuestionKind.MULTIPLE and q.partial_credit
    assert [(c.text, c.correct, c.weight) for c in q.choices] == [
        ("黄色", True, 1.0),
        ("红色", False, -0.5),
        ("蓝色", False, -0.5),
    ]


def test_export_multichoice():
    q = QuestionData(
        kind=QuestionKind.SINGLE,
        title="Q8",
        text="哪个颜色？",
        choices=(Choice("黄色", True, feedback="对；很好！"), Choice("红色", False, feedback="不对: 是黄色")),
    )
    exported = round_trip(q)
    assert "::Q8::哪个颜色？ {\n\t=黄色#对；很好！\n\t~红色#不对\\: 是黄色\n}" in exported


def test_export_multichoice_multi_tricky():
    q = QuestionData(
        kind=QuestionKind.MULTIPLE,
        text="哪个颜色？",
        choices=(Choice("黄色", True, 1.0), Choice("红色", False, -0.5), Choice("蓝色", False, -0.5, "不对")),
        partial_credit=True,
    )
    assert "{\n\t~%100%黄色\n\t~%-50%红色\n\t~%-50%蓝色#不对\n}" in round_trip(q)


def test_weights_with_decimals_as_moodle_writes_thirds():
    q = only("Q {~%33.33333%a ~%33.33333%b ~%33.33334%c ~%-33.33333%d}")
    assert [c.weight for c in q.choices] == [0.3333333, 0.3333333, 0.3333334, -0.3333333]


# -- numerical (test_import_numerical, test_export_numerical) ------------------------------------------


def test_import_numerical_range_with_wrong_answer_feedback():
    result = read("\n// 范围\n::Q5:: 1 到 5 之间的一个数？ {#3:2~#完全不对}")
    (q,) = result.questions
    assert q == QuestionData(
        kind=QuestionKind.NUMERIC,
        title="Q5",
        text="1 到 5 之间的一个数？",
        answers=(Answer("3", 1.0, "", 2.0),),
    )
    # Moodle keeps "*" (any other number) with that feedback; we have no such answer, and say so.
    assert notices(result) == [(3, "第 3 行：数值题「其他答案」的反馈「完全不对」无法导入，已略去")]


def test_export_numerical():
    q = QuestionData(
        kind=QuestionKind.NUMERIC,
        title="Q5",
        text="1 到 5 之间的一个数？",
        answers=(Answer("3", 1.0, "", 2.0), Answer("3", 0.5, "差一点", 3.0)),
    )
    assert "::Q5::1 到 5 之间的一个数？ {#\n\t=%100%3:2\n\t=%50%3:3#差一点\n}" in round_trip(q)


@pytest.mark.parametrize(
    ("block", "answers"),
    [
        ("{#3.5}", (Answer("3.5"),)),
        ("{#3.5:0.5}", (Answer("3.5", tolerance=0.5),)),
        ("{#1..5}", (Answer("3", tolerance=2.0),)),
        ("{#-1.5..0.5}", (Answer("-0.5", tolerance=1.0),)),
        ("{#=%100%3:0 =%50%3:1#接近}", (Answer("3"), Answer("3", 0.5, "接近", 1.0))),
        (
            "{#\n=1822:0#对\n=%50%1822:2#差一点\n}",
            (Answer("1822", 1.0, "对"), Answer("1822", 0.5, "差一点", 2.0)),
        ),
        ("{#3 =4}", (Answer("3"), Answer("4"))),
    ],
)
def test_numerical_forms(block, answers):
    q = only("几？" + block)
    assert q.kind == QuestionKind.NUMERIC
    assert q.answers == answers


# -- short answer (test_import_shortanswer[_with_general_feedback], test_export_shortanswer[...]) --------


def test_import_shortanswer_with_weights_feedback_and_a_wildcard():
    result = read(
        "// question: 666  name: 热线\n::热线::便民热线是多少？{\n"
        "    =12345#好！\n    =%50%110#那是报警电话。\n    =%0%*#完全不对\n"
        "    ####[html]<p>便民热线是 <b>12345</b>。</p>\n}"
    )
    (q,) = result.questions
    assert q == QuestionData(
        kind=QuestionKind.FILL_BLANK,
        title="热线",
        text="便民热线是多少？",
        answers=(Answer("12345", 1.0, "好！"), Answer("110", 0.5, "那是报警电话。")),
        explanation="便民热线是 12345。",
    )
    # Moodle's "*" matches any answer; ours cannot, so the 0% catch-all and its feedback are reported.
    assert notices(result) == [(5, "第 5 行：填空题中带通配符「*」的 0 分答案「*」及其反馈无法导入，已略去")]


def test_export_shortanswer_with_general_feedback():
    q = QuestionData(
        kind=QuestionKind.FILL_BLANK,
        title="热线",
        text="便民热线是多少？",
        answers=(
            Answer("12345", 1.0, "好！"),
            Answer("110", 0.5, "那是报警电话。"),
            Answer("*", 0.0, "a->b"),
        ),
        explanation="便民热线是 12345。",
    )
    exported = round_trip(q)
    assert (
        "{\n\t=12345#好！\n\t=%50%110#那是报警电话。\n\t=%0%\\*#a-\\>b\n\t####便民热线是 12345。\n}"
        in exported
    )


# -- true/false (test_import_truefalse[_true_answer1/2], test_export_truefalse, ..._with_tags_and_idnumber)


def test_import_truefalse_feedback_goes_to_the_option_it_is_shown_for():
    q = only("\n// 判断\n::Q1:: 42 是一切的答案。{\nFALSE#42 是终极答案。#你答对了。}")
    assert q == QuestionData(
        kind=QuestionKind.TRUE_FALSE,
        title="Q1",
        text="42 是一切的答案。",
        true_answer=False,
        # Moodle: feedbacktrue = the first (wrong-answer) feedback, feedbackfalse = the second.
        choices=(
            Choice("正确", False, feedback="42 是终极答案。"),
            Choice("错误", True, feedback="你答对了。"),
        ),
    )


@pytest.mark.parametrize("answer", ["T", "TRUE"])
def test_import_truefalse_true(answer):
    q = only(f"// name 0-11\n::2-08 TSL::TSL 是一种协议。{{{answer}}}")
    assert (q.title, q.text, q.true_answer, q.choices) == ("2-08 TSL", "TSL 是一种协议。", True, ())


def test_export_truefalse_keeps_both_feedbacks_and_general_feedback():
    q = QuestionData(
        kind=QuestionKind.TRUE_FALSE,
        title="Q1",
        text="答案是对。",
        true_answer=True,
        choices=(Choice("正确", True, feedback="选对了。"), Choice("错误", False, feedback="选错了。")),
        explanation="应该选对。",
    )
    assert "::Q1::答案是对。 {TRUE#选错了。#选对了。####应该选对。}" in round_trip(q)
    only_right = QuestionData(
        kind=QuestionKind.TRUE_FALSE,
        text="Q",
        true_answer=False,
        choices=(Choice("正确", False), Choice("错误", True, feedback="对")),
    )
    assert "{FALSE##对}" in round_trip(only_right)


# -- backslashes (test_export_backslash, test_import_backslash) ----------------------------------------


def test_export_backslash():
    q = QuestionData(kind=QuestionKind.ESSAY, title="backslash", text="A \\ B \\\\ C")
    assert "::backslash::A \\\\ B \\\\\\\\ C {}" in round_trip(q)


def test_import_backslash():
    q = only("// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}")
    assert q.text == "A \\ B \\\\ C"


def test_moodle_escapes_exactly():
    q = only(r"::a\:b::\{x\} \~ \= \# \\ \n \q {=y\=1#f\#b}")
    assert q.title == "a:b"
    assert q.text == "{x} ~ = # \\ \n \\q"  # \q is no escape: Moodle keeps the backslash
    assert q.answers == (Answer("y=1", 1.0, "f#b"),)


# -- HTML with escaped braces (test_import_pre_content) ------------------------------------------------


def test_import_pre_content():
    q = only(
        "\n::Q001::[html]<p>运行这个方法会打印什么？</p>\n<pre>\n    public void test() \\{\n"
        "        method1();\n    \\}\n</pre>\n{}"
    )
    assert q.kind == QuestionKind.ESSAY
    assert q.text.startswith("运行这个方法会打印什么？\n")
    assert "public void test() {" in q.text and q.text.endswith("}")
    assert "<" not in q.text


# -- tags and idnumber in comments (test_import_question_with_tags, test_extract_idnumber_and_tags...) --


def test_import_question_with_tags_imports_the_question_and_reports_the_tags():
    result = read("\n// 测试标签 [tag:tag] [tag:other-tag].\n// 和编号 [id:myid].\n::名称:: 你好吗？ {}")
    assert [(q.title, q.text, q.kind) for q in result.questions] == [("名称", "你好吗？", QuestionKind.ESSAY)]
    assert notices(result) == [(2, "第 2 行：Moodle 的标签「[tag:…]」和编号「[id:…]」不会导入")]


# -- beyond Moodle's tests: what the brief and Moodle's format.php also say ----------------------------


def test_format_markers_on_text_answers_and_feedback():
    result = read(
        "::t::[html]<p>选 <b>黄色</b> &amp; 看图</p><img src='x.png'>{\n"
        "=[plain]<b>黄色</b>#[markdown]**很好**\n~红色#[moodle]*不对*\n~[html]蓝&lt;色\n}"
    )
    (q,) = result.questions
    assert q.text == "选 黄色 & 看图"
    assert q.choices == (
        Choice("<b>黄色</b>", True, feedback="很好"),
        Choice("红色", False, feedback="*不对*"),
        Choice("蓝<色", False),
    )
    assert notices(result) == [(1, "第 1 行：图片无法导入：题目只保存文字，已略去")]


def test_unknown_or_upper_case_markers_are_text_as_in_moodle():
    assert only("[HTML]<b>x</b> {T}").text == "[HTML]<b>x</b>"
    assert only("[note] x {T}").text == "[note] x"


def test_answers_default_to_the_question_texts_format():
    q = only("[html]<p>Q</p>{=a&amp;b ~c}")
    assert q.choices[0].text == "a&b"


def test_category_paths_as_moodle_strips_them():
    result = read(
        "$CATEGORY: $course$/top/Default/子类\n\n"
        "Q1 {T}\n\n$CATEGORY: $module$/top/测验\n\nQ2 {T}\n\n"
        "$CATEGORY: top/A\n\nQ3 {T}\n\n$CATEGORY: A/B\n\nQ4 {T}"
    )
    assert [q.category for q in result.questions] == ["Default/子类", "测验", "A", "A/B"]


def test_windows_line_endings():
    q = only(b"// c\r\n::t::Q\r\n{\r\n=a#\xe5\xa5\xbd\r\n~b\r\n}\r\n")
    assert (q.title, q.text, q.choices[0].feedback, q.source_line) == ("t", "Q", "好", 2)


def test_description_is_refused_with_its_line():
    result = gift.parse("Q {T}\n\n\n// 说明\n只是说明文字，没有答案块。")
    assert [(e.line, e.message) for e in result.errors] == [
        (5, "第 5 行：不支持说明文字（没有答案块「{…}」的段落）：请删除它或改成题目")
    ]


def test_wildcard_with_marks_is_refused():
    result = gift.parse("Q {\n=一二三*\n}")
    assert result.errors[0].line == 2 and "不支持通配符" in result.errors[0].message


# -- the question limit ------------------------------------------------------------------------------


def many(count):
    return "\n\n".join(f"Q{i} {{T}}" for i in range(count))


def test_parsing_stops_at_the_question_after_the_limit():
    result = gift.parse(many(MAX_QUESTIONS + 50))
    assert not result.ok
    assert [(e.line, e.message) for e in result.errors] == [
        (2001, "第 2001 行：文件中的题目超过 1000 道：一次最多导入 1000 道，请拆分成几个文件分批导入")
    ]
    assert read(many(MAX_QUESTIONS)).questions[-1].text == "Q999"


def test_limit_none_reads_everything_and_a_custom_limit_counts_split_matching():
    assert len(read(many(MAX_QUESTIONS + 50), limit=None).questions) == MAX_QUESTIONS + 50
    result = gift.parse("Q {=a -> 1 =b -> 2 =c -> 3}", limit=2)
    assert [e.message for e in result.errors] == [
        "第 1 行：文件中的题目超过 2 道：一次最多导入 2 道，请拆分成几个文件分批导入"
    ]
