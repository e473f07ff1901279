"""Demo organisation tree, positions, staff and a learner's progress. Idempotent like the rest."""

import random

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts import services as accounts_services
from accounts.models import OrgUnit, Position
from courses.models import CoursePage
from progress import services as progress_services
from progress.models import Enrolment

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
                ("大溪沟街道", "street", [("人和街社区", "community", []), ("黄花园社区", "community", [])]),
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
DEMO_DISTRICT = "渝中区"  # managed by the demo district manager; the community manager has DEMO_LEARNER_UNIT

# Staff of the demo communities, so that the managers' reports have people in them: (community, the
# username stem, how many). Usernames are the stem and a number (minsheng01…), so a unit added here
# later leaves everyone else as they were. 江北区 lies outside both demo managers' parts of the tree.
STAFF_UNITS = (
    ("民生路社区", "minsheng", 6),
    ("较场口社区", "jiaochang", 4),
    ("通远门社区", "tongyuan", 4),
    ("双钢路社区", "shuanggang", 4),
    ("人和街社区", "renhe", 4),
    ("黄花园社区", "huanghuayuan", 4),
    ("建新东路社区", "jianxin", 3),
    ("嘉陵社区", "jialing", 3),
)
_SURNAMES = "王李刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程"
_GIVEN_NAMES = (  # two characters each
    "秀英建华志强丽娟海燕国庆春梅德明小燕文斌红梅建军玉兰晓东桂芳振华淑珍明亮"
    "雪梅永刚金凤立新美玲家豪慧敏长青翠萍晓峰思雨宏伟丹丹子涵俊杰秋菊学文"
)


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
    """Put the demo learner in their community; the caller announces them (accounts.services)."""
    if user.org_unit_id is None:
        user.org_unit = find_demo_unit(DEMO_LEARNER_UNIT)
        user.position = Position.objects.filter(name=DEMO_LEARNER_POSITION).first()
        user.save(update_fields=["org_unit", "position"])


def start_demo_learning(user) -> None:
    """Give the demo learner something to continue: the first course begun, the second joined."""

    if Enrolment.objects.filter(learner=user).exists():
        return
    courses = list(CoursePage.objects.live().order_by("path")[:2])
    if not courses:
        return
    first_items = list(courses[0].items()[:2])
    if first_items:
        progress_services.item_complete(learner=user, item=first_items[0], course=courses[0])
    if len(first_items) > 1:
        progress_services.item_seen(learner=user, item=first_items[1], course=courses[0])
    if len(courses) > 1:
        progress_services.enrolment_join(learner=user, course=courses[1])


def find_demo_unit(name: str) -> OrgUnit | None:
    """A unit of the demo tree, found along its path from the root: the same name elsewhere (another
    city loaded by ``generate_city``, a unit an admin added) is never taken for it."""
    path = _names_to(name, ORG_TREE)
    if path is None:
        raise ValueError(f"{name} is not in the demo organisation tree")
    unit = OrgUnit.get_root_nodes().filter(name=path[0]).first()
    for step in path[1:]:
        if unit is None:
            return None
        unit = unit.get_children().filter(name=step).first()
    return unit


def _names_to(name: str, node: tuple) -> list[str] | None:
    node_name, _level, children = node
    if node_name == name:
        return [node_name]
    for child in children:
        below = _names_to(name, child)
        if below is not None:
            return [node_name, *below]
    return None


def demo_staff() -> list[dict]:
    """Who works in the demo communities: username, name, community and position, the same every time."""
    rng = random.Random("frontline-demo-staff")
    given_names = [_GIVEN_NAMES[i : i + 2] for i in range(0, len(_GIVEN_NAMES), 2)]
    names = [surname + given for surname in _SURNAMES for given in given_names]
    total = sum(count for _unit, _stem, count in STAFF_UNITS)
    chosen = iter(rng.sample(names, total))
    return [
        {
            "username": f"{stem}{n:02d}",
            "name": next(chosen),
            "unit": unit,
            "position": POSITIONS[rng.randrange(len(POSITIONS))],
        }
        for unit, stem, count in STAFF_UNITS
        for n in range(1, count + 1)
    ]


@transaction.atomic
def ensure_demo_staff() -> int:
    """Create the demo staff who do not exist yet; return how many were created. They are people in the
    reports, not accounts to try: none has a password, so nobody can sign in as them."""
    User = get_user_model()
    staff = demo_staff()
    existing = set(
        User.objects.filter(username__in=[p["username"] for p in staff]).values_list("username", flat=True)
    )
    units = {name: find_demo_unit(name) for name, _stem, _count in STAFF_UNITS}
    positions = dict(Position.objects.filter(name__in=POSITIONS).values_list("name", "pk"))
    created = []
    for person in staff:
        if person["username"] in existing:
            continue
        user = User(
            username=person["username"],
            name=person["name"],
            org_unit=units[person["unit"]],
            position_id=positions[person["position"]],
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
        created.append(user.pk)
    # Enrolled in the assignments that cover them once this commits, as staff made in the admin are.
    accounts_services.people_placed(user_ids=created)
    return len(created)
