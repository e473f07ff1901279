"""A trainer drafts and submits for review; a reviewer approves, which publishes."""

import pytest
from django.urls import reverse
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, streamfield

from courses.models import CoursePage
from tests.factories import make_course_index, make_user

pytestmark = pytest.mark.django_db


def course_form(**overrides):
    data = {
        "title": "社区通知写作",
        "slug": "notice-writing",
        "summary": "写出居民看得懂的通知。",
        "estimated_minutes": 20,
        "objectives": streamfield([("objective", "写清时间地点")]),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_groups_and_workflow_exist_from_migrations():
    from django.contrib.auth.models import Group

    assert Group.objects.filter(name__in=["Trainers", "Reviewers"]).count() == 2
    workflow = Page.get_first_root_node().get_workflow()
    assert workflow is not None and "Course review" in workflow.name
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["Reviewers"]


def test_trainer_cannot_publish_but_can_submit_and_reviewer_approves(client):
    index = make_course_index()
    trainer = make_user("trainer1", groups=["Trainers"])
    reviewer = make_user("reviewer1", groups=["Reviewers"])
    add_url = reverse("wagtailadmin_pages:add", args=("courses", "coursepage", index.pk))

    client.force_login(trainer)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    # Asking to publish directly is not honoured for a trainer: the page stays a draft.
    client.post(add_url, course_form(**{"action-publish": "publish"}))
    course = CoursePage.objects.get(slug="notice-writing")
    assert not course.live

    edit_url = reverse("wagtailadmin_pages:edit", args=(course.pk,))
    response = client.post(edit_url, course_form(**{"action-submit": "submit"}))
    assert response.status_code == 302
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(course.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    course.refresh_from_db()
    assert not course.live

    client.force_login(reviewer)
    task_state = state.current_task_state
    approve_url = reverse("wagtailadmin_pages:workflow_action", args=(course.pk, "approve", task_state.pk))
    response = client.post(approve_url, {"comment": "可以发布"})
    assert response.status_code in (200, 302)
    course.refresh_from_db()
    assert course.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert client.get(course.url).status_code == 200


def test_admin_is_chinese_by_default(client):
    client.force_login(make_user("trainer2", groups=["Trainers"]))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'lang="zh-hans"' in html.lower() or "仪表板" in html or "页面" in html
