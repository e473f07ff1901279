"""Moodle's own Aiken tests, reproduced: question/format/aiken/tests/aikenformat_test.php (its fixture
tests/fixtures/aiken_errors.txt, with the third question its newer version adds) and the Behat import of
tests/fixtures/questions.aiken.txt. The fixtures below are written out again here; the expected results
are Moodle's. Where Moodle names the line of the *next* question for an unfinished one, we name the
unfinished question's own line (the preview lists problems by where to fix them); both are line numbers.
"""

import pytest

from quizzes.formats import MAX_QUESTIONS, aiken
from quizzes.questiondata import Choice


@pytest.fixture(autouse=True)
def _clear_caches():
    """Pure tests: shadow the root conftest's Django fixtures."""


@pytest.fixture(autouse=True)
def _media_root():
    """See `_clear_caches`."""


# Line numbers on the right; Moodle's expected errors are on lines 3, 5, 7, (14→)18.
AIKEN_ERRORS = "\n".join(
    [
        "A question with too few answers",  # 1
        "A) Only answer",  # 2
        "ANSWER: A",  # 3   Moodle: "Question must have at least 2 answers on line 3"
        "",  # 4
        "A) Question not started",  # 5   Moodle: "Question not started on line 5"
        "",  # 6
        "ANSWER: Question not started",  # 7   Moodle: "Question not started on line 7"
        "",  # 8
        "A good question",  # 9
        "A) Correct",  # 10
        "B) Incorrect",  # 11
        "ANSWER: A",  # 12
        "",  # 13
        "A question started but not finished",  # 14  Moodle: "not completed before next question start
        "A) Correct-ish",  # 15                      on line 18"
        "B) Incorrect-ish",  # 16
        "",  # 17
        "A second good question",  # 18
        "A)Incorrect (No space)",  # 19
        "B)Correct (No space)",  # 20
        "ANSWER: B",  # 21
        "",  # 22
        "A third good question with HTML chars such as > < &",  # 23
        "A) Correct (< > &)",  # 24
        "B) Incorrect (< > &)",  # 25
        "ANSWER: A",  # 26
    ]
)


def test_moodle_aiken_errors_fixture_gives_moodles_three_questions():
    result = aiken.parse(AIKEN_ERRORS)
    first, second, third = result.questions
    assert first.text == "A good question"
    assert first.choices == (Choice("Correct", True), Choice("Incorrect", False))
    assert second.text == "A second good question"
    assert second.choices == (Choice("Incorrect (No space)", False), Choice("Correct (No space)", True))
    # Moodle stores HTML and escapes them (&lt; &gt; &amp;); questions here hold plain text, as typed.
    assert third.text == "A third good question with HTML chars such as > < &"
    assert third.choices == (Choice("Correct (< > &)", True), Choice("Incorrect (< > &)", False))


def test_moodle_aiken_errors_fixture_gives_moodles_errors_with_their_lines():
    errors = aiken.parse(AIKEN_ERRORS).errors
    assert [error.line for error in errors] == [1, 5, 7, 14]
    too_few, option_alone, answer_alone, unfinished = (error.message for error in errors)
    assert "至少需要 2 个选项" in too_few
    assert "选项前面没有题目" in option_alone
    assert "答案行前面没有题目" in answer_alone
    assert "缺少答案行" in unfinished
    assert all(error.message.startswith(f"第 {error.line} 行：") for error in errors)


def test_moodle_behat_fixture_imports_both_questions():
    result = aiken.parse(
        "The Moodle project was started by:\n"
        "A) Petr Skoda\nB) Martin Dougiamas\nC) Eloy Lafuente\nD) Tim Hunt\nANSWER: B\n\n"
        'Moodle\'s abilities include handling user input that includes <html class="cool"> & images:\n'
        "A) True\nB) False\nANSWER: A\n"
    )
    assert result.ok, result.errors
    first, second = result.questions
    assert first.text == "The Moodle project was started by:"
    assert first.correct_indexes() == {1} and len(first.choices) == 4
    assert second.text.endswith('<html class="cool"> & images:')
    assert second.correct_indexes() == {0}


def test_a_question_line_then_a_blank_line_then_a_question_is_an_error_not_one_question():
    result = aiken.parse("Lonely question line\n\nA real question\nA. yes\nB. no\nANSWER: A\n")
    assert [q.text for q in result.questions] == ["A real question"]
    assert [(e.line, "没有选项和答案行" in e.message) for e in result.errors] == [(1, True)]


def test_a_question_line_alone_at_the_end_is_an_error():
    result = aiken.parse("Q\nA. x\nB. y\nANSWER: A\n\nForgotten question\n")
    assert len(result.questions) == 1
    assert [(e.line, "没有选项和答案行" in e.message) for e in result.errors] == [(6, True)]


def test_blank_lines_between_a_question_and_its_options_are_allowed_as_in_moodle():
    result = aiken.parse("Q\n\nA. x\n\nB. y\n\nANSWER: B\n")
    assert result.ok, result.errors
    assert result.questions[0].correct_indexes() == {1}


def test_an_option_after_a_finished_question_is_not_started():
    result = aiken.parse("Q\nA. x\nB. y\nANSWER: A\nC. late option\n")
    assert len(result.questions) == 1
    assert [(e.line, "选项前面没有题目" in e.message) for e in result.errors] == [(5, True)]


def test_moodle_single_answer_letter_lowercase_and_multiple_letters():
    # Moodle reads only the first letter of "ANSWER: AB"; we refuse it rather than guess (line kept).
    result = aiken.parse("Q\nA. x\nB. y\nANSWER: AB\n")
    assert [e.line for e in result.errors] == [4]


def test_reading_stops_at_the_question_after_the_limit():
    one = "Q{n}\nA. x\nB. y\nANSWER: A\n\n"
    text = "".join(one.format(n=n) for n in range(MAX_QUESTIONS + 500))
    result = aiken.parse(text)
    assert len(result.questions) == MAX_QUESTIONS
    (error,) = result.errors
    assert error.line == MAX_QUESTIONS * 5 + 1
    assert f"超过 {MAX_QUESTIONS} 道" in error.message


def test_exactly_the_limit_is_fine():
    text = "".join(f"Q{n}\nA. x\nB. y\nANSWER: A\n\n" for n in range(MAX_QUESTIONS))
    result = aiken.parse(text)
    assert result.ok and len(result.questions) == MAX_QUESTIONS
