"""Moodle XML import: the cases of Moodle's own tests (question/format/xml/tests), with our own data and
Moodle's result as the expected one, plus safety, encodings, refusals and the question limit."""

from pathlib import Path

import pytest

from quizzes.formats import MAX_BYTES, moodlexml
from quizzes.questiondata import Answer, Choice, QuestionKind

FIXTURES = Path(__file__).parent / "fixtures" / "moodlexml"


@pytest.fixture(autouse=True)
def _clear_caches():
    """Pure tests: shadow the root conftest's Django fixtures so they also run with `-p no:django`."""


@pytest.fixture(autouse=True)
def _media_root():
    """See `_clear_caches`."""


def quiz(*questions: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"
    ).encode()


def only(data: bytes):
    result = moodlexml.parse(data)
    assert result.ok, result.errors
    assert len(result.questions) == 1, result.questions
    return result.questions[0]


def errors(data: bytes) -> list[tuple[int, str]]:
    result = moodlexml.parse(data)
    assert not result.ok
    return [(e.line, e.message) for e in result.errors]


def notices(data: bytes) -> list[str]:
    return [n.message for n in moodlexml.parse(data).notices]


# -- Moodle's xmlformat_test cases, kind by kind ----------------------------------------------------

MULTICHOICE_19 = """  <question type="multichoice">
    <name><text>双数题</text></name>
    <questiontext format="html"><text>哪些是双数？</text></questiontext>
    <generalfeedback><text>双数是 2 和 4。</text></generalfeedback>
    <defaultgrade>2</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <single>false</single>
    <shuffleanswers>false</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <correctfeedback><text><![CDATA[<p>答对了。</p>]]></text></correctfeedback>
    <partiallycorrectfeedback><text><![CDATA[<p>部分正确。</p>]]></text></partiallycorrectfeedback>
    <incorrectfeedback><text><![CDATA[<p>答错了。</p>]]></text></incorrectfeedback>
    <shownumcorrect/>
    <answer fraction="0"><text>1</text><feedback><text></text></feedback></answer>
    <answer fraction="100"><text>2</text><feedback><text></text></feedback></answer>
    <answer fraction="0"><text>3</text><feedback><text></text></feedback></answer>
    <answer fraction="100"><text>4</text><feedback><text></text></feedback></answer>
    <hint><text>提示 1。</text></hint>
    <hint><text>提示 2。</text></hint>
  </question>"""


def test_multichoice_19_multiple_answers_hints_and_combined_feedback_ignored():
    q = only(quiz(MULTICHOICE_19))
    assert q.kind == QuestionKind.MULTIPLE
    assert (q.title, q.text, q.explanation) == ("双数题", "哪些是双数？", "双数是 2 和 4。")
    assert [(c.text, c.correct) for c in q.choices] == [("1", False), ("2", True), ("3", False), ("4", True)]
    # Moodle's fractions 1 and 1 (sum 200%) are not part marks: as GIFT, 100%/0% only say which are right.
    assert q.partial_credit is False
    assert all(c.weight == 0 for c in q.choices)


def test_multichoice_with_part_marks_keeps_moodle_fractions():
    q = only(
        quiz(
            """<question type="multichoice"><name><text>质数</text></name>
            <questiontext format="html"><text>选出质数</text></questiontext><single>false</single>
            <answer fraction="50"><text>2</text><feedback><text>是质数</text></feedback></answer>
            <answer fraction="50"><text>3</text></answer>
            <answer fraction="-100"><text>4</text></answer></question>"""
        )
    )
    assert q.partial_credit is True
    assert q.choices == (
        Choice("2", True, 0.5, "是质数"),
        Choice("3", True, 0.5, ""),
        Choice("4", False, -1.0, ""),
    )


