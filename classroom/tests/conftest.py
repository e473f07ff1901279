import datetime

import pytest
from django.utils import timezone

from classroom import services
from tests.factories import make_course, make_lesson, make_org_tree, make_position, make_user


@pytest.fixture
def place(db):
    """The report tests' tree: A社区 and B社区 under 解放碑街道, C社区 under 七星岗街道."""
    units = make_org_tree()
    grid = make_position("网格员")
    return {
        "units": units,
        "grid": grid,
        "manager": make_user(
            "street_manager",
            name="街道管理员",
            org_unit=units["解放碑街道"],
            managed_unit=units["解放碑街道"],
            groups=["Managers"],
        ),
        "other_manager": make_user(
            "qxg_manager",
            name="七星岗管理员",
            org_unit=units["七星岗街道"],
            managed_unit=units["七星岗街道"],
            groups=["Managers"],
        ),
        "trainer": make_user("trainer", name="培训师", groups=["Trainers"]),
        "a": make_user("a1", name="甲学员", org_unit=units["A社区"], position=grid),
        "a2": make_user("a2", name="甲二学员", org_unit=units["A社区"], position=grid),
        "b": make_user("b1", name="乙学员", org_unit=units["B社区"], position=grid),
        "c": make_user("c1", name="丙学员", org_unit=units["C社区"], position=grid),
    }


@pytest.fixture
def course(db):
    course = make_course("线下消防课", hours="2.0")
    make_lesson(course, "第一课")
    make_lesson(course, "第二课")
    return course


def plan(
    place,
    *,
    course=None,
    capacity=30,
    invited=("A社区",),
    starts_in=datetime.timedelta(minutes=10),
    allow_uninvited=True,
    **fields,
):
    starts = timezone.now() + starts_in
    return services.session_create(
        actor=place["manager"],
        title=fields.pop("title", "消防演练培训"),
        course=course,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="社区活动室",
        capacity=capacity,
        unit=place["units"]["解放碑街道"],
        trainer=fields.pop("trainer", place["trainer"]),
        invited_units=[place["units"][name] for name in invited],
        hours=fields.pop("hours", "1.5"),
        allow_uninvited=allow_uninvited,
        **fields,
    )
