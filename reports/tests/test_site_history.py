"""Wagtail's site history (the audit log) limited to the viewer's part of the organisation
(reports/audit_log.py, reports/views/site_history.py): rows, exports and filter choices.

In each community: a staff import, an override and a revoked certificate of its learner, an
assignment to it, an edit of the unit and an account deleted since, all by that community's own
manager (甲…丁操作员); a trainer's edit of each community's lesson page; the city admin's edit of a
position.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import resolve, reverse
from wagtail.log_actions import log

from accounts.models import OrgUnit, User
from accounts.staff_import import IMPORT_LOG_ACTION
from assignments.models import Assignment
from assignments.services import ASSIGN_LOG_ACTION
from certificates.models import Certificate
from progress.services import OVERRIDE_LOG_ACTION
from reports.tests.conftest import COMMUNITIES, body_text, login
from reports.views.site_history import ScopedSiteHistoryView
from tests.factories import make_user

ACTOR_NAMES = {"A社区": "甲操作员", "B社区": "乙操作员", "C社区": "丙操作员", "D社区": "丁操作员"}


def _about(world, community: str) -> set[str]:
    """Labels of the entries about things in ``community``."""
    letter = community[0]
    return {
        world.learners[community].name,
        world.courses[community].title,
        community,
        f"{letter}离职员工",
        str(world.certificates[community]),
    }


@pytest.fixture
def history(world):
    from django.contrib.auth.models import Group, Permission
    from django.utils import timezone

    from certificates.services import REVOKE_LOG_ACTION

    # Managers who may look certificates up see the revocations in their part of the tree only.
    Group.objects.get(name="Managers").permissions.add(
        Permission.objects.get(content_type__app_label="certificates", codename="view_certificate")
    )
    world.actors, world.certificates = {}, {}
    for community in COMMUNITIES:
        letter = community[0]
        unit = world.units[community]
        actor = make_user(
            f"actor_{letter.lower()}",
            name=ACTOR_NAMES[community],
            org_unit=unit,
            managed_unit=unit,
            groups=["Managers"],
        )
        world.actors[community] = actor
        learner = world.learners[community]
        log(learner, IMPORT_LOG_ACTION, user=actor, data={"source": f"{letter}名单.xlsx", "row": 2})
        log(learner, OVERRIDE_LOG_ACTION, user=actor, data={"course": 1, "reason": "线下培训"})
        assignment = Assignment.objects.create(
            course=world.courses[community], due_mode=Assignment.DueMode.NONE, created_by=actor
        )
        assignment.units.set([unit])
        log(assignment, ASSIGN_LOG_ACTION, user=actor, data={"course_title": world.courses[community].title})
        log(unit, "wagtail.edit", user=actor)
        certificate = Certificate.objects.create(
            learner=learner,
            course_id=world.courses[community].pk,
            code=letter * 16,
            completed_at=timezone.now(),
            holder_name=learner.name,
            course_title=world.courses[community].title,
            organisation_name="培训中心",
        )
        world.certificates[community] = certificate
        log(certificate, REVOKE_LOG_ACTION, user=actor, data={"reason": "发错了人"})
        gone = make_user(f"gone_{letter.lower()}", name=f"{letter}离职员工", org_unit=unit)
        log(gone, "wagtail.delete", user=actor)
        gone.delete()
        log(world.lessons[community], "wagtail.edit", user=world.users["trainer"])
    log(world.position, "wagtail.edit", user=world.users["city_admin"])
    return world


def labels(response) -> set[str]:
    assert response.status_code == 200
    return {entry.label for entry in response.context["object_list"]}


def user_choices(response) -> set[str]:
    field = response.context["filters"].form.fields.get("user")
    return set() if field is None else {str(user) for user in field.queryset}


def test_wagtails_site_history_urls_lead_to_the_scoped_view():
    for name in ("wagtailadmin_reports:site_history", "wagtailadmin_reports:site_history_results"):
        assert resolve(reverse(name)).func.view_class is ScopedSiteHistoryView


@pytest.mark.parametrize(
    ("role", "communities"),
    [
        ("community_manager", ["A社区"]),
        ("street_manager", ["A社区", "B社区"]),
        ("district_manager", ["A社区", "B社区", "C社区"]),
    ],
)
def test_managers_see_entries_about_their_part_of_the_tree_only(client, history, role, communities):
    world = history
    login(client, world.users[role])
    url = reverse("wagtailadmin_reports:site_history")
    response = client.get(url)
    expected = set().union(*(_about(world, c) for c in communities))
    assert labels(response) == expected
    # Who did it: the managers of those communities, in the rows and in the "user" filter alike.
    assert user_choices(response) == {ACTOR_NAMES[c] for c in communities}

    html = response.content.decode()
    outside = [c for c in COMMUNITIES if c not in communities]
    for community in outside:
        for text in (*_about(world, community), ACTOR_NAMES[community]):
            # Anywhere on the page: rows, filter choices, scripts.
            assert text not in html, f"{text} shown to {role}"
    for text in ("课时A", "网格员", world.users["trainer"].name):
        assert text not in html  # content is not part of anyone's subtree

    for export in ("csv", "xlsx"):
        shown = body_text(client.get(url, {"export": export}))
        assert world.learners[communities[0]].name in shown
        for community in outside:
            assert world.learners[community].name not in shown
            assert ACTOR_NAMES[community] not in shown


def test_filtering_by_someone_outside_the_scope_shows_nothing_of_theirs(client, history):
    world = history
    login(client, world.users["street_manager"])
    url = reverse("wagtailadmin_reports:site_history_results")
    d_actor = world.actors["D社区"]
    assert labels(client.get(url, {"user": d_actor.pk})) <= _about(world, "A社区") | _about(world, "B社区")
    assert labels(client.get(url, {"label": "丁"})) == set()
    assert labels(client.get(url, {"label": "甲"})) == {"甲学员", str(world.certificates["A社区"])}
    ours = labels(client.get(url, {"user": world.actors["B社区"].pk}))
    assert ours == _about(world, "B社区")


def test_the_city_and_superusers_see_everything(client, history):
    world = history
    everything = set().union(*(_about(world, c) for c in COMMUNITIES))
    login(client, world.users["city_admin"])
    response = client.get(reverse("wagtailadmin_reports:site_history"))
    # Wagtail's permission rule still applies: the city admin edits no pages.
    assert labels(response) == everything | {"网格员"}
    assert user_choices(response) == set(ACTOR_NAMES.values()) | {world.users["city_admin"].name}

    root = make_user("root", is_superuser=True)
    login(client, root)
    shown = labels(client.get(reverse("wagtailadmin_reports:site_history")))
    assert shown >= everything | {"网格员", "课时A", "课时B", "课时C", "课时D"}


def test_trainers_see_content_history_and_nothing_about_people(client, history):
    world = history
    login(client, world.users["trainer"])
    response = client.get(reverse("wagtailadmin_reports:site_history"))
    assert {"课时A", "课时D"} <= labels(response)
    tree_types = ContentType.objects.get_for_models(User, OrgUnit, Assignment, Certificate).values()
    assert not [e for e in response.context["object_list"] if e.content_type in tree_types]
    assert not user_choices(response) & set(ACTOR_NAMES.values())
    html = response.content.decode()
    for community in COMMUNITIES:
        assert world.learners[community].name not in html
        assert f"{community[0]}离职员工" not in html


def test_a_managers_own_entries_about_deleted_accounts_stay_with_them(client, history):
    """A deleted account has no unit left to check: its entries show to whoever in the scope made them."""
    world = history
    moved = world.actors["C社区"]
    login(client, world.users["district_manager"])
    assert "C离职员工" in labels(client.get(reverse("wagtailadmin_reports:site_history")))
    # Once the person who deleted it works elsewhere, it leaves the district's history.
    moved.org_unit = moved.managed_unit = world.units["D社区"]
    moved.save()
    assert "C离职员工" not in labels(client.get(reverse("wagtailadmin_reports:site_history")))


def test_the_query_count_does_not_grow_with_the_entries(client, history, django_assert_max_num_queries):
    world = history
    login(client, world.users["district_manager"])
    url = reverse("wagtailadmin_reports:site_history")
    client.get(url)  # sessions and content types cached
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(20):
        learner = make_user(f"more{n}", name=f"多{n}", org_unit=world.units["B社区"])
        log(learner, OVERRIDE_LOG_ACTION, user=world.actors["B社区"], data={})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_reports_menu_links_managers_to_the_site_history(client, history):
    from django.test import RequestFactory
    from wagtail.admin.menu import admin_menu

    request = RequestFactory().get("/admin/")
    request.user = history.users["community_manager"]
    menu = {item.name: item for item in admin_menu.menu_items_for_request(request)}
    submenu = {item.name: item for item in menu["training-reports"].menu.menu_items_for_request(request)}
    assert submenu["site-history"].url == reverse("wagtailadmin_reports:site_history")


@pytest.mark.parametrize(
    "role", ["district_manager", "street_manager", "community_manager", "trainer", "city_admin"]
)
def test_the_content_types_given_to_wagtail_let_the_same_entries_through(history, role):
    """`allow_content_types` spares Wagtail its scan of the whole log: the types with any permission,
    a superset of Wagtail's (types with entries and a permission), let exactly its entries through."""
    from wagtail.models import ModelLogEntry, PageLogEntry

    from reports.audit_log import allow_content_types

    for log_model in (ModelLogEntry, PageLogEntry):
        wagtails = set(log_model.objects.viewable_by_user(User.objects.get(pk=history.users[role].pk)))
        primed = User.objects.get(pk=history.users[role].pk)
        allow_content_types(primed)
        assert set(log_model.objects.viewable_by_user(primed)) == wagtails