def test_single_choice_with_partial_wrong_option_as_gift_does():
    q = only(
        quiz(
            """<question type="multichoice"><questiontext><text>选一个</text></questiontext>
            <single>true</single>
            <answer fraction="100"><text>甲</text></answer>
            <answer fraction="33.33333"><text>乙</text></answer>
            <answer fraction="0"><text>丙</text></answer></question>"""
        )
    )
    assert q.kind == QuestionKind.SINGLE and q.partial_credit is True
    assert [(c.correct, c.weight) for c in q.choices] == [(True, 0.0), (False, 0.3333333), (False, 0.0)]


def test_single_defaults_to_true_as_moodle():
    q = only(
        quiz(
            """<question type="multichoice"><questiontext><text>选一个</text></questiontext>
            <answer fraction="100"><text>甲</text></answer><answer fraction="0"><text>乙</text></answer>
            </question>"""
        )
    )
    assert q.kind == QuestionKind.SINGLE and q.partial_credit is False


def test_invalid_grades_fixture_refused_at_its_question_like_moodle():
    # Moodle's error_invalid_grades.xml: 33% is not one of Moodle's grades, the question is refused.
    result = moodlexml.parse((FIXTURES / "invalid_grades.xml").read_bytes())
    assert result.questions == []
    assert [(e.line, "33%" in e.message and "Moodle" in e.message) for e in result.errors] == [(4, True)]


def test_truefalse_19_feedback_for_each_answer():
    q = only(
        quiz(
            """  <question type="truefalse">
    <name><text>判断题</text></name>
    <questiontext format="html"><text>答案是“正确”。</text></questiontext>
    <generalfeedback><text>应该选正确。</text></generalfeedback>
    <answer fraction="100"><text>true</text><feedback><text>答得好！</text></feedback></answer>
    <answer fraction="0"><text>false</text><feedback><text>错了！</text></feedback></answer>
  </question>"""
        )
    )
    assert q.kind == QuestionKind.TRUE_FALSE and q.true_answer is True
    assert q.explanation == "应该选正确。"
    assert q.choices == (Choice("正确", True, 0.0, "答得好！"), Choice("错误", False, 0.0, "错了！"))


def test_truefalse_fixture_false_answer_html_images_and_category():
    result = moodlexml.parse((FIXTURES / "truefalse.xml").read_bytes())
    assert result.ok, result.errors
    first, second = result.questions
    assert (first.true_answer, first.category, first.title) == (
        False,
        "Default for 社区培训/判断",
        "扫码登记（错）",
    )
    assert first.text == "社区 登记可以不扫码。"
    assert first.explanation == "详见登记手册。"
    assert [c.feedback for c in first.choices] == ["不对，必须扫码。", "对。"]
    assert (second.true_answer, second.choices, second.source_line) == (True, (), 39)
    assert [n.message for n in result.notices] == ["第 11 行：图片未导入，只导入了文字"]


def test_truefalse_with_idnumber_and_old_translated_answer_words():
    data = quiz(
        """<question type="truefalse"><questiontext><text>老文件</text></questiontext>
        <idnumber>TestIdNum1</idnumber>
        <answer fraction="0"><text>Wahr</text></answer><answer fraction="100"><text>Falsch</text></answer>
        </question>"""
    )
    q = only(data)
    assert q.true_answer is False
    assert any("true/false" in n for n in notices(data))


SHORTANSWER_19 = """  <question type="shortanswer">
    <name><text>填空</text></name>
    <questiontext format="html"><text>填出序列中缺的：甲、________、丙。</text></questiontext>
    <generalfeedback><text>答案是乙。</text></generalfeedback>
    <usecase>0</usecase>
    <answer fraction="100" format="plain_text"><text>乙</text>
      <feedback><text>很好！</text></feedback></answer>
    <answer fraction="80" format="plain_text"><text>Z</text><feedback><text>差不多</text></feedback></answer>
    <answer fraction="0" format="plain_text"><text>*</text><feedback><text>不对！</text></feedback></answer>
    <hint><text>提示 1</text></hint>
  </question>"""


