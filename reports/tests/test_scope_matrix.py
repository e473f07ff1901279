"""Who sees what, generated: every report, export, list and detail URL × every role × an object inside and
an object outside the viewer's part of the organisation.

Inside, a role that may use the screen gets 200 with the object in it; a role that may not gets 403,
404 or a redirect (to sign in, or Wagtail's "permission denied"), never the object. Outside, nobody
sees the object: lists leave it out and detail URLs answer 404 (or 403 / a redirect).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import NoReverseMatch, reverse

from reports.tests.conftest import body_text, login

# role → (community of the object inside its scope, community of one outside it, or None)
ROLES = {
    "learner": ("A社区", "B社区"),
    "trainer": ("A社区", "B社区"),
    "community_manager": ("A社区", "B社区"),
    "street_manager": ("B社区", "C社区"),
    "district_manager": ("C社区", "D社区"),
    "city_admin": ("D社区", None),  # the city sees everything
}
MANAGERS = {"community_manager", "street_manager", "district_manager", "city_admin"}
TRAINER = frozenset({"trainer"})


@dataclass(frozen=True)
class Target:
    """A URL for an object (a learner's community) and the text that shows the object is there."""

    url: Callable  # (world, community) → URL
    marker: Callable  # (world, community) → text
    detail: bool = False  # the URL names the object: outside the scope it must not answer 200
    allowed: frozenset = frozenset(MANAGERS)
    # Roles that may open the screen but see none of these objects there (content screens for trainers).
    open_to: frozenset = frozenset()


def _name(world, community):
    return world.learners[community].name


def _course(world, community):
    return world.courses[community].title


def _quiz(world, community):
    return world.quizzes[community].title


def _username(world, community):
    return world.learners[community].username


def _unit(world, community):
    return community


def _plain(name, query=""):
    return lambda world, community: reverse(name) + query


def _unit_url(name, query=""):
    return lambda world, community: f"{reverse(name)}?node={world.units[community].pk}{query}"


def _learner_url(name, query=""):
    return lambda world, community: reverse(name, args=[world.learners[community].pk]) + query


def _quiz_url(name, query=""):
    return lambda world, community: reverse(name, args=[world.quizzes[community].pk]) + query


def _question(world, community):
    return world.questions[community].text[:6]


TARGETS: dict[str, Target] = {}
for report, marker in (
    ("completion", _course),
    ("people", _name),
    ("overdue", _name),
    ("quizzes", _quiz),
):
    TARGETS[report] = Target(_plain(f"reports:{report}"), marker)
    TARGETS[f"{report}_results"] = Target(_plain(f"reports:{report}_results"), marker)
    TARGETS[f"{report}_csv"] = Target(_plain(f"reports:{report}", "?export=csv"), marker)
    TARGETS[f"{report}_xlsx"] = Target(_plain(f"reports:{report}", "?export=xlsx"), marker)
TARGETS.update(
    {
        "completion_node": Target(_unit_url("reports:completion"), _course, detail=True),
        "completion_node_csv": Target(_unit_url("reports:completion", "&export=csv"), _course, detail=True),
        "people_node": Target(_unit_url("reports:people"), _name, detail=True),
        "people_node_xlsx": Target(_unit_url("reports:people", "&export=xlsx"), _name, detail=True),
        "overdue_node": Target(_unit_url("reports:overdue"), _name, detail=True),
        "quizzes_node": Target(_unit_url("reports:quizzes"), _quiz, detail=True),
        "transcript": Target(_learner_url("reports:transcript"), _course, detail=True),
        "transcript_csv": Target(_learner_url("reports:transcript", "?export=csv"), _course, detail=True),
        "transcript_xlsx": Target(_learner_url("reports:transcript", "?export=xlsx"), _course, detail=True),
        "quiz_questions": Target(_quiz_url("reports:quiz_questions"), _question),
        "quiz_questions_results": Target(_quiz_url("reports:quiz_questions_results"), _question),
        "quiz_questions_csv": Target(_quiz_url("reports:quiz_questions", "?export=csv"), _question),
        "users": Target(_plain("wagtailusers_users:index"), _username),
        "users_results": Target(_plain("wagtailusers_users:index_results"), _username),
        "users_search": Target(lambda w, c: reverse("wagtailusers_users:index") + "?q=learner", _username),
        "user_edit": Target(_learner_url("wagtailusers_users:edit"), _name, detail=True),
        "user_history": Target(_learner_url("wagtailusers_users:history"), _name, detail=True),
        "org_units": Target(_plain("org_units:index"), _unit),
        "org_units_results": Target(_plain("org_units:index_results"), _unit),
        "org_unit_history": Target(
            lambda world, community: reverse("org_units:history", args=[world.units[community].pk]),
            _unit,
            detail=True,
            allowed=frozenset(),  # managers may view the tree, not change it: its history is for editors
        ),
        "assignments": Target(_plain("assignments:index"), _course),
        "assignment_history": Target(
            lambda world, community: reverse("assignments:history", args=[world.assignments[community].pk]),
            _course,
            detail=True,
        ),
        # Wagtail's site history (the audit log), scoped by reports.audit_log: each learner's
        # override is logged under their name. Trainers open it for content and see no one.
        "site_history": Target(_plain("wagtailadmin_reports:site_history"), _name, open_to=TRAINER),
        "site_history_results": Target(
            _plain("wagtailadmin_reports:site_history_results"), _name, open_to=TRAINER
        ),
        "site_history_csv": Target(
            _plain("wagtailadmin_reports:site_history", "?export=csv"), _name, open_to=TRAINER
        ),
        "site_history_xlsx": Target(
            _plain("wagtailadmin_reports:site_history", "?export=xlsx"), _name, open_to=TRAINER
        ),
        "site_history_search": Target(
            lambda w, c: reverse("wagtailadmin_reports:site_history") + "?label=学员", _name, open_to=TRAINER
        ),
    }
)
# Positions are shared by the whole city: managers may look them up, not read their history.
TARGETS["position_history"] = Target(
    lambda world, community: reverse("wagtailsnippets_accounts_position:history", args=[world.position.pk]),
    _name,
    allowed=frozenset(),
)
# The admin's home page names no learners, inside the scope or out of it.
TARGETS["dashboard"] = Target(
    _plain("wagtailadmin_home"), _name, allowed=frozenset(), open_to=frozenset(MANAGERS) | TRAINER
)
# Wagtail's page reports are for the people who edit pages: no manager opens them, and they list
# no learners for anyone.
# (Trainers may not unlock pages, so the locked pages report is closed to them too.)
for report in ("aging_pages", "locked_pages", "workflow", "workflow_tasks", "page_types_usage"):
    TARGETS[report] = Target(
        _plain(f"wagtailadmin_reports:{report}"),
        _name,
        allowed=frozenset(),
        open_to=frozenset() if report == "locked_pages" else TRAINER,
    )


def _cases():
    for target in TARGETS:
        for role, (_inside, outside) in ROLES.items():
            yield pytest.param(target, role, "inside", id=f"{target}-{role}-inside")
            if outside is not None:
                yield pytest.param(target, role, "outside", id=f"{target}-{role}-outside")


@pytest.fixture(scope="module")
def world(shared_world):
    return shared_world


@pytest.fixture(scope="module")
def assignments(shared_world, django_db_blocker):
    """One assignment per community, to that community: the assignments list shows its course."""
    try:
        reverse("assignments:index")
    except NoReverseMatch:
        return None
    from assignments.models import Assignment

    world = shared_world
    with django_db_blocker.unblock():
        made = _make_assignments(world, Assignment)
    return made


def _make_assignments(world, Assignment):
    """One assignment per community, and in the audit log an override for each learner (its label is
    the learner's name)."""
    from wagtail.log_actions import log

    from progress.services import OVERRIDE_LOG_ACTION

    world.assignments = {}
    for community in world.learners:
        assignment = Assignment.objects.create(
            course=world.courses[community],
            due_mode=Assignment.DueMode.NONE,
            created_by=world.users["city_admin"],
        )
        assignment.units.set([world.units[community]])
        world.assignments[community] = assignment
        log(
            world.learners[community],
            OVERRIDE_LOG_ACTION,
            user=world.users["city_admin"],
            data={"course": world.courses[community].pk, "reason": "线下培训"},
        )
    return True


@pytest.mark.parametrize(("target_name", "role", "where"), list(_cases()))
def test_scope(db, client, world, assignments, target_name, role, where):
    target = TARGETS[target_name]
    if target_name.startswith("assignment") and assignments is None:
        pytest.skip("no assignments list")
    inside, outside = ROLES[role]
    community = inside if where == "inside" else outside
    url = target.url(world, community)
    marker = target.marker(world, community)
    response = login(client, world.users[role]).get(url)
    shown = body_text(response) if response.status_code == 200 else ""

    if where == "inside" and role in target.allowed:
        assert response.status_code == 200, url
        assert marker in shown, f"{marker} missing from {url} for {role}"
        return
    assert marker not in shown, f"{marker} shown at {url} to {role}"
    if role == "learner":
        assert response.status_code == 302
        assert reverse("wagtailadmin_login") in response["Location"]
    elif role in target.open_to:
        assert response.status_code == 200, url
    elif target.detail or role not in target.allowed:
        assert response.status_code in (302, 403, 404), url


@pytest.mark.parametrize("role", list(ROLES))
def test_menu_shows_the_reports_to_managers_only(db, client, world, role):
    from django.test import RequestFactory
    from wagtail.admin.menu import admin_menu

    request = RequestFactory().get("/admin/")
    request.user = world.users[role]
    names = {item.name for item in admin_menu.menu_items_for_request(request)}
    assert ("training-reports" in names) == (role in MANAGERS)
