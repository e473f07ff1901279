"""The administrator's choice of which AI helpers are on for whom, and the daily limit per person
(AIHelperSettings, Settings → AI helpers), under the environment's ceiling (AI_HELPERS)."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from assistant.access import config_for
from assistant.models import AIHelperSettings
from assistant.services import assistant_policy_accept
from tests.factories import make_course, make_lesson, make_user, paragraph

pytestmark = pytest.mark.django_db

SETTINGS_URL = reverse("wagtailsettings:edit", args=["assistant", "aihelpersettings"])


def edit_url():
    return reverse("wagtailsettings:edit", args=["assistant", "aihelpersettings", AIHelperSettings.load().pk])


ROLES = ("learners", "trainers", "reviewers", "managers")
HELPERS = ("simplify", "ask", "question_drafts", "alt_text", "readability")


@pytest.fixture
def lesson():
    course = make_course("扫码登记入门")
    return make_lesson(
        course, "访客登记", body=[paragraph("打开小程序，点击访客登记。"), paragraph("核对后放行。")]
    )


def choose(**fields):
    choice = AIHelperSettings.load()
    for name, value in fields.items():
        setattr(choice, name, value)
    choice.save()
    return choice


def person(username, *groups):
    user = make_user(username, groups=list(groups))
    assistant_policy_accept(user=user)
    return user


def ask(client, lesson):
    return client.post(reverse("assistant:lesson_help", args=[lesson.pk, "ask"]), {"question": "怎么登记？"})


def test_by_default_learners_have_their_helpers_and_trainers_theirs(ai_on):
    learner, trainer = person("learner1"), person("trainer1", "Trainers")
    assert config_for(learner).helpers == {"simplify", "ask"}
    assert config_for(trainer).helpers == set(HELPERS)
    assert config_for(make_user("boss", is_superuser=True)).helpers == set(HELPERS)


def test_a_learner_is_refused_a_helper_the_administrator_gave_trainers_only(client, ai_on, lesson):
    choose(ask_learners=False, ask_trainers=True)
    client.force_login(person("learner1"))
    assert ask(client, lesson).status_code == 404
    # The lesson page offers what is left (simplify), not 「问一问」.
    page = client.get(lesson.url)
    assert page.context["ai_helpers"]["ask"] is False
    assert page.context["ai_helpers"]["simplify"] is True
    assert ai_on.requests == []


def test_a_trainer_is_allowed_it(client, ai_on, lesson):
    choose(ask_learners=False, ask_trainers=True)
    client.force_login(person("trainer1", "Trainers"))
    response = ask(client, lesson)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert len(ai_on.requests) == 1
    assert client.get(lesson.url).context["ai_helpers"]["ask"] is True


def test_no_learner_helper_for_anyone_hides_the_button(client, ai_on, lesson):
    choose(simplify_learners=False, ask_learners=False)
    client.force_login(person("learner1"))
    assert "ai_helpers" not in client.get(lesson.url).context
    assert client.post(reverse("assistant:policy_accept")).status_code == 404


def test_trainer_helpers_follow_the_choice_too(client, ai_on, lesson, in_english):
    choose(question_drafts_trainers=False, readability_trainers=False)
    drafts = reverse("assistant_admin:question_drafts", args=[lesson.pk])
    client.force_login(person("trainer1", "Trainers"))
    assert client.get(drafts).status_code == 404
    assert client.get(reverse("assistant_admin:readability", args=[lesson.pk])).status_code == 404
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).content.decode()
    assert "Draft questions" not in editor and "Check readability" not in editor
    client.force_login(person("reviewer1", "Reviewers"))
    assert client.get(drafts).status_code == 200
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).content.decode()
    assert "Draft questions" in editor


def test_a_role_ticked_still_needs_the_rights_of_the_screen(client, ai_on, lesson):
    """Ticking training managers for question drafts does not let one edit a lesson."""
    choose(question_drafts_managers=True)
    client.force_login(person("manager1", "Managers"))
    response = client.get(reverse("assistant_admin:question_drafts", args=[lesson.pk]))
    assert response.status_code in (302, 403)


def test_the_environment_is_the_ceiling(client, ai_on, settings, lesson):
    settings.AI_HELPERS = ["simplify"]
    choose(ask_learners=True, ask_trainers=True)
    trainer = person("trainer1", "Trainers")
    assert config_for(trainer).helpers == {"simplify"}
    client.force_login(trainer)
    assert ask(client, lesson).status_code == 404


def test_the_administrators_limit_overrides_the_environments(client, ai_on, lesson, in_english):
    choose(daily_limit=1)  # AI_DAILY_LIMIT is 3 in ai_on
    client.force_login(person("learner1"))
    assert ask(client, lesson).status_code == 200
    refused = ask(client, lesson)
    assert refused.status_code == 429
    assert refused.json()["code"] == "limit"
    assert "1 times today" in refused.json()["error"]


def test_limit_zero_means_no_limit_and_empty_means_the_environments(client, ai_on, lesson):
    client.force_login(person("learner1"))
    choose(daily_limit=0)
    for _ in range(4):
        assert ask(client, lesson).status_code == 200
    choose(daily_limit=None)
    assert ask(client, lesson).status_code == 429


@pytest.mark.parametrize("groups", [(), ("Trainers",), ("Reviewers",), ("Managers",)])
def test_only_site_administrators_reach_the_settings_screen(client, groups):
    client.force_login(make_user("someone", groups=list(groups)))
    assert client.get(SETTINGS_URL).status_code in (302, 403)
    assert client.get(edit_url()).status_code in (302, 403)
    assert client.post(edit_url(), {"daily_limit": "99"}).status_code in (302, 403)
    assert AIHelperSettings.load().daily_limit is None


def test_the_administrator_changes_it_and_it_is_in_the_site_history(client, in_english):
    admin = make_user("admin", is_superuser=True)
    client.force_login(admin)
    assert client.get(SETTINGS_URL).url == edit_url()
    screen = client.get(edit_url())
    assert screen.status_code == 200
    assert "Choose who may use each AI helper" in screen.content.decode()
    assert 'name="question_drafts_trainers"' in screen.content.decode()
    data = {f"{helper}_{who}": "on" for helper in HELPERS for who in ("trainers", "reviewers")}
    data["daily_limit"] = "10"
    response = client.post(edit_url(), data)
    assert response.status_code == 302
    choice = AIHelperSettings.load()
    assert choice.daily_limit == 10
    assert not choice.ask_learners and choice.ask_trainers and not choice.question_drafts_managers
    entry = ModelLogEntry.objects.get(action="wagtail.edit")
    assert (entry.user_id, entry.object_id) == (admin.pk, str(choice.pk))


def test_a_negative_limit_is_refused(client):
    client.force_login(make_user("admin", is_superuser=True))
    response = client.post(edit_url(), {"daily_limit": "-1"})
    assert response.status_code == 200
    assert "daily_limit" in response.context["form"].errors
