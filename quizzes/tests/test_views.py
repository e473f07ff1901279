import json

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import AttemptAnswer, QuizAttempt
from tests.factories import make_course, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    course = make_course("测验课程")
    questions = [
        make_question("访客扫码后看到什么？", kind="single"),
        make_question("可以把身份证照片发到群里。", kind="true_false", true_answer=False),
        make_question("访客登记用什么？", kind="fill_blank"),
        make_question("正确顺序是？", kind="ordering"),
        make_question("点击访客登记", kind="hotspot"),
    ]
    return make_quiz(course, questions, shuffle_options=False)


@pytest.fixture
def learner(client):
    user = make_user("quiz-learner")
    client.force_login(user)
    return user


def begin(client, quiz):
    response = client.post(reverse("quizzes:start", args=(quiz.pk,)))
    assert response.status_code == 302
    return QuizAttempt.objects.get(), response["Location"]


def q_url(attempt, n):
    return reverse("quizzes:question", args=(attempt.uuid, n))


def test_quiz_page_explains_the_rules_and_starts(client, learner, quiz):
    html = client.get(quiz.url).content.decode()
    assert "及格线：60%" in html and "开始测验" in html
    attempt, location = begin(client, quiz)
    assert location == q_url(attempt, 1)
    assert "继续测验" in client.get(quiz.url).content.decode()


def test_question_page_never_leaks_the_answer_key(client, learner, quiz):
    attempt, _ = begin(client, quiz)
    html = client.get(q_url(attempt, 1)).content.decode()
    assert "第 1 题，共 5 题" in html and 'type="radio"' in html
    assert "correct" not in html and "因为这样做最安全" not in html
    hotspot = client.get(q_url(attempt, 5)).content.decode()
    assert 'type="image"' in hotspot and "0.3" not in hotspot


def test_answers_survive_reload_and_the_whole_journey_grades(client, learner, quiz):
    attempt, _ = begin(client, quiz)
    assert client.post(q_url(attempt, 1), {"choice": "0", "action": "next"})["Location"] == q_url(attempt, 2)
    assert 'value="0" checked' in client.get(q_url(attempt, 1)).content.decode()
    client.post(q_url(attempt, 2), {"answer": "false", "action": "next"})
    # autosave, as the page's script sends it
    response = client.post(
        q_url(attempt, 3), {"answer": "二维码", "action": "save"}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert json.loads(response.content) == {"saved": True, "error": None}
    # ordering: each row shown gets its step's right place (rows follow the attempt's shuffle)
    shown = attempt.questions[3]["option_order"]
    client.post(
        q_url(attempt, 4),
        {**{f"row-{row}": str(step + 1) for row, step in enumerate(shown)}, "action": "next"},
    )
    # no JavaScript: the tapped pixel on a 320 px wide picture of a 400x800 image
    client.post(q_url(attempt, 5), {"tap.x": "64", "tap.y": "128", "action": "finish"})
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 5
    summary = client.get(reverse("quizzes:submit", args=(attempt.uuid,))).content.decode()
    assert "每道题都已作答" in summary
    response = client.post(reverse("quizzes:submit", args=(attempt.uuid,)))
    assert response["Location"] == reverse("quizzes:result", args=(attempt.uuid,))
    attempt.refresh_from_db()
    assert attempt.percent == 100 and attempt.passed
    result = client.get(response["Location"]).content.decode()
    assert "100%" in result and "因为这样做最安全" in result


def test_duplicate_positions_in_ordering_get_a_clear_error(client, learner, quiz):
    attempt, _ = begin(client, quiz)
    response = client.post(q_url(attempt, 4), {"row-0": "1", "row-1": "1", "row-2": "3"})
    assert response.status_code == 400
    assert "无法识别这个答案" in response.content.decode()
    assert not AttemptAnswer.objects.exists()


def test_double_submit_gives_one_result(client, learner, quiz):
    attempt, _ = begin(client, quiz)
    client.post(q_url(attempt, 1), {"choice": "0"})
    first = client.post(reverse("quizzes:submit", args=(attempt.uuid,)))
    second = client.post(reverse("quizzes:submit", args=(attempt.uuid,)))
    assert first["Location"] == second["Location"]
    attempt.refresh_from_db()
    assert attempt.state == "submitted" and attempt.percent == 20
    # saving after submitting is refused and the score stays
    autosave = client.post(q_url(attempt, 2), {"answer": "false"}, HTTP_X_REQUESTED_WITH="fetch")
    assert autosave.status_code == 409
    attempt.refresh_from_db()
    assert attempt.percent == 20


def test_another_learner_cannot_see_or_touch_my_attempt(client, learner, quiz):
    attempt, _ = begin(client, quiz)
    intruder = Client()
    intruder.force_login(make_user("intruder"))
    for url in (q_url(attempt, 1), reverse("quizzes:submit", args=(attempt.uuid,))):
        assert intruder.get(url).status_code == 404
        assert intruder.post(url, {"choice": "0"}).status_code == 404
    assert intruder.get(reverse("quizzes:result", args=(attempt.uuid,))).status_code == 404
    assert not AttemptAnswer.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, quiz):
    response = client.post(reverse("quizzes:start", args=(quiz.pk,)))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_feedback_never_shows_only_the_score(client, learner, quiz):
    quiz.feedback_mode = "never"
    quiz.save_revision().publish()
    attempt, _ = begin(client, quiz)
    client.post(q_url(attempt, 1), {"choice": "1"})
    client.post(reverse("quizzes:submit", args=(attempt.uuid,)))
    html = client.get(reverse("quizzes:result", args=(attempt.uuid,))).content.decode()
    assert "0%" in html and "因为这样做最安全" not in html and "正确答案" not in html