def test_a_managers_entries_are_found_once_per_request(history):
    """The people, units and entries in scope are looked up once, then filtered by id: the same
    entries on a second ask, with no further query for the scope."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import ModelLogEntry

    from reports.audit_log import log_entries_visible_to

    viewer = User.objects.get(pk=history.users["district_manager"].pk)
    first = set(log_entries_visible_to(viewer, ModelLogEntry).values_list("label", flat=True))
    assert _about(history, "A社区") | _about(history, "C社区") <= first
    assert not _about(history, "D社区") & first
    with CaptureQueriesContext(connection) as again:
        second = set(log_entries_visible_to(viewer, ModelLogEntry).values_list("label", flat=True))
    assert second == first
    assert len(again.captured_queries) == 1  # the entries themselves, by id


@pytest.mark.parametrize(
    "role", ["district_manager", "street_manager", "community_manager", "trainer", "city_admin", "superuser"]
)
def test_filter_choices_are_those_of_the_visible_entries(history, role):
    """However they are found (the entries already found, the log's indexes, or a DISTINCT), the
    choices are the actors, actions and types of the entries the viewer sees."""
    from wagtail.log_actions import registry

    from reports.audit_log import log_entries_visible_to, log_filter_choices

    if role == "superuser":
        viewer = make_user("root", name="超级管理员", is_superuser=True, is_staff=True)
    else:
        viewer = User.objects.get(pk=history.users[role].pk)
    expected_users, expected_actions, expected_types = set(), set(), set()
    for log_model in registry.get_log_entry_models():
        entries = log_entries_visible_to(User.objects.get(pk=viewer.pk), log_model)
        for user_id, action, content_type_id in entries.values_list("user_id", "action", "content_type_id"):
            expected_users.add(user_id)
            expected_actions.add(action)
            if log_model.__name__ != "PageLogEntry":
                expected_types.add(content_type_id)
    choices = log_filter_choices(User.objects.get(pk=viewer.pk))
    assert choices.user_ids == expected_users - {None}
    assert choices.actions == expected_actions
    assert expected_types - {None} <= choices.content_type_ids


@pytest.mark.parametrize("role", ["district_manager", "street_manager", "community_manager"])
def test_the_unfiltered_listing_from_the_entries_found_equals_wagtails_query(
    client, history, role, monkeypatch
):
    """Below the city, with no filter, the page and the count come from the entries found for the
    request (`LogRows`), not from Wagtail's query: the same entries, in the same order, page by page,
    and in the exports. A filter that leaves everything in (no commenting actions here) takes
    Wagtail's query."""
    from wagtail.models import PageLogEntry

    from reports.views.site_history import LogRows

    world = history
    viewer = world.users[role]
    # One entry of the page log made in the scope, which Wagtail's page permissions keep out: the
    # page log is asked by query, with Wagtail's rule.
    PageLogEntry.objects.log_action(world.lessons["A社区"], "wagtail.edit", user=viewer)
    monkeypatch.setattr(ScopedSiteHistoryView, "paginate_by", 3)
    login(client, viewer)
    url = reverse("wagtailadmin_reports:site_history_results")

    def listing(query):
        pages, count, rows = [], None, None
        for page in (1, 2, 3, 4, 5, 6):
            response = client.get(url, {**query, "p": page})
            assert response.status_code == 200
            rows = type(response.context["view"].object_list)
            count = response.context["paginator"].count
            pages.append([(type(entry).__name__, entry.pk) for entry in response.context["object_list"]])
        return pages, count, rows

    ours, our_count, our_rows = listing({})
    wagtails, wagtails_count, wagtails_rows = listing({"is_commenting_action": "false"})
    assert our_rows is LogRows and wagtails_rows is not LogRows
    assert ours == wagtails and our_count == wagtails_count > 3
    assert "PageLogEntry" not in {name for page in ours for name, _pk in page}
    for export in ("csv", "xlsx"):
        everything = client.get(url, {"export": export})
        filtered = client.get(url, {"export": export, "is_commenting_action": "false"})
        assert body_text(everything) == body_text(filtered)


def test_entries_in_both_logs_are_interleaved_by_wagtails_query(client, history):
    """A manager who also edits pages sees entries of the page log too: Wagtail's query puts the two
    logs in one order."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission, Page, PageLogEntry

    from reports.views.site_history import LogRows

    world = history
    viewer = world.users["community_manager"]
    editors = Group.objects.create(name="社区编辑")
    GroupPagePermission.objects.create(
        group=editors,
        page=Page.get_first_root_node(),
        permission=Permission.objects.get(codename="change_page"),
    )
    viewer.groups.add(editors)
    PageLogEntry.objects.log_action(world.lessons["A社区"], "wagtail.edit", user=viewer)
    login(client, viewer)
    response = client.get(reverse("wagtailadmin_reports:site_history"))
    assert response.status_code == 200
    assert type(response.context["view"].object_list) is not LogRows
    shown = [(type(entry).__name__, entry.label) for entry in response.context["object_list"]]
    assert shown[0] == ("PageLogEntry", "课时A")  # the newest entry, from the page log
    assert {label for _log, label in shown[1:]} == _about(world, "A社区")
