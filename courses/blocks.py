"""Lesson blocks made for teaching software: screenshots, step-by-step guides, callouts, guided practice."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StreamValue
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock, ImageChooserBlock

from core.hotspot_editor import HotspotAreasWidget
from core.hotspots import HotspotArea

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]
VIDEO_EXTENSIONS = ("mp4", "webm", "mov")  # a phone's own recording is often .mov; learners get MP4 versions
# What an optional ImageBlock stores when left empty (a bare None breaks its bulk loading).
EMPTY_IMAGE = {"image": None, "alt_text": None, "decorative": None}


def _preview_image():
    """Any image from the library, so block previews in the admin show a picture."""
    from wagtail.images import get_image_model

    return get_image_model().objects.order_by("id").first()


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        description = _("Paragraphs of text with bold, lists and links.")
        template = "courses/blocks/paragraph.html"
        preview_value = "<p>扫码登记时，请先确认访客已打开<b>微信</b>，再请对方对准门口张贴的二维码。</p>"


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("heading"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("h2", _("Section heading")), ("h3", _("Sub-heading"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        description = _("A heading that splits the lesson into sections.")
        template = "courses/blocks/heading.html"
        preview_value = {"text": "第一步：打开登记小程序", "level": "h2"}


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        description = _("A screenshot or photo with a caption, sized for phones.")
        template = "courses/blocks/captioned_image.html"

    def get_preview_value(self):
        return {"image": _preview_image(), "caption": "登记小程序首页"}


class StepBlock(blocks.StructBlock):
    instruction = blocks.RichTextBlock(
        label=_("instruction"), features=["bold", "italic", "link"], help_text=_("What to do.")
    )
    screenshot = ImageBlock(label=_("screenshot"), required=False)
    tip = blocks.CharBlock(
        label=_("tip"), required=False, max_length=255, help_text=_("Optional hint for this step.")
    )

    class Meta:
        icon = "list-ol"
        label = _("Step")


class StepByStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    steps = blocks.ListBlock(StepBlock(), label=_("steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Step-by-step guide")
        description = _("Numbered steps, each with an instruction, a screenshot and an optional tip.")
        template = "courses/blocks/step_by_step.html"

    def get_preview_value(self):
        image = _preview_image()
        return {
            "title": "生成访客登记码",
            "steps": [
                {"instruction": "<p>打开<b>社区通</b>小程序。</p>", "screenshot": image, "tip": ""},
                {"instruction": "<p>点击“访客登记”。</p>", "screenshot": image, "tip": "找不到时向下滑动。"},
            ],
        }


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[("tip", _("Tip")), ("warning", _("Warning")), ("note", _("Note"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "warning"
        label = _("Tip or warning")
        description = _("A boxed tip, warning or note that stands out from the text.")
        template = "courses/blocks/callout.html"
        preview_value = {
            "kind": "warning",
            "title": "注意",
            "text": "<p>不要把居民的身份证号码发到微信群里。</p>",
        }


class VideoChooserBlock(DocumentChooserBlock):
    def clean(self, value):
        value = super().clean(value)
        if value and value.file_extension.lower() not in VIDEO_EXTENSIONS:
            raise ValidationError(_("Choose a video file: MP4, WebM or MOV."))
        return value


class VideoBlock(blocks.StructBlock):
    video = VideoChooserBlock(
        label=_("video file"),
        help_text=_(
            "Upload an MP4, WebM or MOV file to Documents. Smaller versions for phones are made after "
            "the upload."
        ),
    )
    poster = ImageChooserBlock(
        label=_("poster image"), required=False, help_text=_("Shown before the video plays.")
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=255)
    transcript = blocks.TextBlock(
        label=_("transcript"),
        required=False,
        help_text=_("What is said in the video, for people who cannot listen."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        description = _("An uploaded video that plays inside the page, with a poster image.")
        template = "courses/blocks/video.html"
        preview_template = "courses/previews/video.html"

    def get_preview_value(self):
        return {"video": None, "poster": _preview_image(), "caption": "操作演示", "transcript": ""}

    def get_context(self, value, parent_context=None):
        """Adds ``conversion``: the video's phone versions (courses.models.VideoConversion), or None. One
        query per video block, when the lesson body is rendered (it is then kept in the content cache)."""
        from courses.models import VideoConversion

        context = super().get_context(value, parent_context=parent_context)
        video = value.get("video")
        context["conversion"] = VideoConversion.objects.filter(document=video).first() if video else None
        return context


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("file"))
    title = blocks.CharBlock(
        label=_("link text"), required=False, max_length=120, help_text=_("Defaults to the file's title.")
    )
    description = blocks.CharBlock(label=_("description"), required=False, max_length=255)

    class Meta:
        icon = "doc-full"
        label = _("Download")
        description = _("A file learners can download, such as a form or a printable guide.")
        template = "courses/blocks/download.html"
        preview_template = "courses/previews/download.html"

    def get_preview_value(self):
        return {"document": None, "title": "访客登记表（打印版）", "description": "PDF，1 页"}


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    points = blocks.ListBlock(blocks.CharBlock(max_length=255), label=_("points"), min_num=1)

    class Meta:
        icon = "tick-inverse"
        label = _("Key points")
        description = _("A short summary of what to remember, usually at the end of a lesson.")
        template = "courses/blocks/key_points.html"
        preview_value = {
            "title": "本课要点",
            "points": ["先核验健康码，再登记", "登记信息只用于防疫", "有疑问及时联系网格员"],
        }


class HotspotAreaField(forms.JSONField):
    """One target rectangle drawn with the hotspot editor; the value is a HotspotArea dict."""

    default_error_messages = {
        "one_box": _("Draw exactly one box on the screenshot."),
        "outside": _("The box must lie inside the screenshot."),
    }

    def __init__(self, **kwargs):
        # The editor finds the step's screenshot chooser by name: "…-area" → "…-screenshot-image".
        kwargs.setdefault("widget", HotspotAreasWidget(image_field="screenshot-image", max_areas=1))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):
            return value  # the trainer's text, sent back unchanged with an error
        if value is None:
            value = []
        return super().prepare_value([value] if isinstance(value, dict) else value)

    def to_python(self, value):
        value = super().to_python(value)
        if value in (None, []):
            return None
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if not isinstance(value, dict):
            raise ValidationError(self.error_messages["one_box"], code="one_box")
        return value

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        try:
            problems = HotspotArea(**value).problems() if value.get("shape") == "rect" else ["not a box"]
        except TypeError:
            problems = ["unknown keys"]
        if problems:
            raise ValidationError(self.error_messages["outside"], code="outside")


class HotspotAreaBlock(blocks.FieldBlock):
    """A target rectangle on the screenshot next to it: ``{"shape": "rect", "x", "y", "w", "h"}``
    in fractions of the image's width and height."""

    def __init__(self, required=True, help_text=None, **kwargs):
        self.field = HotspotAreaField(required=required, help_text=help_text)
        super().__init__(**kwargs)

    def value_from_form(self, value):
        # The form posts JSON text; keep the block's native dict (or the text, to show it back with an error).
        if isinstance(value, str):
            try:
                parsed = json.loads(value)
            except ValueError:
                return value
            return parsed[0] if isinstance(parsed, list) and len(parsed) == 1 else parsed or None
        return value

    class Meta:
        icon = "crosshairs"
        default = None


