"""Local demo accounts with known passwords. Refused unless settings.DEMO_ACCOUNTS_ALLOWED."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str
    name: str
    mobile: str | None = None
    group: str | None = None
    superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("admin", "admin", "demo-admin-2026", "系统管理员", superuser=True),
    DemoAccount("trainer", "trainer", "demo-trainer-2026", "王培训", group="Trainers"),
    DemoAccount("reviewer", "reviewer", "demo-reviewer-2026", "李审核", group="Reviewers"),
    DemoAccount("learner", "learner", "demo-learner-2026", "张网格", mobile="13800000001"),
)


@transaction.atomic
def ensure_demo_accounts() -> set[str]:
    """Create the demo accounts that do not exist yet; return the usernames created."""
    User = get_user_model()
    created = set()
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
        user.set_password(account.password)
        user.full_clean()
        user.save()
        if account.group:
            user.groups.add(Group.objects.get(name=account.group))
        if account.role == "learner":
            from core.demo.people import place_demo_learner, start_demo_learning

            place_demo_learner(user)
            start_demo_learning(user)
        created.add(account.username)
    return created
