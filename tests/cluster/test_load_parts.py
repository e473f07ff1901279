"""The cluster load's parts that run without Locust or a cluster: reading pages, the logs, the people
queue, the seed's answer key and the checker (tests/cluster/check_acks.py) — its logic against a
fake database, and once against the real one through the app's own quiz, lesson and certificate views."""

import json
import time
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from tests.cluster import check_acks, journeys
from tests.cluster.check_acks import AnswerFacts, AttemptFacts, Database, check, read_acks

# -- reading pages --------------------------------------------------------------------------------


def test_csrf_token_and_continue_link_are_read_from_the_page():
    page = (
        '<form><input type="hidden" name="csrfmiddlewaretoken" value="abc&amp;123"></form>'
        '<section class="panel continue" aria-labelledby="continue-heading"><h2>继续</h2>'
        '<a class="button button--primary button--wide" href="/courses/a/b/">继续学习</a></section>'
    )
    assert journeys.csrf_token(page) == "abc&123"
    assert journeys.continue_link(page) == "/courses/a/b/"
    assert journeys.continue_link("<p>nothing to continue</p>") is None


def test_ordering_rows_get_the_place_of_the_step_they_show():
    answer = {"kind": "ordering", "fields": {}, "steps": ["打开小程序", "点击登记", "填写 &信息"]}
    page = (
        '<label class="ordering__label" for="row-0">点击登记</label>'
        '<label class="ordering__label" for="row-1">填写 &amp;信息</label>'
        '<label class="ordering__label" for="row-2">打开小程序</label>'
    )
    assert journeys.answer_fields(answer, page) == {"row-0": ["2"], "row-1": ["3"], "row-2": ["1"]}


def test_other_answers_are_posted_as_the_key_gives_them_and_a_wrong_first_try_differs():
    single = {"kind": "single", "fields": {"choice": ["1"]}}
    assert journeys.answer_fields(single, "") == {"choice": ["1"]}
    assert journeys.wrong_fields(single) == {"choice": ["0"]}
    assert journeys.wrong_fields({"kind": "true_false", "fields": {"answer": ["false"]}}) == {
        "answer": ["true"]
    }
    assert journeys.wrong_fields({"kind": "multiple", "fields": {"choice": ["0", "1"]}}) is None


def test_the_admin_edit_form_is_read_as_a_browser_sends_it():
    page = (
        '<form id="other"><input name="x" value="no"></form>'
        '<form id="page-edit-form"><input type="hidden" name="csrfmiddlewaretoken" value="t">'
        '<input type="text" name="title" value="发布演练 1"><input type="checkbox" name="required" checked>'
        '<input type="checkbox" name="show_in_menus"><textarea name="search_description">\n说明</textarea>'
        '<select name="kind"><option value="a">A</option><option value="b" selected>B</option></select>'
        '<select name="level"><option value="1">1</option></select>'
        '<button type="submit" name="action-publish" value="action-publish">发布</button></form>'
    )
    assert journeys.form_fields(page, "page-edit-form") == [
        ("csrfmiddlewaretoken", "t"),
        ("title", "发布演练 1"),
        ("required", "on"),
        ("search_description", "说明"),
        ("kind", "b"),
        ("level", "1"),
    ]
    body = journeys.paragraph_body("第 2 版")
    assert body["body-count"] == "1" and body["body-0-type"] == "paragraph"
    assert json.loads(body["body-0-value"])["blocks"][0]["text"] == "第 2 版"


def test_another_learners_name_on_a_page_is_found():
    page = "<p>压测学员00001</p><p>压测学员00002 and 压测学员00002</p>"
    assert journeys.other_people(page, "压测学员", "压测学员00001") == ["压测学员00002"]
    assert journeys.other_people("<p>压测学员00001</p>", "压测学员", "压测学员00001") == []


def test_another_learners_mark_on_a_page_is_found():
    page = '<div data-learner="7">…</div><form data-learner="9">'
    assert journeys.other_learner_marks(page, 7) == [9]
    assert journeys.other_learner_marks('<div data-learner="7">', 7) == []
    assert journeys.other_learner_marks("<p>a page with no mark</p>", 7) == []


def test_only_a_save_answered_saved_true_is_acknowledged():
    assert journeys.saved(200, '{"saved": true, "error": null}')
    assert not journeys.saved(200, '{"saved": false, "error": "x"}')
    assert not journeys.saved(200, "<html>sign in</html>")
    assert not journeys.saved(409, '{"saved": false, "closed": true}')


