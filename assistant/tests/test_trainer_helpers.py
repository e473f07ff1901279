"""The trainers' helpers: question drafts parsed into valid question data for each kind and saved as drafts
of the bank, alt text saved on the image after the trainer accepts it, the local readability check."""

import json

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from assistant.drafts import DRAFTABLE_KINDS, question_drafts_parse
from assistant.models import AssistantUsage
from assistant.readability import text_readability
from assistant.tests.fake_provider import Reply
from quizzes.kinds import question_type
from quizzes.models import Question, QuestionCategory
from quizzes.questiondata import QuestionKind
from tests.factories import make_course, make_image, make_lesson, make_user, paragraph

# One valid question per kind a model may draft, in the JSON the prompt asks for.
ONE_OF_EACH = {
    "single": {
        "kind": "single",
        "text": "访客扫码后首先看到什么？",
        "choices": [
            {"text": "登记页面", "correct": True, "feedback": "对。"},
            {"text": "支付页面", "correct": False, "feedback": "不对，扫码登记不收费。"},
        ],
        "explanation": "扫码后打开的是登记页面。",
    },
    "multiple": {
        "kind": "multiple",
        "text": "登记时要核对哪些？",
        "choices": [
            {"text": "健康码", "correct": True},
            {"text": "行程卡", "correct": True},
            {"text": "工资条", "correct": False},
        ],
    },
    "true_false": {"kind": "true_false", "text": "没有手机的老人可以用纸质登记表。", "true_answer": True},
    "fill_blank": {"kind": "fill_blank", "text": "登记用的是____。", "answers": [{"text": "小程序"}]},
    "ordering": {
        "kind": "ordering",
        "text": "把步骤排好。",
        "steps": ["打开小程序", "点击访客登记", "核对后放行"],
    },
    "numeric": {"kind": "numeric", "text": "登记表保存几天？", "answers": [{"text": 21, "tolerance": 0}]},
    "essay": {"kind": "essay", "text": "说说为什么要核对。", "marking_guide": "提到防止冒用。"},
}


def test_every_draftable_kind_is_covered_and_tap_the_spot_is_not_draftable():
    assert {kind.value for kind in DRAFTABLE_KINDS} == set(ONE_OF_EACH)
    assert QuestionKind.HOTSPOT not in DRAFTABLE_KINDS


@pytest.mark.parametrize("kind", sorted(ONE_OF_EACH))
def test_each_kind_is_parsed_into_valid_question_data(kind):
    result = question_drafts_parse(json.dumps({"questions": [ONE_OF_EACH[kind]]}, ensure_ascii=False))
    assert result.problems == []
    [data] = result.questions
    assert data.kind == QuestionKind(kind)
    assert data.validate() == []
    assert question_type(data.kind).model_values(data) is not None


def test_invalid_questions_are_reported_not_drafted():
    answer = {
        "questions": [
            {
                "kind": "single",
                "text": "两个都对？",
                "choices": [{"text": "甲", "correct": True}, {"text": "乙", "correct": True}],
            },
            {"kind": "hotspot", "text": "点一点"},
            {"kind": "ordering", "text": "只有一步", "steps": ["一步"]},
            "not a question",
            ONE_OF_EACH["true_false"],
        ]
    }
    result = question_drafts_parse(json.dumps(answer, ensure_ascii=False))
    assert [q.kind for q in result.questions] == [QuestionKind.TRUE_FALSE]
    assert len(result.problems) == 4
    assert result.problems[0].startswith("第 1 题：") and "恰好有 1 个正确答案" in result.problems[0]


def test_a_fenced_answer_and_a_broken_one():
    fenced = "```json\n" + json.dumps({"questions": [ONE_OF_EACH["essay"]]}, ensure_ascii=False) + "\n```"
    assert len(question_drafts_parse(fenced).questions) == 1
    broken = question_drafts_parse("我来出几道题：……")
    assert broken.questions == [] and broken.problems


def test_wrong_types_from_the_model_are_dropped_not_trusted():
    item = {
        **ONE_OF_EACH["single"],
        "choices": [{"text": "甲", "correct": "yes"}, {"text": "乙", "correct": True}],
    }
    [data] = question_drafts_parse(json.dumps({"questions": [item]}, ensure_ascii=False)).questions
    assert [c.correct for c in data.choices] == [False, True]


def test_readability_flags_long_sentences_and_jargon():
    long, jargon = text_readability(
        "为了进一步打通数据链路，实现社区治理的闭环管理，请各位网格员在每天巡查结束以后及时登录系统后台上传巡查记录和照片。"
        "打开小程序。"
    )
    assert len(long) == 1 and long[0].startswith("为了进一步")
    assert {"打通", "链路", "闭环", "后台"} <= set(jargon)
    assert text_readability("打开小程序，点击访客登记。") == ([], [])


# -- the admin screens ------------------------------------------------------------------------------


@pytest.fixture
def lesson(db):
    course = make_course("扫码登记入门")
    return make_lesson(
        course, "访客登记", body=[paragraph("打开小程序，点击访客登记。"), paragraph("核对后放行。")]
    )


@pytest.fixture
def trainer(client, db):
    user = make_user("trainer1", groups=["Trainers"])
    client.force_login(user)
    return user


def drafts_url(lesson):
    return reverse("assistant_admin:question_drafts", args=[lesson.pk])