def test_shortanswer_19_weights_feedback_and_catch_all_noted():
    data = quiz(SHORTANSWER_19)
    q = only(data)
    assert q.kind == QuestionKind.FILL_BLANK
    assert q.answers == (Answer("乙", 1.0, "很好！"), Answer("Z", 0.8, "差不多"))
    assert q.accepted_answers == ("乙",)
    assert any("「*」" in n for n in notices(data))


def test_shortanswer_usecase_cannot_be_honoured_notice():
    data = quiz(SHORTANSWER_19.replace("<usecase>0</usecase>", "<usecase>1</usecase>"))
    assert only(data).kind == QuestionKind.FILL_BLANK
    assert any("区分大小写" in n for n in notices(data))


def test_shortanswer_catch_all_with_marks_refused():
    data = quiz(SHORTANSWER_19.replace('fraction="0" format="plain_text"><text>*', 'fraction="100"><text>*'))
    assert [line for line, _ in errors(data)] == [3]


NUMERICAL_19 = """  <question type="numerical">
    <name><text>数值题</text></name>
    <questiontext format="html"><text>答案是多少？</text></questiontext>
    <generalfeedback><text>想想《银河系漫游指南》。</text></generalfeedback>
    <answer fraction="100"><text>42</text><feedback><text>答得好！</text></feedback>
      <tolerance>0.001</tolerance></answer>
    <answer fraction="0"><text>13</text><feedback><text>你在想什么？！</text></feedback>
      <tolerance>1</tolerance></answer>
    <answer fraction="0"><text>*</text><feedback><text>完全错了。</text></feedback>
      <tolerance></tolerance></answer>
  </question>"""


def test_numerical_19_answers_tolerance_feedback():
    data = quiz(NUMERICAL_19)
    q = only(data)
    assert q.kind == QuestionKind.NUMERIC
    assert q.answers == (Answer("42", 1.0, "答得好！", 0.001), Answer("13", 0.0, "你在想什么？！", 1.0))
    assert q.explanation == "想想《银河系漫游指南》。"


def test_numerical_units_are_a_notice():
    data = quiz(
        NUMERICAL_19.replace(
            "</question>",
            "<units><unit><multiplier>1</multiplier><unit_name>米</unit_name></unit></units></question>",
        )
    )
    assert only(data).kind == QuestionKind.NUMERIC
    assert any("单位（米）" in n for n in notices(data))


def test_numerical_answer_that_is_not_a_number_refused_by_validation():
    data = quiz(NUMERICAL_19.replace("<text>42</text>", "<text>四十二</text>"))
    assert [line for line, _ in errors(data)] == [3]


ESSAY_21 = """  <question type="essay">
    <name><text>问答</text></name>
    <questiontext format="moodle_auto_format"><text>写点什么。</text></questiontext>
    <generalfeedback><text>希望你写了有意思的内容。</text></generalfeedback>
    <responseformat>monospaced</responseformat>
    <responserequired>0</responserequired>
    <responsefieldlines>42</responsefieldlines>
    <attachments>-1</attachments>
    <attachmentsrequired>1</attachmentsrequired>
    <graderinfo format="html"><text><![CDATA[<p>打分<b>宽松</b>一点！</p>]]></text></graderinfo>
    <responsetemplate format="html">
      <text><![CDATA[<p>这里有<b>很</b>有意思的东西。</p>]]></text></responsetemplate>
    <tags><tag><text>tagEssay</text></tag></tags>
  </question>"""


def test_essay_21_grader_info_becomes_marking_guide_template_and_attachments_noted():
    data = quiz(ESSAY_21)
    q = only(data)
    assert (q.kind, q.text, q.marking_guide) == (QuestionKind.ESSAY, "写点什么。", "打分宽松一点！")
    found = notices(data)
    assert any("作答模板" in n for n in found) and any("附件" in n for n in found)