def test_a_redirect_to_the_sign_in_page_means_the_session_is_gone():
    assert journeys.is_sign_in_redirect(302, "/accounts/login/?next=/my/")
    assert not journeys.is_sign_in_redirect(302, "/my/")
    assert not journeys.is_sign_in_redirect(200, "/accounts/login/")


def test_the_sms_code_is_the_latest_sent_to_that_number_after_asking(tmp_path):
    outbox = tmp_path / "sms-outbox.jsonl"
    now = time.time()

    def line(mobile, code, at):
        from datetime import UTC, datetime

        sent = datetime.fromtimestamp(at, UTC).isoformat()
        return json.dumps(
            {"sent_at": sent, "mobile": mobile, "text": f"验证码是 {code}", "params": {"code": code}}
        )

    outbox.write_text(
        "\n".join([line("19900000001", "111111", now - 100), line("19900000002", "222222", now), "{cut"])
        + "\n"
    )
    assert journeys.sms_code(outbox, "19900000002", now - 0.5) == "222222"
    assert journeys.sms_code(outbox, "19900000001", now - 0.5) is None  # only an old one
    assert journeys.sms_code(tmp_path / "none.jsonl", "19900000001", now) is None


def test_logs_append_one_line_per_record(tmp_path):
    logs = journeys.Logs(tmp_path, pid=7)
    logs.request("lesson", 200, 12.345)
    logs.ack("completion", user=1, lesson=2)
    requests = [json.loads(x) for x in (tmp_path / "requests-7.jsonl").read_text().splitlines()]
    acks = [json.loads(x) for x in (tmp_path / "acks" / "7.jsonl").read_text().splitlines()]
    assert requests[0]["step"] == "lesson" and requests[0]["status"] == 200 and requests[0]["ms"] == 12.3
    assert acks[0]["kind"] == "completion" and acks[0]["lesson"] == 2 and "t" in acks[0]


def test_people_are_handed_out_once_at_a_time_and_shared_between_processes():
    data = {"learners": [{"id": n} for n in range(6)], "trainers": [], "managers": []}
    people = journeys.People(data)
    first, second = people.take("learner"), people.take("learner")
    assert first != second
    people.give_back("learner", first)
    assert [people.take("learner")["id"] for _ in range(5)] == [2, 3, 4, 5, 0]
    assert people.take("learner") is None
    assert people.take("trainer") is None
    halves = [journeys.People(data, index, 2) for index in (0, 1)]
    ids = [{p["id"] for p in half.free["learner"]} for half in halves]
    assert ids[0] | ids[1] == set(range(6)) and not ids[0] & ids[1]


# -- the checker's logic ----------------------------------------------------------------------------


class FakeDatabase(Database):
    def __init__(self):
        self.completions = {}
        self.answers = {}
        self.attempts = {}
        self.certs = {}

    def completion_rows(self, user, lesson):
        return self.completions.get((user, lesson), (0, 0))

    def attempt(self, uuid, load_began):
        return self.attempts.get(uuid)

    def answer(self, uuid, position):
        return self.answers.get((uuid, position), AnswerFacts(rows=0))

    def expected_value(self, uuid, position, fields):
        return int(fields["choice"][0])

    def certificates(self, user, course):
        return self.certs.get((user, course), (0, 0))


def _records():
    return [
        {"t": 1, "kind": "completion", "user": 1, "lesson": 10},
        {"t": 2, "kind": "answer", "user": 1, "attempt": "a", "position": 0, "fields": {"choice": ["1"]}},
        {"t": 3, "kind": "answer", "user": 1, "attempt": "a", "position": 0, "fields": {"choice": ["2"]}},
        {"t": 4, "kind": "submit", "user": 1, "attempt": "a"},
        {"t": 5, "kind": "certificate", "user": 1, "course": 9},
    ]


def _good_database():
    db = FakeDatabase()
    db.completions[(1, 10)] = (1, 1)
    db.answers[("a", 0)] = AnswerFacts(rows=1, value=2, saves=2)
    db.attempts["a"] = AttemptFacts(closed=True, scored=True, gradings=1)
    db.certs[(1, 9)] = (1, 1)
    return db


def test_every_acknowledged_write_found_once_is_a_clean_report():
    summary = check(_records(), _good_database()).summary()
    assert summary["checked"] == 4
    assert (summary["lost"], summary["duplicates"], summary["cross_user"]) == (0, 0, 0)


