"""The trainers' AI helpers in the admin: 「生成题目草稿」 and 「检查易读性」 for a lesson, 「生成替代文本」
for an image. Each asks the same rights as the screen it helps with: editing the lesson, adding to the
question bank, changing the image."""

from __future__ import annotations

import base64
import time

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.permissions import policy_registry

from assistant import answers, drafts, readability, selectors, services
from assistant.access import config_for
from assistant.conf import ALT_TEXT, QUESTION_DRAFTS, READABILITY
from assistant.models import AssistantUsage
from assistant.provider import ProviderError, chat_complete
from core.rights import forbidden
from courses.models import LessonPage
from quizzes.kinds import REGISTRY
from quizzes.models import Question, QuestionCategory

Outcome = AssistantUsage.Outcome
MAX_ALT_TEXT = 255


def _helper_on(request, helper: str):
    settings_now = config_for(request.user, request)
    if not settings_now.is_on(helper):
        raise Http404
    return settings_now


def _editable_lesson(request, lesson_id: int) -> LessonPage | None:
    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    if not lesson.permissions_for_user(request.user).can_edit():
        return None
    return lesson


def _question_policy():
    return policy_registry.get_by_type(Question)


def _over_limit(user, settings_now) -> str | None:
    limit = settings_now.daily_limit
    if limit and selectors.usage_today_count(user) >= limit:
        return answers.limit_message(limit)
    return None


def _provider_message(error: ProviderError) -> str:
    return str(answers.PROVIDER_MESSAGES.get(error.reason, answers.PROVIDER_DOWN))


def question_drafts(request, lesson_id: int):
    """「生成题目草稿」: propose questions of the chosen kinds from the lesson's published text; those that
    pass their kind's checks are saved as drafts in the question bank."""
    settings_now = _helper_on(request, QUESTION_DRAFTS)
    lesson = _editable_lesson(request, lesson_id)
    if lesson is None or not _question_policy().user_has_permission(request.user, "add"):
        return forbidden(request, gettext("You may not add questions for this lesson."))
    lesson = lesson.get_latest_revision_as_object() if lesson.has_unpublished_changes else lesson
    kinds = list(drafts.DRAFTABLE_KINDS)
    context = {
        "page_title": gettext("Draft questions"),
        "header_icon": "help",
        "lesson": lesson,
        "kinds": [(kind.value, REGISTRY[kind].label) for kind in kinds],
        "categories": QuestionCategory.objects.order_by("name"),
        "chosen": ["single", "true_false"],
        "count": 5,
    }
    if request.method == "POST":
        chosen = [kind for kind in kinds if kind.value in request.POST.getlist("kinds")]
        try:
            count = min(max(int(request.POST.get("count", 5)), 1), drafts.MAX_DRAFTS)
        except ValueError:
            count = 5
        category = QuestionCategory.objects.filter(pk=request.POST.get("category") or None).first()
        context.update(chosen=[k.value for k in chosen], count=count)
        if not chosen:
            context["error"] = gettext("Choose at least one question type.")
            return TemplateResponse(request, "assistant/question_drafts.html", context)
        if message := _over_limit(request.user, settings_now):
            context["error"] = message
            return TemplateResponse(request, "assistant/question_drafts.html", context)
        started = time.monotonic()
        usage = services.assistant_usage_record(
            user=request.user,
            helper=QUESTION_DRAFTS,
            outcome=Outcome.STARTED,
            config=settings_now,
            page=lesson,
            model_name=settings_now.chat_model,
        )
        try:
            result = chat_complete(
                settings_now,
                messages=drafts.question_draft_messages(lesson=lesson, kinds=chosen, count=count),
                model=settings_now.chat_model,
                max_tokens=3000,
                json_answer=True,
            )
        except ProviderError as error:
            services.assistant_usage_finish(
                usage=usage,
                config=settings_now,
                outcome=Outcome.TIMEOUT if error.reason == "timeout" else Outcome.PROVIDER_ERROR,
                duration_ms=round((time.monotonic() - started) * 1000),
            )
            context["error"] = _provider_message(error)
            return TemplateResponse(request, "assistant/question_drafts.html", context)
        parsed = drafts.question_drafts_parse(result.text, kinds=chosen)
        created = services.question_drafts_create(
            questions=parsed.questions, category=category, actor=request.user, lesson=lesson
        )
        services.assistant_usage_finish(
            usage=usage,
            config=settings_now,
            outcome=Outcome.OK if created else Outcome.INVALID,
            tokens_in=result.usage.prompt_tokens,
            tokens_out=result.usage.completion_tokens,
            duration_ms=round((time.monotonic() - started) * 1000),
            answer=result.text,
        )
        context.update(created=created, problems=parsed.problems, done=True)
    return TemplateResponse(request, "assistant/question_drafts.html", context)