def test_essay_20_without_options():
    q = only(
        quiz(
            """<question type="essay"><name><text>问答</text></name>
            <questiontext format="moodle_auto_format"><text>写点什么。</text></questiontext>
            <generalfeedback><text>好。</text></generalfeedback></question>"""
        )
    )
    assert (q.kind, q.marking_guide, q.explanation) == (QuestionKind.ESSAY, "", "好。")


MATCH_19 = """  <question type="matching">
    <name><text>匹配</text></name>
    <questiontext format="html"><text>大小写配对。</text></questiontext>
    <generalfeedback><text>A -> a, B -> b。</text></generalfeedback>
    <subquestion><text>A</text><answer><text>a</text></answer></subquestion>
    <subquestion><text>B</text><answer><text>b</text></answer></subquestion>
    <subquestion><text></text><answer><text>d</text></answer></subquestion>
  </question>"""


def test_match_19_mapped_as_gift_one_single_choice_per_pair_with_notice():
    data = quiz(MATCH_19)
    result = moodlexml.parse(data)
    assert result.ok, result.errors
    assert [(q.text, q.title) for q in result.questions] == [
        ("大小写配对。 — A", "匹配（1）"),
        ("大小写配对。 — B", "匹配（2）"),
    ]
    assert [c.text for c in result.questions[0].choices] == ["a", "b", "d"]
    assert [c.correct for c in result.questions[1].choices] == [False, True, False]
    assert any("拆成 2 道单选题" in n.message for n in result.notices)


def test_description_is_skipped_with_a_notice_like_a_non_question():
    data = quiz(
        """  <question type="description">
    <name><text>说明</text></name>
    <questiontext format="html"><text>下面几题关于登记。</text></questiontext>
  </question>""",
        MULTICHOICE_19,
    )
    result = moodlexml.parse(data)
    assert result.ok and len(result.questions) == 1
    assert result.notices[0].line == 3 and "说明文字" in result.notices[0].message


def test_cloze_and_calculated_refused_with_line_and_name():
    data = quiz(
        MULTICHOICE_19,
        """  <question type="cloze">
    <name><text>完形</text></name>
    <questiontext format="html"><text>{1:SHORTANSWER:=猫}</text></questiontext>
  </question>""",
        '<question type="calculated"><questiontext><text>x</text></questiontext></question>',
        '<question type="ddwtos"><questiontext><text>x</text></questiontext></question>',
        "<question><questiontext><text>x</text></questiontext></question>",
    )
    result = moodlexml.parse(data)
    assert [(e.line, e.message) for e in result.errors] == [
        (24, "第 24 行：不支持的题型「cloze」（完形填空题（嵌入式答案））"),
        (28, "第 28 行：不支持的题型「calculated」（计算题）"),
        (29, "第 29 行：不支持的题型「ddwtos」（拖放文字题）"),
        (30, "第 30 行：<question> 缺少 type 属性，无法判断题型"),
    ]
    assert len(result.questions) == 1


# -- categories (qformat_xml_import_export_test) ----------------------------------------------------


def tf(name: str) -> str:
    return f"""<question type="truefalse"><name><text>{name}</text></name>
    <questiontext format="html"><text><![CDATA[<p>Test {name}</p>]]></text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer></question>"""


def category(path: str, info: str = "") -> str:
    extra = f'<info format="markdown"><text>{info}</text></info><idnumber></idnumber>' if info else ""
    return f'<question type="category"><category><text>{path}</text></category>{extra}</question>'


def test_nested_categories_with_questions():
    data = quiz(
        category("$course$/Iota", "Iota 分类"),
        tf("Iota 题"),
        category("$course$/Iota/Kappa"),
        tf("Kappa 题"),
        category("$course$/top/Iota/Kappa/Lambda"),
        tf("Lambda 题"),
        category("$course$/Iota/Mu"),
        tf("Mu 题"),
    )
    result = moodlexml.parse(data)
    assert result.ok and not result.notices
    assert [(q.title, q.category) for q in result.questions] == [
        ("Iota 题", "Iota"),
        ("Kappa 题", "Iota/Kappa"),
        ("Lambda 题", "Iota/Kappa/Lambda"),
        ("Mu 题", "Iota/Mu"),
    ]