def test_feedback_after_each_question_locks_the_checked_answer(client, learner, quiz):
    quiz.feedback_mode = "each"
    quiz.save_revision().publish()
    attempt, _ = begin(client, quiz)
    html = client.post(q_url(attempt, 1), {"choice": "1", "action": "check"}, follow=True).content.decode()
    assert "还不对" in html and "登记成功页面" in html and "因为这样做最安全" in html
    locked = client.post(q_url(attempt, 1), {"choice": "0", "action": "save"}, HTTP_X_REQUESTED_WITH="fetch")
    assert locked.status_code == 400
    assert AttemptAnswer.objects.get(position=0).response == 1


def test_attempts_run_out(client, learner, quiz):
    quiz.attempts_allowed = 1
    quiz.save_revision().publish()
    attempt, _ = begin(client, quiz)
    client.post(reverse("quizzes:submit", args=(attempt.uuid,)))
    response = client.post(reverse("quizzes:start", args=(quiz.pk,)), follow=True)
    assert "已经用完" in response.content.decode()
    assert QuizAttempt.objects.count() == 1


def submit_with(client, quiz, answers: dict[int, dict]):
    attempt, _ = begin(client, quiz)
    for number, data in answers.items():
        client.post(q_url(attempt, number), data)
    client.post(reverse("quizzes:submit", args=(attempt.uuid,)))
    attempt.refresh_from_db()
    return attempt


def test_try_again_on_the_result_starts_the_next_attempt_at_once(client, learner, quiz):
    quiz.attempts_allowed = 2
    quiz.save_revision().publish()
    first = submit_with(client, quiz, {1: {"choice": "1"}})
    html = client.get(reverse("quizzes:result", args=(first.uuid,))).content.decode()
    form = f'<form method="post" action="{reverse("quizzes:start", args=(quiz.pk,))}">'
    assert form in html and "csrfmiddlewaretoken" in html
    response = client.post(reverse("quizzes:start", args=(quiz.pk,)))
    second = QuizAttempt.objects.get(number=2)
    assert response["Location"] == q_url(second, 1)  # straight to the first question
    client.post(reverse("quizzes:submit", args=(second.uuid,)))
    # no attempt left: no "try again", the way back to the quiz instead
    html = client.get(reverse("quizzes:result", args=(second.uuid,))).content.decode()
    assert form not in html and f'href="{quiz.url}"' in html


def test_the_score_is_rounded_half_up_to_one_decimal(client, learner):
    course = make_course("三题")
    questions = [make_question(f"第 {n} 题") for n in range(3)]
    three = make_quiz(course, questions, shuffle_options=False, shuffle_questions=False)
    attempt = submit_with(client, three, {1: {"choice": "0"}, 2: {"choice": "0"}, 3: {"choice": "1"}})
    assert attempt.percent == 66  # what the pass mark is compared with
    html = client.get(reverse("quizzes:result", args=(attempt.uuid,))).content.decode()
    assert '<p class="result-box__score">66.7%</p>' in html
    assert "66.7%" in client.get(three.url).content.decode()  # the quiz page's list of attempts


def test_the_review_shows_the_tap_on_the_screenshot_and_the_right_area(client, learner, quiz):
    attempt = submit_with(client, quiz, {5: {"tap.x": "288", "tap.y": "600"}})  # far from the area
    html = client.get(reverse("quizzes:result", args=(attempt.uuid,))).content.decode()
    assert 'class="hotspot__image hotspot__image--review"' in html
    # the trainer's area: x 0.1, y 0.1, w 0.3, h 0.2 of the picture
    assert 'style="left: 10.00%; top: 10.00%; width: 30.00%; height: 20.00%"' in html
    assert 'class="hotspot__marker hotspot__marker--review" style="left: 90.00%; top: 93.75%"' in html


def test_a_question_whose_picture_file_is_gone_still_shows(client, learner, quiz):
    """A screenshot missing from the media storage (a server without the shared volume, a restore without
    media) is logged and left out: the learner still gets the question, not a server error."""
    attempt, _ = begin(client, quiz)
    from quizzes.models import Question

    image = Question.objects.exclude(image=None).get().image
    image.renditions.all().delete()
    image.file.storage.delete(image.file.name)
    response = client.get(q_url(attempt, 5))
    assert response.status_code == 200
    assert "点击访客登记" in response.content.decode()
