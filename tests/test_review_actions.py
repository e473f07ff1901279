"""A reviewer's main button is "approve (and publish)", and the message after a review action says
what it did ("approved and published", "changes requested"), not Wagtail's "has been updated"."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import WorkflowState

from courses.models import CoursePage
from courses.tests.test_moderation import course_form
from tests.factories import make_course_index, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(client):
    index = make_course_index()
    client.force_login(make_user("trainer1", groups=["Trainers"]))
    client.post(reverse("wagtailadmin_pages:add", args=("courses", "coursepage", index.pk)), course_form())
    course = CoursePage.objects.get(slug="notice-writing")
    client.post(
        reverse("wagtailadmin_pages:edit", args=(course.pk,)), course_form(**{"action-submit": "submit"})
    )
    client.force_login(make_user("reviewer1", groups=["Reviewers"]))
    return course


def _updated(message: str) -> bool:
    """Wagtail's "Page '…' has been updated." (rendered as HTML)."""
    return "已被更新" in message or "has been updated" in message


def _messages(response) -> list[str]:
    """The messages the next screen shows (what the POST stored, not what it read)."""
    assert response.redirect_chain, "the review action redirects"
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_reviewers_main_button_is_approve_and_the_trainers_is_save_draft(client, submitted):
    edit_url = reverse("wagtailadmin_pages:edit", args=(submitted.pk,))
    menu = client.get(edit_url).context["action_menu"]
    assert menu.default_item.name == "approve"
    assert not menu.default_item.launch_modal  # the plain approve, not "with comment"
    assert "action-save-draft" in {getattr(item, "name", "") for item in menu.menu_items}

    client.force_login(make_user("trainer2", groups=["Trainers"]))
    menu = client.get(edit_url).context["action_menu"]
    assert menu.default_item.name != "approve"  # the trainer cannot review (the page is locked to them)


def test_approving_from_the_editor_says_approved_and_published(client, submitted):
    edit_url = reverse("wagtailadmin_pages:edit", args=(submitted.pk,))
    data = course_form(**{"action-workflow-action": "true", "workflow-action-name": "approve"})
    response = client.post(edit_url, data, follow=True)
    submitted.refresh_from_db()
    assert submitted.live
    shown = _messages(response)
    with translation.override("zh-hans"):
        expected = gettext("%(page_type)s “%(title)s” was approved and published.") % {
            "page_type": CoursePage._meta.verbose_name,
            "title": "社区通知写作",
        }
    assert expected in shown
    assert not any(_updated(text) for text in shown)


def test_requesting_changes_from_the_editor_says_so(client, submitted):
    edit_url = reverse("wagtailadmin_pages:edit", args=(submitted.pk,))
    data = course_form(
        **{
            "action-workflow-action": "true",
            "workflow-action-name": "reject",
            "workflow-action-extra-data": '{"comment": "请补充截图"}',
        }
    )
    response = client.post(edit_url, data, follow=True)
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(submitted.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    with translation.override("zh-hans"):
        expected = gettext(
            "Changes to %(page_type)s “%(title)s” were requested; the trainer can edit it again."
        ) % {"page_type": CoursePage._meta.verbose_name, "title": "社区通知写作"}
    assert expected in _messages(response)
    assert not any(_updated(text) for text in _messages(response))