class PracticeStepBlock(blocks.StructBlock):
    screenshot = ImageBlock(label=_("screenshot"))
    instruction = blocks.CharBlock(
        label=_("instruction"),
        max_length=200,
        help_text=_("What to tap, as the learner would say it, e.g. “点击‘访客登记’”."),
    )
    area = HotspotAreaBlock(
        label=_("where to tap"),
        help_text=_("Drag on the screenshot to draw a box around the spot that counts as right."),
    )
    hint = blocks.CharBlock(
        label=_("hint after a wrong tap"),
        max_length=255,
        help_text=_("Helps without giving the answer away, e.g. “它在常用功能的第一个”."),
    )

    class Meta:
        icon = "crosshairs"
        label = _("Practice step")


class GuidedPracticeBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120)
    intro = blocks.TextBlock(label=_("introduction"), required=False, max_length=500)
    steps = blocks.ListBlock(PracticeStepBlock(), label=_("steps"), min_num=1, max_num=20)

    class Meta:
        icon = "crosshairs"
        label = _("Guided practice")
        description = _(
            "Screenshots of a real tool, one at a time: the learner taps where they would tap; "
            "a wrong tap shows your hint."
        )
        template = "courses/blocks/guided_practice.html"

    def get_preview_value(self):
        image = _preview_image()
        return {
            "title": "练一练：打开访客登记",
            "intro": "在截图上点一下你会点的地方。",
            "steps": [
                {
                    "screenshot": image,
                    "instruction": "点击“访客登记”",
                    "area": {"shape": "rect", "x": 0.05, "y": 0.4, "w": 0.25, "h": 0.15},
                    "hint": "它在常用功能的第一个。",
                }
            ],
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        page = (parent_context or {}).get("page")
        context["lesson_id"] = getattr(page, "pk", None)
        context["block_id"] = _stream_child_id(getattr(page, "body", None), value)
        return context


def _stream_child_id(stream, value) -> str:
    """The id of the StreamField child holding ``value``: block templates are given the value only,
    and recording a finished practice needs to know which block it was."""
    if not isinstance(stream, StreamValue):
        return ""
    children = list(stream)
    for child in children:
        if child.value is value:
            return child.id or ""
    for child in children:  # a copy of the value (e.g. rendered from a revision)
        if child.block_type == "practice" and child.value == value:
            return child.id or ""
    return ""


class LessonStreamBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    heading = HeadingBlock()
    image = CaptionedImageBlock()
    steps = StepByStepBlock()
    callout = CalloutBlock()
    video = VideoBlock()
    download = DownloadBlock()
    key_points = KeyPointsBlock()
    practice = GuidedPracticeBlock()