def lesson_readability(request, lesson_id: int):
    """「检查易读性」: long sentences and jargon in the lesson's latest text, block by block (no provider)."""
    _helper_on(request, READABILITY)
    lesson = _editable_lesson(request, lesson_id)
    if lesson is None:
        return forbidden(request, gettext("You may not edit this lesson."))
    latest = lesson.get_latest_revision_as_object()
    return TemplateResponse(
        request,
        "assistant/readability.html",
        {
            "page_title": gettext("Check readability"),
            "header_icon": "doc-full",
            "lesson": latest,
            "reports": readability.lesson_readability(latest),
            "long_sentence": readability.LONG_SENTENCE,
        },
    )


def _image_data_url(image) -> str:
    rendition = image.get_rendition("max-1024x1024|format-jpeg")
    with rendition.file.open("rb") as file:
        raw = file.read()
    return "data:image/jpeg;base64," + base64.b64encode(raw).decode()


def alt_text_messages(image) -> list[dict]:
    return [
        {
            "role": "system",
            "content": (
                "你为“一线学堂”的培训课件写图片的替代文本（给看不见图片、用读屏的学员）。用一到两句简短的中文"
                "说明截图里是什么界面、要点在哪里，不超过 80 个字，不要以“图片”开头。"
                "如果图里有人名、电话、身份证号、住址，不要写出来。只输出替代文本。"
            ),
        },
        {
            "role": "user",
            "content": [
                {"type": "text", "text": f"图片标题：{image.title}"},
                {"type": "image_url", "image_url": {"url": _image_data_url(image)}},
            ],
        },
    ]


def image_alt_text(request, image_id: int):
    """「生成替代文本」: propose alt text with the vision model; saved on the image only when the trainer
    accepts it (they may edit it first)."""
    settings_now = _helper_on(request, ALT_TEXT)
    image = get_object_or_404(get_image_model(), pk=image_id)
    if not policy_registry.get_by_type(get_image_model()).user_has_permission_for_instance(
        request.user, "change", image
    ):
        return forbidden(request, gettext("You may not change this image."))
    context = {
        "page_title": gettext("Draft alt text"),
        "header_icon": "image",
        "image": image,
        "proposal": "",
        "max_length": MAX_ALT_TEXT,
    }
    if request.method == "POST" and request.POST.get("action") == "accept":
        text = request.POST.get("alt_text", "").strip()
        if not text or len(text) > MAX_ALT_TEXT:
            context.update(proposal=text, error=gettext("Write the alt text in 1 to 255 characters."))
            return TemplateResponse(request, "assistant/alt_text.html", context)
        services.image_alt_text_set(image=image, alt_text=text, actor=request.user)
        messages.success(request, gettext("The alt text of “%(title)s” is saved.") % {"title": image.title})
        return redirect(reverse("wagtailimages:edit", args=[image.pk]))
    if request.method == "POST":
        if message := _over_limit(request.user, settings_now):
            context["error"] = message
            return TemplateResponse(request, "assistant/alt_text.html", context)
        started = time.monotonic()
        try:
            request_messages = alt_text_messages(image)
        except (OSError, ValueError):
            context["error"] = gettext("The image file cannot be read. Upload it again.")
            return TemplateResponse(request, "assistant/alt_text.html", context)
        usage = services.assistant_usage_record(
            user=request.user,
            helper=ALT_TEXT,
            outcome=Outcome.STARTED,
            config=settings_now,
            model_name=settings_now.vision_model,
        )
        try:
            result = chat_complete(
                settings_now, messages=request_messages, model=settings_now.vision_model, max_tokens=200
            )
        except ProviderError as error:
            services.assistant_usage_finish(
                usage=usage,
                config=settings_now,
                outcome=Outcome.TIMEOUT if error.reason == "timeout" else Outcome.PROVIDER_ERROR,
                duration_ms=round((time.monotonic() - started) * 1000),
            )
            context["error"] = _provider_message(error)
            return TemplateResponse(request, "assistant/alt_text.html", context)
        proposal = " ".join(result.text.split())[:MAX_ALT_TEXT]
        services.assistant_usage_finish(
            usage=usage,
            config=settings_now,
            outcome=Outcome.OK if proposal else Outcome.INVALID,
            tokens_in=result.usage.prompt_tokens,
            tokens_out=result.usage.completion_tokens,
            duration_ms=round((time.monotonic() - started) * 1000),
            answer=proposal,
        )
        context["proposal"] = proposal
    return TemplateResponse(request, "assistant/alt_text.html", context)


def page_is_lesson(page: Page) -> bool:
    return page.specific_class is not None and issubclass(page.specific_class, LessonPage)