def test_categories_in_reverse_order_and_reset_to_top():
    data = quiz(category("$course$/Sigma/Tau"), tf("Tau 题"), category("$course$/Sigma"), tf("Sigma 题"))
    data += b""
    assert [q.category for q in moodlexml.parse(data).questions] == ["Sigma/Tau", "Sigma"]
    reset = quiz(category("$course$/A"), tf("一"), category("$course$/top"), tf("二"))
    assert [q.category for q in moodlexml.parse(reset).questions] == ["A", ""]


def test_old_category_without_text_element():
    data = quiz("<question type='category'><category>$course$/Pi</category></question>", tf("Pi 题"))
    assert only(data).category == "Pi"


# -- texts ----------------------------------------------------------------------------------------


def test_text_formats_html_markdown_plain_and_moodle_auto():
    def text(fmt: str, raw: str) -> str:
        return only(
            quiz(
                f"""<question type="essay"><questiontext format="{fmt}"><text><![CDATA[{raw}]]></text>
                </questiontext></question>"""
            )
        ).text

    assert text("html", "<p>第一段 &amp; <b>粗</b></p><p>第二段</p>") == "第一段 & 粗\n第二段"
    assert text("html", "一行<br>两行 &lt;b&gt;") == "一行\n两行 <b>"
    assert text("markdown", "**重要**：请*扫码*") == "重要：请扫码"
    assert text("plain_text", "<b>原样</b>") == "<b>原样</b>"
    assert text("moodle_auto_format", "原样 <i>x</i>") == "原样 <i>x</i>"


def test_html_table_and_pluginfile_image_are_noticed():
    data = quiz(
        """<question type="essay"><questiontext format="html"><text>
        <![CDATA[<p>看表</p><table><tr><td>1</td></tr></table>
        <img src="@@PLUGINFILE@@/a.png">]]></text></questiontext></question>"""
    )
    assert only(data).text == "看表\n1"
    assert notices(data) == ["第 3 行：表格、图片未导入，只导入了文字"]


def test_old_image_tag_noticed():
    data = quiz(
        """<question type="essay"><questiontext><text>看图</text></questiontext>
        <image>a.png</image><image_base64>iVBORw0KGgo=</image_base64></question>"""
    )
    assert only(data).text == "看图"
    assert notices(data) == ["第 3 行：图片未导入，只导入了文字"]


def test_cdata_split_around_end_marker_is_read_back():
    # xml_escape in Moodle splits "]]>" over two CDATA sections; the text is joined again.
    data = quiz(
        """<question type="essay"><questiontext format="plain_text">
        <text><![CDATA[if (x[[0]]]]><![CDATA[>a) print('哈');]]></text></questiontext></question>"""
    )
    assert only(data).text == "if (x[[0]]>a) print('哈');"


def test_name_missing_is_no_title():
    assert only(quiz(tf("x").replace("<name><text>x</text></name>", ""))).title == ""


def test_name_that_is_the_start_of_the_text_is_no_title():
    # What our export writes for a question without a title (Moodle needs a name); Moodle's own
    # default name is the start of the text too. The title shown would be the text anyway.
    assert (
        only(quiz(tf("x").replace("<name><text>x</text></name>", "<name><text>Test x</text></name>"))).title
        == ""
    )


# -- encodings ------------------------------------------------------------------------------------


def test_utf16_with_bom():
    data = quiz(tf("编码")).decode().encode("utf-16")
    data = data.replace('encoding="UTF-8"'.encode("utf-16-le"), 'encoding="UTF-16"'.encode("utf-16-le"))
    assert only(data).title == "编码"


def test_declared_gbk_is_decoded():
    data = quiz(tf("国标编码")).decode().replace("UTF-8", "GBK").encode("gbk")
    assert only(data).title == "国标编码"


