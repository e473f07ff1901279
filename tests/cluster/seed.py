"""The people of the cluster load test (issue 19): learners, trainers and managers, and what they learn.

    python -m tests.cluster.seed --learners N [--trainers 3 --managers 3]

Run with the cluster's environment (DJANGO_SETTINGS_MODULE, DATABASE_URL, REDIS_URL, CLUSTER_DIR, …) after
``migrate`` and ``load_demo``. Idempotent: a second run keeps the people (and their progress) and adds
any missing; every run gives all of them one new password (hashed once, the hash reused: hashing
10,000 passwords one by one would take minutes).

* Learners ``load-00001``…, named ``压测学员00001``… (a name no real person has, so that a page showing
  another learner's name is found by tests/cluster/locustfile.py), with a mobile number each, in the
  community 压测社区 (under the demo's 解放碑街道, 渝中区) as 网格员 — the unit and position the app's
  assignments work with. The courses of the load are assigned to that community (by a site
  administrator, as in the admin), which enrols every learner: courses with lessons and a quiz
  that is marked at once (no written answers), so a learner who answers right gets a certificate.
* Trainers ``load-trainer-1``…: the Reviewers group (a trainer who may publish), each with a lesson
  of their own to edit and publish in a course no learner is assigned (压测：发布演练), so their
  publishing never changes what the learners study.
* Managers ``load-manager-1``…: the Managers group, managing 压测社区 (its reports show the learners).

Also installs a trigger that logs every grading of a quiz attempt (tests/cluster/check_acks.py counts
them: a submit graded twice is a duplicate even if it wrote the same score).

Writes ``$CLUSTER_DIR/people.json``: the password, each person (id, username, mobile, name, role), the
courses (lesson and quiz ids and URLs, and the quiz's answer key, which the quiz pages never give out),
the trainers' lessons and the report URLs.
"""

import argparse
import json
import os
import secrets
import sys
from pathlib import Path

COMMUNITY = "压测社区"
STREET_PATH = ("重庆市", "渝中区", "解放碑街道")
POSITION = "网格员"
LEARNER_PREFIX = "load-"
LEARNER_NAME = "压测学员"
TRAINER_PREFIX = "load-trainer-"
MANAGER_PREFIX = "load-manager-"
ADMIN_USERNAME = "load-admin"
PUBLISH_COURSE_SLUG = "load-publish-drill"
COURSE_SLUGS = ("qr-visitor-registration", "temperature-logging", "phone-basics")
COURSE_COUNT = 3
MOBILE_BASE = 19_900_000_000  # 199 0000 0001…: a real-looking range the demo does not use