@pytest.mark.parametrize(
    ("spoil", "lost", "duplicates"),
    [
        (lambda db: db.completions.update({(1, 10): (1, 0)}), 1, 0),  # a row, not completed
        (
            lambda db: db.answers.update({("a", 0): AnswerFacts(rows=1, value=1, saves=2)}),
            1,
            0,
        ),  # earlier value
        (lambda db: db.answers.update({("a", 0): AnswerFacts(rows=0)}), 1, 0),
        (
            lambda db: db.answers.update({("a", 0): AnswerFacts(rows=1, value=2, saves=1)}),
            1,
            0,
        ),  # a save lost
        (
            lambda db: db.answers.update({("a", 0): AnswerFacts(rows=1, value=2, saves=3)}),
            0,
            1,
        ),  # applied twice
        (lambda db: db.attempts.update({"a": AttemptFacts(closed=False, scored=False, gradings=0)}), 1, 0),
        (lambda db: db.attempts.update({"a": AttemptFacts(closed=True, scored=True, gradings=2)}), 0, 1),
        (lambda db: db.certs.update({(1, 9): (2, 1)}), 0, 1),
        (lambda db: db.certs.update({(1, 9): (0, 1)}), 1, 0),
    ],
)
def test_a_lost_or_doubled_write_is_counted(spoil, lost, duplicates):
    db = _good_database()
    spoil(db)
    summary = check(_records(), db).summary()
    assert (summary["lost"], summary["duplicates"]) == (lost, duplicates)


def test_a_save_with_no_answer_after_the_last_acknowledged_one_may_have_been_applied():
    records = [
        *_records(),
        {
            "t": 3.5,
            "kind": "answer-unsure",
            "user": 1,
            "attempt": "a",
            "position": 0,
            "fields": {"choice": ["0"]},
        },
    ]
    db = _good_database()
    db.answers[("a", 0)] = AnswerFacts(rows=1, value=0, saves=3)
    summary = check(records, db).summary()
    assert (summary["lost"], summary["duplicates"]) == (0, 0)
    db.answers[("a", 0)] = AnswerFacts(rows=1, value=2, saves=4)  # more saves than were ever sent
    assert check(records, db).summary()["duplicates"] == 1


def test_a_save_in_flight_when_the_load_stopped_may_have_been_applied():
    """Every save is logged as sent before it goes; one with no outcome logged (Locust stopped the user
    with the request in flight) may be in the database, once, but not twice."""
    sent = [
        {"t": 0.5 + n, "kind": "answer-sent", "user": 1, "attempt": "a", "position": 0, "fields": fields}
        for n, fields in enumerate([{"choice": ["1"]}, {"choice": ["2"]}])
    ]
    in_flight = {
        "t": 3.6,
        "kind": "answer-sent",
        "user": 1,
        "attempt": "a",
        "position": 0,
        "fields": {"choice": ["0"]},
    }
    records = sorted([*_records(), *sent, in_flight], key=lambda record: record["t"])
    db = _good_database()
    db.answers[("a", 0)] = AnswerFacts(rows=1, value=0, saves=3)
    summary = check(records, db).summary()
    assert (summary["lost"], summary["duplicates"]) == (0, 0)
    db.answers[("a", 0)] = AnswerFacts(rows=1, value=0, saves=4)
    assert check(records, db).summary()["duplicates"] == 1


def test_attempts_begun_before_the_load_are_not_held_to_the_save_count():
    db = _good_database()
    db.attempts["a"] = AttemptFacts(closed=True, scored=True, gradings=1, started_before_load=True)
    db.answers[("a", 0)] = AnswerFacts(rows=1, value=2, saves=9)
    assert check(_records(), db).summary()["duplicates"] == 0


def test_cross_user_pages_are_counted_and_broken_lines_skipped(tmp_path):
    (tmp_path / "acks").mkdir()
    lines = [
        json.dumps(
            {
                "t": 1,
                "kind": "cross-user",
                "step": "lesson",
                "expected": "压测学员00001",
                "found": "压测学员00002",
            }
        ),
        '{"t": 2, "kind": "complet',  # cut short by a crash
    ]
    (tmp_path / "acks" / "1.jsonl").write_text("\n".join(lines) + "\n")
    records, broken = read_acks(tmp_path)
    assert broken == 1
    assert check(records, FakeDatabase()).summary()["cross_user"] == 1


def test_the_request_table_gives_each_steps_errors_and_percentiles_and_when_errors_fell(tmp_path):
    lines = [{"t": 10 + n, "step": "lesson", "status": 200, "ms": float(n)} for n in range(1, 101)]
    lines += [
        {"t": 50, "step": "lesson", "status": 0, "ms": 0},
        {"t": 55, "step": "publish", "status": 502, "ms": 3},
    ]
    (tmp_path / "requests-1.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n{cut")
    table, totals = check_acks.request_table(check_acks.read_requests(tmp_path))
    assert totals == {"requests": 102, "request_errors": 2, "errors_from": 50, "errors_until": 55}
    lesson = next(line for line in table if line.startswith("lesson")).split()
    assert lesson[1:] == ["101", "1", "51", "96"]


