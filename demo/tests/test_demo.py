"""The demo loader makes a real-looking site and is safe to run again."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.images import get_image_model

from accounts.scope import scope_for
from assignments.models import Assignment, AssignmentMember
from courses.models import CoursePage, LessonPage, Topic
from demo import curriculum, quiz_bank
from demo.loader import demo_question_data
from demo.people import demo_staff
from demo.training import demo_answer
from progress.models import CourseCompletion, Enrolment, ItemProgress
from quizzes.grading import grade
from quizzes.models import AttemptAnswer, QuizAttempt
from reports import selectors
from reports.filters import ReportFilters
from tests.demo_snapshot import load_demo

pytestmark = pytest.mark.django_db


def counts():
    return (
        CoursePage.objects.live().count(),
        LessonPage.objects.live().count(),
        Topic.objects.count(),
        get_image_model().objects.count(),
        get_user_model().objects.count(),
        Assignment.objects.count(),
        AssignmentMember.objects.count(),
        Enrolment.objects.count(),
        ItemProgress.objects.count(),
        CourseCompletion.objects.count(),
        QuizAttempt.objects.count(),
        AttemptAnswer.objects.count(),
    )


def test_demo_curriculum_is_big_enough_to_look_real():
    assert len(curriculum.COURSES) >= 5
    assert sum(len(course["lessons"]) for course in curriculum.COURSES) >= 20


def test_load_demo_twice_creates_nothing_twice(capsys):
    call_command("load_demo", "--with-accounts")
    first = counts()
    assert first[0] >= 5 and first[1] >= 20
    assert all(first[5:]), first  # assignments, members, enrolments, progress, completions, attempts
    capsys.readouterr()
    call_command("load_demo", "--with-accounts")
    assert counts() == first
    out = capsys.readouterr().out
    assert "0 staff and 0 assignments created; progress in 0 of their enrolments, with 0 quiz attempts" in out
    assert "already existed, password unchanged" in out
    assert "learner" in out and "demo-learner-2026" in out
    assert "district / demo-district-2026" in out and "manages 渝中区" in out
    assert "community / demo-community-2026" in out and "manages 民生路社区" in out


def test_demo_pages_render(client):
    load_demo()
    for page in [*CoursePage.objects.live(), *LessonPage.objects.live()[:8]]:
        assert client.get(page.url).status_code == 200, page.url


def test_demo_accounts_can_sign_in_to_what_they_need(client):
    load_demo("--with-accounts")
    User = get_user_model()
    assert User.objects.get(username="trainer").groups.filter(name="Trainers").exists()
    assert User.objects.get(username="reviewer").groups.filter(name="Reviewers").exists()
    assert client.login(username="learner", password="demo-learner-2026")
    assert client.login(username="district", password="demo-district-2026")
    assert client.login(username="community", password="demo-community-2026")


def test_demo_accounts_refused_when_settings_forbid(settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False
    with pytest.raises(CommandError, match="known passwords"):
        call_command("load_demo", "--with-accounts")
    assert not get_user_model().objects.exists()


def test_demo_managers_see_their_staff_learning_in_every_state():
    """A district and a community manager whose reports show people at every stage on first run."""
    load_demo("--with-accounts")
    User = get_user_model()
    district, community = User.objects.get(username="district"), User.objects.get(username="community")
    assert (district.managed_unit.name, district.managed_unit.level) == ("渝中区", "district")
    assert (community.managed_unit.name, community.managed_unit.level) == ("民生路社区", "community")
    assert community.managed_unit.is_descendant_of(district.managed_unit)
    for manager in (district, community):
        assert manager.groups.filter(name="Managers").exists() and not manager.is_superuser

    today = timezone.localdate()
    staff = {person["username"]: person["unit"] for person in demo_staff()}
    for manager, units in ((district, 6), (community, 1)):
        scope = scope_for(manager)
        sections = selectors.completion_by_node(
            scope=scope, node=scope.unit, filters=ReportFilters(), today=today
        )
        assert len(sections) >= 2  # at least two assigned courses
        total = sum((section.total for section in sections), start=selectors.Counts())
        assert total.not_started and total.in_progress and total.completed and total.overdue, (manager, total)

        people = selectors.assigned_enrolments(
            scope=scope, place=selectors.Place(unit=scope.unit), filters=ReportFilters(), today=today
        ).values_list("learner__username", "learner__org_unit__path")
        assert all(path.startswith(scope.unit.path) for _name, path in people)
        shown_staff = {name for name, _path in people if name in staff}
        assert len({staff[name] for name in shown_staff}) == units  # staff in each of their communities
        assert not any(staff[name] in ("建新东路社区", "嘉陵社区") for name in shown_staff)  # 江北区

        attempts = selectors.quiz_result_rows(
            scope=scope, place=selectors.Place(unit=scope.unit), filters=ReportFilters()
        )
        assert attempts and all(0 < row.learners_passed < row.learners for row in attempts)


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param(spec, id=f"{slug}-{n}-{spec['kind']}")
        for slug, (_title, questions) in quiz_bank.QUIZZES.items()
        for n, spec in enumerate(questions, start=1)
    ],
)
def test_the_demo_staff_answer_key_marks_as_intended(spec):
    """The demo's passed and failed attempts depend on it: right is full marks, wrong is none."""
    data = demo_question_data(spec)
    assert grade(data, demo_answer(data, right=True)).correct
    assert grade(data, demo_answer(data, right=False)).score == 0
