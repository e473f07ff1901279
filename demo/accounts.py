"""Local demo accounts with known passwords. Refused unless settings.DEMO_ACCOUNTS_ALLOWED."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from accounts import services as accounts_services
from accounts.models import Position
from demo.people import (
    DEMO_DISTRICT,
    DEMO_LEARNER_UNIT,
    find_demo_unit,
    place_demo_learner,
    start_demo_learning,
)

MANAGERS = "Managers"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str
    name: str
    mobile: str | None = None
    group: str | None = None
    superuser: bool = False
    # Training managers: the unit they manage, which is also where they work.
    manages: str | None = None
    position: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("admin", "admin", "demo-admin-2026", "系统管理员", superuser=True),
    DemoAccount("trainer", "trainer", "demo-trainer-2026", "王培训", group="Trainers"),
    DemoAccount("reviewer", "reviewer", "demo-reviewer-2026", "李审核", group="Reviewers"),
    DemoAccount("learner", "learner", "demo-learner-2026", "张网格", mobile="13800000001"),
    # 区培训管理员: the district the demo learner lives in, with three streets of staff.
    DemoAccount(
        "district", "district", "demo-district-2026", "陈区管", group=MANAGERS, manages=DEMO_DISTRICT
    ),
    # 社区培训管理员: one community of that district, the demo learner's.
    DemoAccount(
        "community",
        "community",
        "demo-community-2026",
        "刘社管",
        group=MANAGERS,
        manages=DEMO_LEARNER_UNIT,
        position="社区工作者",
    ),
)


@transaction.atomic
def ensure_demo_accounts() -> set[str]:
    """Create the demo accounts that do not exist yet; return the usernames created."""
    User = get_user_model()
    created, placed = set(), []
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        user = User(
            username=account.username,
            name=account.name,
            mobile=account.mobile,
            is_staff=account.superuser or account.group is not None,
            is_superuser=account.superuser,
        )
        if account.manages:
            user.managed_unit = user.org_unit = find_demo_unit(account.manages)
            user.position = (
                Position.objects.filter(name=account.position).first() if account.position else None
            )
        user.set_password(account.password)
        user.full_clean()
        user.save()
        if account.group:
            user.groups.add(Group.objects.get(name=account.group))
        if account.role == "learner":
            place_demo_learner(user)
            start_demo_learning(user)
        created.add(account.username)
        placed.append(user.pk)
    # Enrolled in the assignments that cover them once this commits, as people made in the admin are.
    accounts_services.people_placed(user_ids=placed)
    return created