# -- the seed's answer key and the checker against the app --------------------------------------


@pytest.mark.django_db
def test_the_seeds_answer_key_is_what_the_quiz_pages_accept_and_the_checker_finds_it(
    django_capture_on_commit_callbacks,
):
    from certificates.models import Certificate
    from progress import services as progress_services
    from quizzes.models import QuizAttempt
    from tests.cluster.seed import quiz_key
    from tests.factories import make_course, make_lesson, make_question, make_quiz, make_user

    course = make_course("压测课程")
    lesson = make_lesson(course, "第一课")
    questions = [
        make_question("访客扫码后看到什么？", kind="single"),
        make_question("可以把身份证照片发到群里。", kind="true_false", true_answer=False),
        make_question("访客登记用什么？", kind="fill_blank"),
        make_question("正确顺序是？", kind="ordering"),
        make_question("多选", kind="multiple"),
        make_question("点击访客登记", kind="hotspot"),
        make_question("体温多少算发热？", kind="numeric"),
    ]
    quiz = make_quiz(course, questions, pass_mark=100)
    key = quiz_key(quiz)
    assert [entry["kind"] for entry in key] == [
        "single",
        "true_false",
        "fill_blank",
        "ordering",
        "multiple",
        "hotspot",
        "numeric",
    ]
    user = make_user("load-00001", name="压测学员00001")
    progress_services.enrolment_join(learner=user, course=course)
    client = Client()
    client.force_login(user)
    acks = []
    response = client.post(reverse("progress:item_complete", args=(lesson.pk,)))
    assert response.status_code == 302
    acks.append({"t": time.time(), "kind": "completion", "user": user.pk, "lesson": lesson.pk})
    response = client.post(reverse("quizzes:start", args=(quiz.pk,)))
    uuid = str(QuizAttempt.objects.get().uuid)
    for number, answer in enumerate(key, start=1):
        url = reverse("quizzes:question", args=(uuid, number))
        fields = journeys.answer_fields(answer, client.get(url).content.decode())
        saved = client.post(url, {**fields, "action": "save"}, headers={"X-Requested-With": "fetch"})
        assert saved.json() == {"saved": True, "error": None}
        acks.append(
            {
                "t": time.time(),
                "kind": "answer",
                "user": user.pk,
                "attempt": uuid,
                "position": number - 1,
                "fields": fields,
            }
        )
    with django_capture_on_commit_callbacks(execute=True):  # the certificate is issued once it commits
        response = client.post(reverse("quizzes:submit", args=(uuid,)))
    assert journeys.RESULT_RE.search(response["Location"])
    acks.append({"t": time.time(), "kind": "submit", "user": user.pk, "attempt": uuid})
    assert QuizAttempt.objects.get().passed  # the key is right for every kind
    assert Certificate.objects.filter(learner=user, course=course).count() == 1
    acks.append({"t": time.time(), "kind": "certificate", "user": user.pk, "course": course.pk})

    summary = check(acks, check_acks.DjangoDatabase()).summary()
    assert summary["checked"] == 1 + len(key) + 1 + 1
    assert (summary["lost"], summary["duplicates"], summary["cross_user"]) == (0, 0, 0)
    # An acknowledged answer the database does not hold (a different choice) is found lost.
    spoiled = [dict(a) for a in acks]
    spoiled[2] = {**spoiled[2], "fields": {"choice": ["2"]}}
    assert check(spoiled, check_acks.DjangoDatabase()).summary()["lost"] == 1


@pytest.mark.django_db
def test_a_trainer_publishes_through_the_admin_edit_form_as_the_load_posts_it():
    from courses.models import LessonPage
    from tests.factories import make_course, make_lesson, make_user

    course = make_course("压测：发布演练")
    lesson = make_lesson(course, "发布演练 1")
    trainer = make_user("load-trainer-1", name="压测培训师1", is_staff=True, groups=("Reviewers",))
    client = Client()
    client.force_login(trainer)
    edit = reverse("wagtailadmin_pages:edit", args=(lesson.pk,))
    fields = journeys.form_fields(client.get(edit).content.decode(), "page-edit-form")
    assert ("title", "发布演练 1") in fields
    data = [
        *fields,
        *journeys.paragraph_body("第 1 版：压测。").items(),
        ("action-publish", "action-publish"),
    ]
    body = "&".join(f"{quote(name)}={quote(value)}" for name, value in data)
    response = client.post(edit, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.live and "第 1 版：压测。" in str(lesson.body)
    assert "第 1 版：压测。" in Client().get(lesson.url).content.decode()