@pytest.mark.django_db
def test_trainer_drafts_questions_into_the_bank_as_drafts(client, ai_on, lesson, trainer):
    category = QuestionCategory.objects.create(name="扫码登记")
    answer = {
        "questions": [ONE_OF_EACH["single"], ONE_OF_EACH["true_false"], {"kind": "single", "text": "坏题"}]
    }
    ai_on.script(Reply(pieces=[json.dumps(answer, ensure_ascii=False)], usage=(900, 300)))
    assert client.get(drafts_url(lesson)).status_code == 200
    response = client.post(
        drafts_url(lesson), {"kinds": ["single", "true_false"], "count": "3", "category": category.pk}
    )
    assert response.status_code == 200
    questions = Question.objects.order_by("pk")
    assert [q.kind for q in questions] == ["single", "true_false"]
    assert all(not q.live and q.latest_revision_id and q.category == category for q in questions)
    assert len(response.context["problems"]) == 1
    sent = ai_on.requests[0]
    assert sent["response_format"] == {"type": "json_object"}
    assert "打开小程序，点击访客登记。" in sent["messages"][1]["content"]
    usage = AssistantUsage.objects.get()
    assert (usage.helper, usage.outcome, usage.tokens_in, usage.tokens_out) == (
        "question_drafts",
        "ok",
        900,
        300,
    )
    assert ModelLogEntry.objects.filter(action="assistant.question_drafts").count() == 2


@pytest.mark.django_db
def test_question_drafts_when_the_provider_is_down(client, ai_on, lesson, trainer, in_english):
    ai_on.script(Reply(status=500), Reply(status=500))
    response = client.post(drafts_url(lesson), {"kinds": ["single"], "count": "2"})
    assert "cannot be reached" in response.context["error"]
    assert not Question.objects.exists()
    assert AssistantUsage.objects.get().outcome == "provider_error"


@pytest.mark.django_db
def test_learners_and_managers_may_not_draft(client, ai_on, lesson):
    client.force_login(make_user("learner1"))
    assert client.post(drafts_url(lesson), {"kinds": ["single"]}).status_code in (302, 403)
    assert ai_on.requests == []


@pytest.mark.django_db
def test_trainer_helpers_are_off_until_configured(client, lesson, trainer):
    assert client.get(drafts_url(lesson)).status_code == 404
    assert client.get(reverse("assistant_admin:readability", args=[lesson.pk])).status_code == 404


@pytest.mark.django_db
def test_readability_screen(client, ai_on, lesson, trainer):
    lesson.body = [paragraph("请通过后台接口完成数据打通。")]
    lesson.save_revision()
    response = client.get(reverse("assistant_admin:readability", args=[lesson.pk]))
    assert response.status_code == 200
    [report] = response.context["reports"]
    assert set(report.jargon) >= {"后台", "接口", "打通"}
    assert ai_on.requests == []  # a local check


@pytest.mark.django_db
def test_lesson_editor_shows_the_buttons(client, ai_on, lesson, trainer, in_english):
    page = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).content.decode()
    assert reverse("assistant_admin:question_drafts", args=[lesson.pk]) in page
    assert reverse("assistant_admin:readability", args=[lesson.pk]) in page


@pytest.mark.django_db
def test_alt_text_is_proposed_then_saved_when_accepted(client, ai_on, trainer):
    image = make_image("登记页面截图")
    url = reverse("assistant_admin:alt_text", args=[image.pk])
    ai_on.script(Reply(pieces=["小程序的访客登记页面，底部是绿色的“提交”按钮。"], usage=(800, 20)))
    response = client.post(url, {"action": "propose"})
    assert response.context["proposal"] == "小程序的访客登记页面，底部是绿色的“提交”按钮。"
    image.refresh_from_db()
    assert image.description == ""  # not saved until accepted
    sent = ai_on.requests[0]
    assert sent["model"] == "vision-model"
    assert sent["messages"][1]["content"][1]["image_url"]["url"].startswith("data:image/jpeg;base64,")
    response = client.post(url, {"action": "accept", "alt_text": "访客登记页面，底部是“提交”按钮。"})
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.description == "访客登记页面，底部是“提交”按钮。"
    assert ModelLogEntry.objects.filter(action="assistant.alt_text").count() == 1


@pytest.mark.django_db
def test_alt_text_refuses_empty_and_people_without_the_right(client, ai_on, trainer):
    image = make_image()
    url = reverse("assistant_admin:alt_text", args=[image.pk])
    assert client.post(url, {"action": "accept", "alt_text": "  "}).context["error"]
    client.force_login(make_user("learner1"))
    assert client.post(url, {"action": "accept", "alt_text": "x"}).status_code in (302, 403)
    image.refresh_from_db()
    assert image.description == ""


@pytest.mark.django_db
def test_the_image_editor_links_to_the_alt_text_helper_when_it_is_on(client, ai_on, settings, trainer):
    image = make_image()
    edit = reverse("wagtailimages:edit", args=[image.pk])
    helper = reverse("assistant_admin:alt_text", args=[image.pk])
    assert helper in client.get(edit).content.decode()
    settings.AI_HELPERS = ["ask"]
    page = client.get(edit).content.decode()
    assert helper not in page and 'name="title"' in page  # Wagtail's own editor still there