def test_declared_windows_1252_is_decoded_by_expat():
    data = quiz(tf("Größe")).decode().replace("UTF-8", "windows-1252").encode("cp1252")
    assert only(data).title == "Größe"


def test_declared_gbk_but_not_gbk_refused():
    data = b'<?xml version="1.0" encoding="GBK"?>\n<quiz>\xff\xff\xff</quiz>'
    assert errors(data) == [
        (1, "第 1 行：文件声明的文字编码是「GBK」，但内容不是这种编码：请用 UTF-8 重新导出")
    ]


def test_str_input_is_accepted():
    assert only(quiz(tf("字符串")).decode()).title == "字符串"


# -- not Moodle XML, broken XML ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        "::标题:: 扫码吗？ {T}".encode(),
        b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        "题目,选项A\n1,2".encode(),
    ],
)
def test_not_xml_files_get_a_clear_message(data):
    assert errors(data) == [(0, moodlexml.NOT_XML.format(detail=""))]


def test_other_xml_root_refused():
    [(line, message)] = errors(b"<?xml version='1.0'?>\n<html><body/></html>")
    assert line == 2 and message.startswith("第 2 行：这不是 Moodle XML 文件（最外层是 <html>")


def test_truncated_file_reported_at_its_line_and_nothing_kept():
    data = quiz(tf("一"), tf("二"))[:-30]
    result = moodlexml.parse(data)
    assert result.questions == []
    [error] = result.errors
    assert "XML 格式错误" in error.message and error.line > 1


def test_too_large_refused_before_parsing():
    assert moodlexml.parse(b"<quiz>" + b" " * MAX_BYTES + b"</quiz>").errors[0].line == 0


# -- attacks: nothing imported, a clear message ------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<quiz><question type="essay"><questiontext><text>&lol3;</text></questiontext></question></quiz>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><questiontext><text>&xxe;</text></questiontext></question></quiz>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE quiz SYSTEM "http://example.org/evil.dtd">
<quiz><question type="essay"><questiontext><text>x</text></questiontext></question></quiz>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_dtd_entities_and_external_references_refused(data):
    result = moodlexml.parse(data)
    assert result.questions == []
    assert [(e.line, "出于安全原因不能导入" in e.message) for e in result.errors] == [(2, True)]


def test_undeclared_entity_is_a_syntax_error_not_a_lookup():
    data = quiz('<question type="essay"><questiontext><text>&xxe;</text></questiontext></question>')
    assert "XML 格式错误" in errors(data)[0][1]


# -- the question limit -----------------------------------------------------------------------------


def test_stops_at_the_question_after_the_limit():
    data = quiz(category("$course$/A"), *(tf(f"题{n}") for n in range(5)))
    result = moodlexml.parse(data, limit=3)
    assert result.questions == []
    [error] = result.errors
    assert "超过 3 道" in error.message
    lines = data.decode().splitlines()
    assert error.line == next(n for n, line in enumerate(lines, start=1) if "题3" in line)
    assert moodlexml.parse(data, limit=5).ok


def test_validation_problems_reported_at_the_question_line():
    data = quiz(
        tf("好"),
        '<question type="multichoice"><questiontext><text>空选项</text></questiontext>'
        '<answer fraction="100"><text>甲</text></answer>'
        '<answer fraction="0"><text>甲</text></answer></question>',
    )
    result = moodlexml.parse(data)
    assert len(result.questions) == 1
    assert [e.line for e in result.errors] == [7] and "重复" in result.errors[0].message


def test_question_without_answers_refused():
    data = quiz('<question type="shortanswer"><questiontext><text>x</text></questiontext></question>')
    assert errors(data) == [(3, "第 3 行：这道题没有任何答案（<answer>）")]


def test_empty_quiz():
    assert errors(quiz()) == [(0, "文件中没有找到任何题目")]