GRADING_SQL = [
    "CREATE TABLE IF NOT EXISTS cluster_grading_log "
    "(attempt_id bigint NOT NULL, state varchar(20), at timestamptz NOT NULL DEFAULT now())",
    """CREATE OR REPLACE FUNCTION cluster_log_grading() RETURNS trigger AS $$
    BEGIN
        IF NEW.state <> 'in_progress' THEN
            INSERT INTO cluster_grading_log (attempt_id, state) VALUES (NEW.id, NEW.state);
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS cluster_grading ON quizzes_quizattempt",
    """CREATE TRIGGER cluster_grading AFTER UPDATE OF state ON quizzes_quizattempt
    FOR EACH ROW EXECUTE FUNCTION cluster_log_grading()""",
]


def learner_username(number: int) -> str:
    return f"{LEARNER_PREFIX}{number:05d}"


def learner_name(number: int) -> str:
    return f"{LEARNER_NAME}{number:05d}"


def learner_mobile(number: int) -> str:
    return str(MOBILE_BASE + number)


def form_answer(data) -> dict:
    """The right answer to a question as the quiz page's form posts it (quizzes.kinds.*.from_post).
    Ordering questions: the steps in their right order (the page shows them shuffled, one select per
    row, so the load test gives each row the place of the step it shows)."""
    from demo.training import demo_answer
    from quizzes.questiondata import QuestionKind

    answer = demo_answer(data, right=True)
    kind = data.kind
    if kind == QuestionKind.SINGLE:
        return {"kind": kind, "fields": {"choice": [str(answer)]}}
    if kind == QuestionKind.MULTIPLE:
        return {"kind": kind, "fields": {"choice": [str(i) for i in answer]}}
    if kind == QuestionKind.TRUE_FALSE:
        return {"kind": kind, "fields": {"answer": ["true" if answer else "false"]}}
    if kind in (QuestionKind.FILL_BLANK, QuestionKind.NUMERIC):
        return {"kind": kind, "fields": {"answer": [str(answer)]}}
    if kind == QuestionKind.HOTSPOT:
        return {"kind": kind, "fields": {"tap_fx": [f"{answer[0]:.4f}"], "tap_fy": [f"{answer[1]:.4f}"]}}
    if kind == QuestionKind.ORDERING:
        return {"kind": kind, "fields": {}, "steps": [data.steps[i] for i in answer]}
    raise ValueError(f"no form answer for {kind!r}")


def quiz_key(quiz) -> list[dict] | None:
    """The answer key by position, None if some question is marked by a person (never passed at once)."""
    from quizzes.questiondata import QuestionKind

    key = []
    for block in quiz.questions:
        question = block.value.get("question") if block.block_type == "question" else None
        if question is None:
            return None
        data = question.to_data()
        if data.kind == QuestionKind.ESSAY:
            return None
        try:
            key.append({"text": data.text, **form_answer(data)})
        except (ValueError, StopIteration, IndexError):
            return None
    return key


def load_courses() -> list[dict]:
    """The courses of the load: the demo's, with lessons and one quiz marked at once."""
    from courses.models import CoursePage, LessonPage
    from quizzes.models import QuizPage

    chosen = []
    courses = list(CoursePage.objects.live().public().exclude(slug=PUBLISH_COURSE_SLUG).order_by("path"))
    courses.sort(
        key=lambda c: (
            c.slug not in COURSE_SLUGS,
            COURSE_SLUGS.index(c.slug) if c.slug in COURSE_SLUGS else 0,
        )
    )
    for course in courses:
        items = [item.specific for item in course.items()]
        lessons = [item for item in items if isinstance(item, LessonPage)]
        quizzes = [item for item in items if isinstance(item, QuizPage)]
        if not lessons or len(quizzes) != 1:
            continue
        key = quiz_key(quizzes[0])
        if not key:
            continue
        chosen.append(
            {
                "id": course.pk,
                "slug": course.slug,
                "title": course.title,
                "url": course.url,
                "lessons": [
                    {"id": lesson.pk, "url": lesson.url, "title": lesson.title} for lesson in lessons
                ],
                "quiz": {
                    "id": quizzes[0].pk,
                    "url": quizzes[0].url,
                    "pass_mark": quizzes[0].pass_mark,
                    "answers": key,
                },
                "page": course,
            }
        )
        if len(chosen) == COURSE_COUNT:
            break
    if not chosen:
        raise SystemExit(
            "No live course with lessons and a quiz marked at once: run `manage.py load_demo` first."
        )
    return chosen


def _unit():
    from accounts.models import OrgUnit

    unit = OrgUnit.get_root_nodes().filter(name=STREET_PATH[0]).first()
    for name in STREET_PATH[1:]:
        unit = unit.get_children().filter(name=name).first() if unit is not None else None
    if unit is None:
        raise SystemExit("The demo organisation tree is missing: run `manage.py load_demo` first.")
    community = unit.get_children().filter(name=COMMUNITY).first()
    if community is None:
        unit.refresh_from_db()
        community = unit.add_child(instance=OrgUnit(name=COMMUNITY, level="community"))
    return community


def _admin():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if admin is None:
        admin = User(username=ADMIN_USERNAME, name="压测管理员", is_staff=True, is_superuser=True)
        admin.set_unusable_password()
        admin.save()
    return admin


def _assign(courses: list[dict], unit, admin) -> int:
    from assignments import services as assignment_services
    from assignments.models import Assignment

    made = 0
    for course in courses:
        if Assignment.objects.filter(course_id=course["id"], units=unit, active=True).exists():
            continue
        assignment_services.assignment_create(
            course=course["page"],
            units=[unit],
            due_mode=Assignment.DueMode.NONE,
            note="压测：集群负载测试的学员。",
            actor=admin,
        )
        made += 1
    return made


def _people(prefix: str, count: int, make) -> list:
    """Users ``prefix`` + 1…count (learners: zero-padded), created in bulk where missing."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    wanted = {make(n).username: n for n in range(1, count + 1)}
    existing = set(User.objects.filter(username__in=list(wanted)).values_list("username", flat=True))
    missing = [make(n) for name, n in wanted.items() if name not in existing]
    User.objects.bulk_create(missing, batch_size=1000)
    return list(User.objects.filter(username__in=list(wanted)).order_by("username"))


def _publish_lessons(trainers: list) -> list[dict]:
    """One lesson per trainer, in a course nobody is assigned, for the trainers' publishing."""
    from courses.models import CourseIndexPage, CoursePage, LessonPage

    course = CoursePage.objects.filter(slug=PUBLISH_COURSE_SLUG).first()
    if course is None:
        index = CourseIndexPage.objects.live().order_by("path").first()
        course = index.add_child(
            instance=CoursePage(
                title="压测：发布演练",
                slug=PUBLISH_COURSE_SLUG,
                summary="集群负载测试里培训师编辑、发布用的课程，不指派给学员。",
                estimated_minutes=5,
            )
        )
        course.save_revision().publish()
    lessons = []
    for number, trainer in enumerate(trainers, start=1):
        slug = f"publish-{number}"
        lesson = LessonPage.objects.child_of(course).filter(slug=slug).first()
        if lesson is None:
            course.refresh_from_db()
            lesson = course.add_child(
                instance=LessonPage(
                    title=f"发布演练 {number}",
                    slug=slug,
                    summary="培训师在压测中修改并发布的课时。",
                    estimated_minutes=1,
                    body=[{"type": "paragraph", "value": "<p>第 0 版。</p>"}],
                    owner=trainer,
                )
            )
            lesson.save_revision(user=trainer).publish()
        lessons.append({"trainer": trainer.pk, "id": lesson.pk, "url": lesson.url, "title": lesson.title})
    return lessons


def seed(*, learners: int, trainers: int, managers: int, out_dir: Path) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from accounts import services as accounts_services
    from accounts.models import Position
    from accounts.rights import MANAGERS_GROUP, REVIEWERS_GROUP

    User = get_user_model()
    password = secrets.token_urlsafe(12)
    hashed = make_password(password)  # once: every load account shares it
    with transaction.atomic():
        unit = _unit()
        position = Position.objects.filter(name=POSITION).first()
        courses = load_courses()
        admin = _admin()
        people = _people(
            LEARNER_PREFIX,
            learners,
            lambda n: User(
                username=learner_username(n),
                name=learner_name(n),
                mobile=learner_mobile(n),
                org_unit=unit,
                position=position,
                password=hashed,
            ),
        )
        staff = _people(
            TRAINER_PREFIX,
            trainers,
            lambda n: User(
                username=f"{TRAINER_PREFIX}{n}", name=f"压测培训师{n}", is_staff=True, password=hashed
            ),
        )
        bosses = _people(
            MANAGER_PREFIX,
            managers,
            lambda n: User(
                username=f"{MANAGER_PREFIX}{n}",
                name=f"压测社管{n}",
                is_staff=True,
                org_unit=unit,
                managed_unit=unit,
                password=hashed,
            ),
        )
        everyone = [*people, *staff, *bosses]
        User.objects.filter(pk__in=[p.pk for p in everyone]).update(password=hashed, is_active=True)
        Group.objects.get(name=REVIEWERS_GROUP).user_set.add(*staff)
        Group.objects.get(name=MANAGERS_GROUP).user_set.add(*bosses)
        publish = _publish_lessons(staff)
        assigned = _assign(courses, unit, admin)
        # As the admin's forms do: the assignments that cover these people enrol them (once this commits).
        accounts_services.people_placed(user_ids=[p.pk for p in people])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for statement in GRADING_SQL:
                    cursor.execute(statement)
    for course in courses:
        course.pop("page")
    data = {
        "password": password,
        "learners": [
            {"id": p.pk, "username": p.username, "mobile": p.mobile, "name": p.name, "role": "learner"}
            for p in people
        ],
        "trainers": [
            {"id": p.pk, "username": p.username, "name": p.name, "role": "trainer", "lesson": lesson}
            for p, lesson in zip(staff, publish, strict=True)
        ],
        "managers": [
            {"id": p.pk, "username": p.username, "name": p.name, "role": "manager", "unit": unit.pk}
            for p in bosses
        ],
        "courses": courses,
        "unit": {"id": unit.pk, "name": unit.name},
        "name_prefix": LEARNER_NAME,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "people.json"
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(path)
    return {
        "learners": len(people),
        "trainers": len(staff),
        "managers": len(bosses),
        "courses": [c["slug"] for c in courses],
        "assignments_made": assigned,
        "people_json": str(path),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, required=True)
    parser.add_argument("--trainers", type=int, default=3)
    parser.add_argument("--managers", type=int, default=3)
    args = parser.parse_args(argv)
    out_dir = os.environ.get("CLUSTER_DIR")
    if not out_dir:
        print("CLUSTER_DIR is not set: it names the directory people.json is written to.", file=sys.stderr)
        return 2
    if args.learners < 1 or args.trainers < 0 or args.managers < 0:
        print("--learners must be at least 1, --trainers and --managers at least 0.", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    result = seed(
        learners=args.learners, trainers=args.trainers, managers=args.managers, out_dir=Path(out_dir)
    )
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
