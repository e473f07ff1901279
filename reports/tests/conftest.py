"""A small city for the report tests.

重庆市 > 渝中区 > {解放碑街道 > {A社区, B社区}, 七星岗街道 > C社区}, plus 江北区 > 观音桥街道 > D社区,
with one learner in each community (甲 in A … 丁 in D), each assigned a course of their own
(课程A … 课程D, overdue) and the shared 安全课程, a quiz of their own with one attempt, and a manager at
each level.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from accounts.models import OrgUnit
from progress.models import Enrolment
from tests.factories import (
    make_course,
    make_lesson,
    make_org_tree,
    make_position,
    make_question,
    make_quiz,
    make_user,
)

COMMUNITIES = ("A社区", "B社区", "C社区", "D社区")
LEARNER_NAMES = {"A社区": "甲学员", "B社区": "乙学员", "C社区": "丙学员", "D社区": "丁学员"}


@dataclass
class World:
    units: dict[str, OrgUnit]
    learners: dict[str, object]  # community → learner
    courses: dict[str, object]  # community → its own course; "shared" → the shared course
    quizzes: dict[str, object]
    questions: dict[str, object]
    lessons: dict[str, object]
    users: dict[str, object] = field(default_factory=dict)  # role → user
    position: object = None
    today: datetime.date = field(default_factory=timezone.localdate)

    def unit(self, name: str) -> OrgUnit:
        return OrgUnit.objects.get(pk=self.units[name].pk)


def build_world() -> World:
    units = make_org_tree()
    city = units["重庆市"]
    jiangbei = city.add_child(name="江北区", level="district")
    street = OrgUnit.objects.get(pk=jiangbei.pk).add_child(name="观音桥街道", level="street")
    OrgUnit.objects.get(pk=street.pk).add_child(name="D社区", level="community")
    # Sorted inserts move siblings' paths: read every unit again.
    units = {unit.name: unit for unit in OrgUnit.objects.all()}
    grid = make_position("网格员")
    today = timezone.localdate()
    learners, courses, quizzes, questions, lessons = {}, {}, {}, {}, {}
    shared = make_course("安全课程")
    make_lesson(shared, "安全第一课")
    courses["shared"] = shared
    for number, community in enumerate(COMMUNITIES, start=1):
        letter = community[0]
        learner = make_user(
            f"learner_{letter.lower()}",
            name=LEARNER_NAMES[community],
            org_unit=units[community],
            position=grid,
        )
        learners[community] = learner
        course = make_course(f"课程{letter}")
        lessons[community] = make_lesson(course, f"课时{letter}")
        question = make_question(f"题目{letter}：访客扫码后看到什么？")
        quiz = make_quiz(course, [question], title=f"测验{letter}")
        courses[community], quizzes[community], questions[community] = course, quiz, question
        # Their own course, overdue by `number` days; the shared one due in a week.
        enrol(learner, course, due_on=today - datetime.timedelta(days=number * 10))
        enrol(learner, shared, due_on=today + datetime.timedelta(days=7))
        attempt(learner, quiz, question, passed=number % 2 == 1)
    world = World(
        units=units,
        learners=learners,
        courses=courses,
        quizzes=quizzes,
        questions=questions,
        lessons=lessons,
        position=grid,
        today=today,
    )
    world.users = {
        "learner": learners["A社区"],
        "community_manager": manager("community_manager", units["A社区"]),
        "street_manager": manager("street_manager", units["解放碑街道"]),
        "district_manager": manager("district_manager", units["渝中区"]),
        "city_admin": manager("city_admin", units["重庆市"]),
        "trainer": make_user("trainer", name="培训师", groups=["Trainers"]),
    }
    return world


def manager(username: str, unit: OrgUnit):
    return make_user(
        username, name=f"{unit.name}管理员", org_unit=unit, managed_unit=unit, groups=["Managers"]
    )


def enrol(learner, course, *, due_on=None, status=Enrolment.Status.NOT_STARTED, assigned=True, **fields):
    return Enrolment.objects.create(
        learner=learner,
        course_id=course.pk,
        source=Enrolment.Source.ASSIGNED if assigned else Enrolment.Source.SELF,
        assigned=assigned,
        due_on=due_on,
        mandatory=assigned,
        org_unit_id=learner.org_unit_id,
        position_id=learner.position_id,
        status=status,
        **fields,
    )


def attempt(learner, quiz, question, *, passed: bool, number: int = 1):
    from quizzes.models import AttemptAnswer, QuizAttempt

    data = question.to_data().as_dict()
    made = QuizAttempt.objects.create(
        learner=learner,
        quiz_id=quiz.pk,
        course_id=quiz.get_parent().pk,
        number=number,
        rules={"pass_percent": 60},
        questions=[{"question_id": question.pk, "data": data}],
        state=QuizAttempt.State.SUBMITTED,
        submitted_at=timezone.now(),
        score=1.0 if passed else 0.0,
        max_score=1.0,
        percent=100 if passed else 0,
        passed=passed,
    )
    AttemptAnswer.objects.create(
        attempt=made, position=0, question_id=question.pk, response=0 if passed else 2, correct=passed
    )
    return made


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """One world for a whole module of read-only tests (each test still runs in its own savepoint):
    built once, rolled back at the end."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


