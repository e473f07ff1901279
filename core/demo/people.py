"""Demo organisation tree, positions and a learner's progress. Idempotent like the rest."""

from accounts.models import OrgUnit, Position

POSITIONS = ["社区工作者", "网格员", "物业人员", "志愿者", "楼栋长", "业委会成员"]

# (name, level, children)
ORG_TREE = (
    "重庆市",
    "city",
    [
        (
            "渝中区",
            "district",
            [
                ("解放碑街道", "street", [("民生路社区", "community", []), ("较场口社区", "community", [])]),
                ("七星岗街道", "street", [("通远门社区", "community", []), ("双钢路社区", "community", [])]),
            ],
        ),
        (
            "江北区",
            "district",
            [("观音桥街道", "street", [("建新东路社区", "community", []), ("嘉陵社区", "community", [])])],
        ),
    ],
)
DEMO_LEARNER_UNIT = "民生路社区"
DEMO_LEARNER_POSITION = "网格员"


def ensure_positions() -> int:
    created = 0
    for order, name in enumerate(POSITIONS):
        _position, was_created = Position.objects.get_or_create(name=name, defaults={"sort_order": order})
        created += was_created
    return created


def _ensure_unit(parent: OrgUnit | None, name: str, level: str) -> tuple[OrgUnit, bool]:
    siblings = parent.get_children() if parent else OrgUnit.get_root_nodes()
    existing = siblings.filter(name=name).first()
    if existing:
        return existing, False
    unit = OrgUnit(name=name, level=level)
    unit = parent.add_child(instance=unit) if parent else OrgUnit.add_root(instance=unit)
    return unit, True


def ensure_org_tree() -> int:
    created = 0
    stack = [(None, ORG_TREE)]
    while stack:
        parent, (name, level, children) = stack.pop()
        if parent is not None:
            parent.refresh_from_db()  # treebeard needs the parent's current child count
        unit, was_created = _ensure_unit(parent, name, level)
        created += was_created
        stack.extend((unit, child) for child in reversed(children))
    return created


def place_demo_learner(user) -> None:
    if user.org_unit_id is None:
        user.org_unit = OrgUnit.objects.filter(name=DEMO_LEARNER_UNIT).first()
        user.position = Position.objects.filter(name=DEMO_LEARNER_POSITION).first()
        user.save(update_fields=["org_unit", "position"])


def start_demo_learning(user) -> None:
    """Give the demo learner something to continue: the first course begun, the second joined."""
    from courses.models import CoursePage
    from progress import services
    from progress.models import Enrolment

    if Enrolment.objects.filter(learner=user).exists():
        return
    courses = list(CoursePage.objects.live().order_by("path")[:2])
    if not courses:
        return
    first_items = list(courses[0].items()[:2])
    if first_items:
        services.item_complete(learner=user, item=first_items[0], course=courses[0])
    if len(first_items) > 1:
        services.item_seen(learner=user, item=first_items[1], course=courses[0])
    if len(courses) > 1:
        services.enrolment_join(learner=user, course=courses[1])