def login(client, user):
    client.force_login(user)
    return client


def tr(message: str, **params) -> str:
    """A message as the site shows it by default (Chinese once translated), so tests do not depend on
    whether the lead has translated it yet."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        text = translation.gettext(message)
    return text % params if params else text


def headings(columns) -> list[str]:
    from django.conf import settings
    from django.utils import translation
    from django.utils.encoding import force_str

    with translation.override(settings.LANGUAGE_CODE):
        return [force_str(column.heading) for column in columns]


# -- reading responses -----------------------------------------------------------------------------


def body_text(response) -> str:
    """What a response shows: HTML text, or every cell of a CSV or Excel export."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        return "\n".join("\t".join(cells) for cells in xlsx_rows(content))
    if "text/csv" in kind:
        return content.decode("utf-8-sig")
    # Filter choices list every course and unit by design (content, not people): leave them out.
    soup = BeautifulSoup(content, "html.parser")
    for element in soup.find_all(["select", "template", "datalist", "script"]):
        element.decompose()
    return soup.get_text(" ")


def xlsx_rows(content: bytes) -> list[list[str]]:
    """Cells as the screen writes them, every sheet's rows one after another (the heading once); Excel
    keeps no time zone, and dates come back as datetimes
    whose number format says whether they were dates."""
    from reports.exports import cell_text

    def text(cell):
        value = cell.value
        if isinstance(value, int | float) and "%" in (cell.number_format or ""):
            return f"{value * 100:g}%"  # a percentage, as the screen writes it
        if isinstance(value, datetime.datetime):
            if "h" not in (cell.number_format or "").lower():
                return value.date().isoformat()
            return value.strftime("%Y-%m-%d %H:%M")
        return cell_text(value)

    rows = []
    for number, sheet in enumerate(openpyxl.load_workbook(io.BytesIO(content)).worksheets):
        sheet_rows = [[text(cell) for cell in row] for row in sheet.iter_rows()]
        if number:
            # A long export goes on in further sheets, each repeating the heading row: read it once.
            assert sheet_rows[0] == rows[0], f"sheet {sheet.title} does not start with the heading"
            sheet_rows = sheet_rows[1:]
        rows.extend(sheet_rows)
    return rows


def csv_rows(response) -> list[list[str]]:
    import csv

    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def table_rows(html: bytes | str, selector: str = "table") -> list[list[str]]:
    """Header and body rows of the tables a page shows, as text (several tables: one after another,
    with each table's header row)."""
    soup = BeautifulSoup(html, "html.parser")
    rows = []
    for table in soup.select(selector):
        for tr in table.select("tr"):
            rows.append(
                [" ".join(cell.get_text(" ", strip=True).split()) for cell in tr.find_all(["th", "td"])]
            )
    return rows
